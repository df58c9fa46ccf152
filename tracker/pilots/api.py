"""Pilots through the JSON API: the list with the page's filters and sorts, a pilot (its plan, the versions on trial,
the projects), and its workflow moves; the same services as the pages."""

from datetime import date, datetime

from flask import url_for
from flask_login import current_user
from pydantic import BaseModel, Field

from tracker.api import answer, body_of, endpoint, link, saved, versioned
from tracker.api.schemas import ListQuery, Ref, list_of, listed, sorts
from tracker.db import get_session
from tracker.pilots import service
from tracker.pilots.forms import PilotMoveInput
from tracker.pilots.models import Pilot, PilotDecision, PilotStatus
from tracker.validation import Id

TAG = "Pilots"


class PilotOut(BaseModel):
    id: int
    title: str
    plan: Ref
    versions: list[Ref] = Field(description="The asset versions on trial")
    projects: list[Ref] = Field(description="The projects piloting them")
    measure: str
    baseline: str
    target: str
    actual: str
    results: str
    start_date: date
    end_date: date
    status: PilotStatus
    decision: PilotDecision | None
    decision_rationale: str
    decided_by: Ref | None
    decided_on: date | None
    created_at: datetime
    version: int = Field(description="Bumped by every change; the ETag says it too")
    url: str
    html_url: str

    @classmethod
    def of(cls, pilot: Pilot) -> "PilotOut":
        return cls(
            **{name: getattr(pilot, name) for name in (
                "id", "title", "measure", "baseline", "target", "actual", "results", "start_date", "end_date",
                "status", "decision", "decision_rationale", "decided_on", "created_at", "version")},
            plan=Ref(id=pilot.plan.id, name=pilot.plan.title, url=link("get_plan", plan_id=pilot.plan.id)),
            versions=[Ref(id=v.id, name=v.name, url=link("get_version", version_id=v.id))
                      for v in pilot.asset_versions],
            projects=[Ref(id=p.id, name=p.code, url=link("get_project", project_id=p.id)) for p in pilot.projects],
            decided_by=Ref(id=pilot.decided_by.id, name=pilot.decided_by.name) if pilot.decided_by else None,
            url=link("get_pilot", pilot_id=pilot.id), html_url=url_for("pilots.detail", pilot_id=pilot.id))


PilotList = list_of(PilotOut, "PilotList")


class PilotQuery(ListQuery):
    q: str = Field(default="", max_length=100, description="Text in the title")
    status: PilotStatus | None = None
    project: Id | None = Field(default=None, description="A project's id: the pilots it takes part in")
    sort: sorts(service.LISTING) = service.LISTING.default


MoveBody = body_of(PilotMoveInput, "PilotMove")


@endpoint("/pilots", action="read", query=PilotQuery, out=PilotList, tag=TAG)
def list_pilots(query: PilotQuery):
    """The pilots the filters select, in the order asked (the latest start first unless `sort` says)."""
    where = service.PilotFilter(q=query.q, status=query.status, project_id=query.project)
    return listed(service.LISTING, service.pilots_matching(where), query, out=PilotOut.of, answer_as=PilotList,
                  load=service.LOADED)


@endpoint("/pilots/<int:pilot_id>", action="read", out=PilotOut, tag=TAG)
def get_pilot(pilot_id: int):
    """One pilot."""
    pilot = service.get_pilot(get_session(), pilot_id=pilot_id)
    return answer(PilotOut.of(pilot), record=pilot)


@endpoint("/pilots/<int:pilot_id>/moves", method="POST", action="pilot.move", body=MoveBody, out=PilotOut,
          write=True, if_match=True, tag=TAG)
def move_pilot(pilot_id: int, body: MoveBody):
    """Move a pilot along its workflow (`to`: the status): the process group starts and evaluates it; the steering
    committee decides it (`decision` and `rationale`; `extend` sends it back to running)."""
    session = get_session()
    pilot = service.get_pilot(session, pilot_id=pilot_id)
    data = versioned(PilotMoveInput, body)
    return saved(lambda: service.move_pilot(session, pilot=pilot, data=data, by=current_user),
                 read=lambda: service.get_pilot(session, pilot_id=pilot_id), out=PilotOut.of)
