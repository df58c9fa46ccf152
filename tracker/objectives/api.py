"""Business objectives through the JSON API: the list with the page's filters and sorts and each objective's state,
an objective with its measurements, and recording a measurement; the same services as the pages."""

from datetime import date, datetime
from typing import Literal

from flask import url_for
from flask_login import current_user
from pydantic import BaseModel, Field
from sqlalchemy.orm import selectinload

from tracker.api import answer, body_of, endpoint, link, parse_json
from tracker.api.schemas import ListQuery, Ref, list_of, listed, sorts
from tracker.db import get_session, utcnow
from tracker.objectives import service
from tracker.objectives.forms import MeasurementInput
from tracker.objectives.models import BusinessObjective, Measurement
from tracker.objectives.progress import State
from tracker.validation import Id

TAG = "Business objectives"


class ObjectiveOut(BaseModel):
    id: int
    name: str
    kpi: str
    unit: str
    baseline: float | None
    baseline_on: date | None
    target: float | None
    target_date: date | None
    lower_is_better: bool
    owner: Ref
    description: str
    active: bool
    latest: float | None = Field(description="The latest measurement's value")
    state: State = Field(description="Whether it is on track: its trend carried to the target date")
    state_reason: str
    created_at: datetime
    version: int = Field(description="Bumped by every change; the ETag says it too")
    url: str
    html_url: str

    @classmethod
    def of(cls, objective: BusinessObjective, **more) -> "ObjectiveOut":
        """The objective (its owner and measurements loaded) and its state today."""
        state = service.assessment(objective, today=utcnow().date())
        return cls(**{name: getattr(objective, name) for name in (
            "id", "name", "kpi", "unit", "baseline", "baseline_on", "target", "target_date", "lower_is_better",
            "description", "active", "created_at", "version")},
            owner=Ref(id=objective.owner.id, name=objective.owner.name), latest=state.latest, state=state.state,
            state_reason=state.reason, url=link("get_objective", objective_id=objective.id),
            html_url=url_for("objectives.detail", objective_id=objective.id), **more)


class MeasurementOut(BaseModel):
    id: int
    objective: Ref
    measured_on: date
    value: float
    source: str
    plan: Ref | None = Field(description="The action plan whose result it is, if any")
    recorded_by: Ref
    created_at: datetime

    @classmethod
    def of(cls, measurement: Measurement, objective: BusinessObjective) -> "MeasurementOut":
        return cls(id=measurement.id, measured_on=measurement.measured_on, value=measurement.value,
                   source=measurement.source, created_at=measurement.created_at,
                   objective=Ref(id=objective.id, name=objective.name,
                                 url=link("get_objective", objective_id=objective.id)),
                   plan=Ref(id=measurement.plan_id, name=f"#{measurement.plan_id}",
                            url=link("get_plan", plan_id=measurement.plan_id)) if measurement.plan_id else None,
                   recorded_by=Ref(id=measurement.recorded_by.id, name=measurement.recorded_by.name))


class ObjectiveDetail(ObjectiveOut):
    measurements: list[MeasurementOut] = Field(description="Its measurements, the earliest first")

    @classmethod
    def of(cls, objective: BusinessObjective) -> "ObjectiveDetail":
        return super().of(objective, measurements=[MeasurementOut.of(m, objective) for m in objective.measurements])


ObjectiveList = list_of(ObjectiveOut, "ObjectiveList")


class ObjectiveQuery(ListQuery):
    q: str = Field(default="", max_length=100, description="Text in the name or KPI")
    state: Literal["active", "retired"] | None = Field(default=None, description="Active or retired ones only")
    owner: Id | None = Field(default=None, description="A person's id: the objectives they own")
    sort: sorts(service.LISTING) = service.LISTING.default


LISTED = (*service.LISTING.load, selectinload(BusinessObjective.measurements))  # their state reads the measurements


@endpoint("/objectives", action="read", query=ObjectiveQuery, out=ObjectiveList, tag=TAG)
def list_objectives(query: ObjectiveQuery):
    """The objectives the filters select, with each one's state, by name unless `sort` says."""
    where = service.ObjectiveFilter(q=query.q, owner_id=query.owner,
                                    active={"active": True, "retired": False}.get(query.state))
    return listed(service.LISTING, service.objectives_matching(where), query, out=ObjectiveOut.of,
                  answer_as=ObjectiveList, load=LISTED)


@endpoint("/objectives/<int:objective_id>", action="read", out=ObjectiveDetail, tag=TAG)
def get_objective(objective_id: int):
    """One objective, with its measurements."""
    objective = service.get_objective(get_session(), objective_id=objective_id)
    return answer(ObjectiveDetail.of(objective), record=objective)


Measurement = body_of(MeasurementInput, "Measurement")  # read once who may record is checked (`checked_first`)


@endpoint("/objectives/<int:objective_id>/measurements", method="POST", action="objective.measure",
          body=Measurement, checked_first=True, out=MeasurementOut, status=201, write=True, tag=TAG)
def measure_objective(objective_id: int, body: dict):
    """Record a value of the objective's KPI (its owner, the process group and the steering committee)."""
    session = get_session()
    objective = service.measurable_objective(session, objective_id=objective_id, by=current_user)
    data = parse_json(MeasurementInput, body)
    measurement = service.add_measurement(session, objective=objective, data=data, by=current_user)
    return answer(MeasurementOut.of(measurement, objective), status=201)
