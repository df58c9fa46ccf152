"""Pilots of new or changed asset versions, their decision, and the gate on deploying what was piloted."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from tracker.action_plans.models import OPEN as PLAN_OPEN
from tracker.action_plans.models import ActionPlan
from tracker.assets.models import VERSION_NAME, AssetVersion, ProcessAsset
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import commit, flush, get_or_not_found, utcnow
from tracker.deployments.reach import mark_first_deployed
from tracker.editing import editing
from tracker.errors import ValidationError
from tracker.history.service import record_create
from tracker.listing import Column, Listing, many
from tracker.pilots.forms import PilotInput, PilotMoveInput
from tracker.pilots.models import ADOPTING, Pilot, PilotAssetVersion, PilotDecision, PilotProject, PilotStatus
from tracker.pilots.workflow import PILOT_TRANSITIONS
from tracker.projects.models import Project
from tracker.sql import contains
from tracker.validation import chosen_records
from tracker.workflow import make_move

FIELDS = ("title", "measure", "baseline", "target", "actual", "results", "start_date", "end_date")
LOADED = (joinedload(Pilot.plan), selectinload(Pilot.projects),
          selectinload(Pilot.asset_versions).joinedload(AssetVersion.asset), joinedload(Pilot.decided_by))


@dataclass(frozen=True)
class PilotFilter:
    q: str = ""  # in the title
    status: PilotStatus | None = None
    project_id: int | None = None  # piloted on this project


LISTING = Listing("pilots", Pilot.id, {
    "title": Column("Pilot", (Pilot.title,), Pilot.title),
    "plan": Column("Plan", (ActionPlan.title,), ActionPlan.title, joins=((ActionPlan, ActionPlan.id == Pilot.plan_id),)),
    "versions": Column("Versions on trial", csv=many(
        VERSION_NAME, PilotAssetVersion.pilot_id == Pilot.id,
        AssetVersion.id == PilotAssetVersion.asset_version_id, ProcessAsset.id == AssetVersion.asset_id)),
    "projects": Column("Projects", csv=many(Project.code, PilotProject.pilot_id == Pilot.id,
                                            Project.id == PilotProject.project_id)),
    "start": Column("Start", (Pilot.start_date,), Pilot.start_date),
    "end": Column("End", (Pilot.end_date,), Pilot.end_date),
    "status": Column("Status", (Pilot.status,), Pilot.status),
    "decision": Column("Decision", (Pilot.decision,), Pilot.decision),
}, default="-start", load=LOADED)


def pilots_matching(where: PilotFilter):
    """The pilots the filter selects (LISTING orders and pages them). Nothing is joined here: the list joins the plan
    only to sort or export by it."""
    statement = select(Pilot)
    if where.q:
        statement = statement.where(contains(where.q, Pilot.title))
    if where.status:
        statement = statement.where(Pilot.status == where.status)
    if where.project_id is not None:
        statement = statement.where(Pilot.id.in_(
            select(PilotProject.pilot_id).where(PilotProject.project_id == where.project_id)))
    return statement


def get_pilot(session: Session, *, pilot_id: int) -> Pilot:
    return get_or_not_found(session, Pilot, pilot_id, *LOADED, missing="No such pilot.")


def _links(session: Session, data: PilotInput) -> tuple[ActionPlan, list[AssetVersion], list[Project]]:
    plan = session.get(ActionPlan, data.plan_id)
    if plan is None or plan.status not in PLAN_OPEN:
        raise ValidationError({"plan_id": "Choose an open action plan."})
    versions = chosen_records(session, AssetVersion, data.version_ids, field="version_ids")
    return plan, versions, chosen_records(session, Project, data.project_ids, field="project_ids")


def create_pilot(session: Session, *, data: PilotInput, by: User) -> Pilot:
    """Plan a pilot under an action plan."""
    authorize(by, "pilot.edit")
    plan, versions, projects = _links(session, data)
    pilot = Pilot(plan_id=plan.id, **data.model_dump(include=set(FIELDS)), asset_versions=versions, projects=projects)
    session.add(pilot)
    flush(session)
    record_create(session, pilot, by=by, fields=data.model_dump(include=set(FIELDS)) | {
        "plan": f"#{plan.id}", "asset_versions": [v.name for v in versions],
        "projects": [p.code for p in projects]})
    mark_first_deployed(session, plan_ids=[plan.id])  # its versions may be in use already
    commit(session)
    return pilot


def editable_pilot(session: Session, *, pilot_id: int, by: User) -> Pilot:
    """The pilot, if its form may change it now (not once decided)."""
    pilot = get_pilot(session, pilot_id=pilot_id)
    authorize(by, "pilot.edit", pilot)
    return pilot


def update_pilot(session: Session, *, pilot: Pilot, data: PilotInput, by: User) -> Pilot:
    """Edit a pilot that is not decided yet (its measured results included)."""
    with editing(session, pilot, action="pilot.edit", seen=data.version, by=by) as edit:
        plan, versions, projects = _links(session, data)
        plans = {pilot.plan_id, plan.id}  # the plan it leaves and the one it joins
        edit.fields(data.model_dump(include=set(FIELDS)) | {"plan_id": plan.id})
        edit.links("asset_versions", versions, label=lambda v: v.name)
        edit.links("projects", projects, label=lambda p: p.code)
        flush(session)
        mark_first_deployed(session, plan_ids=plans)
    return pilot


def move_pilot(session: Session, *, pilot: Pilot, data: PilotMoveInput, by: User,
               also: Callable[[], None] | None = None) -> Pilot:
    """Start, evaluate, or decide a pilot; a decision names its outcome and why (`also`: as move_proposal)."""
    to = data.to
    if to == PilotStatus.DECIDED and data.decision == PilotDecision.EXTEND:
        to = PilotStatus.RUNNING  # extending is decided, and the pilot runs on

    def effects() -> dict[str, object]:
        if pilot.status != PilotStatus.EVALUATING:
            return {}
        if data.decision is None:
            raise ValidationError({"decision": "Choose the decision."})
        return {"decision": data.decision if to == PilotStatus.DECIDED else PilotDecision.EXTEND,
                "decision_rationale": data.rationale, "decided_by_id": by.id, "decided_on": utcnow().date()}

    make_move(session, pilot, table=PILOT_TRANSITIONS, to=to, seen=data.version, by=by, action="pilot.move",
              rationale=data.rationale, effects=effects, then=also,
              shown={"decided_by_id": lambda uid: session.get(User, uid).name})
    return pilot


@dataclass(frozen=True)
class Gate:
    """May these versions be deployed organization-wide? `blocked` lists the piloted ones not adopted."""

    blocked: list[AssetVersion]

    @property
    def open(self) -> bool:
        return not self.blocked


def deployment_gate(session: Session, *, version_ids: list[int]) -> Gate:
    """A version that was piloted deploys only after an adopt decision; one never piloted is not gated."""
    rows = session.exec(select(PilotAssetVersion.asset_version_id, Pilot.decision)
                        .join(Pilot, Pilot.id == PilotAssetVersion.pilot_id)
                        .where(PilotAssetVersion.asset_version_id.in_(version_ids))).all()
    piloted, adopted = set(), set()
    for version_id, decision in rows:
        piloted.add(version_id)
        if decision in ADOPTING:
            adopted.add(version_id)
    blocked_ids = piloted - adopted
    blocked = list(session.exec(select(AssetVersion).where(AssetVersion.id.in_(blocked_ids))).all())
    return Gate(blocked=blocked)
