"""Business objectives, their measurements, and whether each is on track."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from sqlmodel import Session, select

from tracker.action_plans.models import ActionPlan, PlanStatus
from tracker.auth.models import User
from tracker.auth.policy import authorize, can
from tracker.db import commit, flush, get_or_not_found, utcnow
from tracker.editing import editing
from tracker.errors import InvalidTransition, PermissionDenied, ValidationError
from tracker.history.service import record_create, record_values
from tracker.listing import Column, Listing
from tracker.objectives.forms import MeasurementInput, ObjectiveInput
from tracker.objectives.models import BusinessObjective, Measurement
from tracker.objectives.progress import Assessment, assess, number_text
from tracker.sql import contains
from tracker.validation import chosen_person

NAME_TAKEN = {"name": "Another objective already has this name."}
FIELDS = ("name", "kpi", "unit", "baseline", "baseline_on", "target", "target_date", "owner_id", "description",
          "active")


def list_objectives(session: Session, *, active_only: bool = False) -> list[BusinessObjective]:
    """Objectives by name, owners loaded."""
    statement = select(BusinessObjective).options(joinedload(BusinessObjective.owner)).order_by(
        BusinessObjective.name)
    if active_only:
        statement = statement.where(BusinessObjective.active)
    return list(session.exec(statement).all())


@dataclass(frozen=True)
class ObjectiveFilter:
    q: str = ""  # in the name or KPI
    active: bool | None = None  # active, retired, or both
    owner_id: int | None = None


LATEST = (select(Measurement.value).where(Measurement.objective_id == BusinessObjective.id)
          .order_by(Measurement.measured_on.desc(), Measurement.id.desc()).limit(1).scalar_subquery())
STATE = sa.case((BusinessObjective.active, "Active"), else_="Retired")
LISTING = Listing("objectives", BusinessObjective.id, {
    "name": Column("Objective", (BusinessObjective.name,), BusinessObjective.name),
    "kpi": Column("KPI", (BusinessObjective.kpi,), BusinessObjective.kpi),
    "unit": Column("Unit", csv=BusinessObjective.unit, shown=False),
    "baseline": Column("Baseline", csv=BusinessObjective.baseline),
    "baseline_on": Column("Baseline measured on", csv=BusinessObjective.baseline_on, shown=False),
    "latest": Column("Latest", csv=LATEST),
    "target": Column("Target", (BusinessObjective.target_date,), BusinessObjective.target),
    "target_date": Column("Target date", csv=BusinessObjective.target_date, shown=False),
    "progress": Column("Progress"),
    "owner": Column("Owner", (User.name,), User.name, joins=((User, User.id == BusinessObjective.owner_id),)),
    "active": Column("Status", (STATE,), STATE),
}, default="name", load=(joinedload(BusinessObjective.owner),))


def objectives_matching(where: ObjectiveFilter):
    """The objectives the filter selects (LISTING orders and pages them). Nothing is joined here: the list joins the
    owner only to sort or export by them."""
    statement = select(BusinessObjective)
    if where.q:
        statement = statement.where(contains(where.q, BusinessObjective.name, BusinessObjective.kpi))
    if where.active is not None:
        statement = statement.where(BusinessObjective.active == where.active)
    if where.owner_id is not None:  # 0: typed text naming no one, which selects nothing
        statement = statement.where(BusinessObjective.owner_id == where.owner_id)
    return statement


def get_objective(session: Session, *, objective_id: int) -> BusinessObjective:
    return get_or_not_found(session, BusinessObjective, objective_id, missing="No such objective.")


def _check(session: Session, data: ObjectiveInput, objective: BusinessObjective | None) -> None:
    objective_id = objective.id if objective else None
    chosen_person(session, data.owner_id)
    measured = data.baseline_on or (objective.created_at.date() if objective else utcnow().date())
    if data.target_date <= measured:  # the baseline left undated is as of the day the objective was recorded
        raise ValidationError({"target_date": f"The target date must come after the baseline date ({measured}"
                                              + ("" if data.baseline_on else ": with no baseline date given, the "
                                                 "day the objective is recorded") + ")."})
    if session.exec(select(BusinessObjective.id).where(BusinessObjective.name == data.name,
                                                       BusinessObjective.id != objective_id)).first():
        raise ValidationError(NAME_TAKEN)


def create_objective(session: Session, *, data: ObjectiveInput, by: User) -> BusinessObjective:
    """Record a business or process objective."""
    authorize(by, "objective.edit")
    _check(session, data, None)
    objective = BusinessObjective(**data.model_dump(include=set(FIELDS)))
    session.add(objective)
    flush(session, unique=NAME_TAKEN)
    record_create(session, objective, by=by, fields=data.model_dump(include=set(FIELDS) - {"owner_id"})
                  | {"owner": session.get(User, data.owner_id).name})
    commit(session, unique=NAME_TAKEN)
    return objective


def update_objective(session: Session, *, objective: BusinessObjective, data: ObjectiveInput,
                     by: User) -> BusinessObjective:
    """Edit an objective, refusing an edit made on a stale copy."""
    with editing(session, objective, action="objective.edit", seen=data.version, by=by, unique=NAME_TAKEN) as edit:
        _check(session, data, objective)
        edit.fields(data.model_dump(include=set(FIELDS)), shown={"owner_id": lambda user_id: session.get(User, user_id).name})
    return objective


def _assessment(objective: BusinessObjective, measurements: list[tuple[date, float]], today: date) -> Assessment:
    return assess(baseline=objective.baseline, baseline_on=objective.baseline_on or objective.created_at.date(),
                  target=objective.target, target_date=objective.target_date, measurements=measurements,
                  today=today)


def assessment(objective: BusinessObjective, *, today: date) -> Assessment:
    """Whether this objective (its measurements loaded) is on track."""
    return _assessment(objective, [(m.measured_on, m.value) for m in objective.measurements], today)


def assessments(session: Session, *, objective_ids: Iterable[int] | None = None,
                today: date) -> dict[int, tuple[BusinessObjective, Assessment]]:
    """Each objective (all the active ones, or these) with its state: two queries whatever their number."""
    statement = select(BusinessObjective).order_by(BusinessObjective.name)
    statement = statement.where(BusinessObjective.active) if objective_ids is None else statement.where(
        BusinessObjective.id.in_(list(objective_ids)))
    objectives = session.exec(statement).all()
    measured: dict[int, list[tuple[date, float]]] = defaultdict(list)
    for objective_id, measured_on, value in session.exec(
            select(Measurement.objective_id, Measurement.measured_on, Measurement.value)
            .where(Measurement.objective_id.in_([o.id for o in objectives]))).all():
        measured[objective_id].append((measured_on, value))
    return {o.id: (o, _assessment(o, measured[o.id], today)) for o in objectives}


def shown_value(objective: BusinessObjective, value: float | None) -> str:
    """A value of this objective's KPI as people write it: 12.5 %, 3 h."""
    if value is None:
        return "—"
    unit = objective.unit
    return f"{number_text(value)}{'' if unit in ('', '%') else ' '}{unit}"


def _measurement_text(objective: BusinessObjective, measurement: Measurement) -> str:
    return f"{shown_value(objective, measurement.value)} on {measurement.measured_on} ({measurement.source})"


def measurable_objective(session: Session, *, objective_id: int, by: User) -> BusinessObjective:
    """The objective, if this user may record its measurements (its owner, the process group, the committee)."""
    objective = get_objective(session, objective_id=objective_id)
    authorize(by, "objective.measure", objective)
    return objective


def add_measurement(session: Session, *, objective: BusinessObjective, data: MeasurementInput, by: User,
                    plan: ActionPlan | None = None) -> Measurement:
    """Record a value of the objective's KPI (in the objective's history)."""
    authorize(by, "objective.measure", objective)
    measurement = Measurement(objective_id=objective.id, measured_on=data.measured_on, value=data.value,
                              source=data.source, plan_id=plan.id if plan else None, recorded_by_id=by.id)
    session.add(measurement)
    flush(session)
    record_values(session, objective, by=by, changed={"measurement": (None, _measurement_text(objective, measurement))})
    commit(session)
    return measurement


def remove_measurement(session: Session, *, measurement_id: int, by: User) -> BusinessObjective:
    """Take back a measurement recorded by mistake (the objective's history keeps what it was)."""
    measurement = get_or_not_found(session, Measurement, measurement_id, missing="No such measurement.")
    objective = get_objective(session, objective_id=measurement.objective_id)
    authorize(by, "objective.measure", objective)
    record_values(session, objective, by=by, changed={"measurement": (_measurement_text(objective, measurement), None)})
    session.delete(measurement)
    commit(session)
    return objective


def plan_for_result(session: Session, *, plan_id: int, by: User) -> ActionPlan:
    """The plan, if this user may measure at least one of the objectives it serves."""
    plan = get_or_not_found(session, ActionPlan, plan_id, missing="No such action plan.")
    if plan.objectives and not any(can(by, "objective.measure", objective) for objective in plan.objectives):
        raise PermissionDenied("Only the owners of the objectives this plan serves, the process group and the "
                               "steering committee record its result.")
    return plan


def record_plan_result(session: Session, *, plan: ActionPlan, data: MeasurementInput, by: User) -> Measurement:
    """A completed plan's actual result, as a measurement of one of the objectives it serves."""
    if plan.status != PlanStatus.COMPLETED:
        raise InvalidTransition("A plan's result is recorded once it is completed.")
    objective = next((o for o in plan.objectives if o.id == data.objective_id), None)
    if objective is None:
        raise ValidationError({"objective_id": "Choose one of the objectives this plan serves."})
    if data.measured_on < plan.planned_start:
        raise ValidationError({"measured_on": f"The plan started on {plan.planned_start}: its result is measured "
                                              "after that."})
    if session.exec(select(Measurement.id).where(Measurement.plan_id == plan.id, Measurement.objective_id == objective.id,
                                                 Measurement.measured_on == data.measured_on,
                                                 Measurement.value == data.value)).first():
        raise ValidationError({"value": "This result is recorded already (the same value on the same day)."})
    return add_measurement(session, objective=objective, data=data, by=by, plan=plan)


def results_of(session: Session, *, plan_id: int) -> list[tuple[Measurement, BusinessObjective]]:
    """The measurements recorded from this plan's result, with their objectives."""
    return list(session.exec(select(Measurement, BusinessObjective)
                             .join(BusinessObjective, BusinessObjective.id == Measurement.objective_id)
                             .where(Measurement.plan_id == plan_id)
                             .order_by(Measurement.measured_on, Measurement.id)).all())
