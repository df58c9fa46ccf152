"""Business objectives and what serves them."""

from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import commit, flush, get_or_not_found
from tracker.errors import Conflict, ValidationError
from tracker.history.service import apply_changes, bump_version, record_create
from tracker.objectives.forms import ObjectiveInput
from tracker.objectives.models import BusinessObjective

NAME_TAKEN = {"name": "Another objective already has this name."}
FIELDS = ("name", "kpi", "baseline", "target", "owner_id", "description", "active")


def list_objectives(session: Session, *, active_only: bool = False) -> list[BusinessObjective]:
    """Objectives by name, owners loaded."""
    statement = select(BusinessObjective).options(selectinload(BusinessObjective.owner)).order_by(
        BusinessObjective.name)
    if active_only:
        statement = statement.where(BusinessObjective.active)
    return list(session.exec(statement).all())


def get_objective(session: Session, *, objective_id: int) -> BusinessObjective:
    return get_or_not_found(session, BusinessObjective, objective_id, missing="No such objective.")


def _check(session: Session, data: ObjectiveInput, objective_id: int | None) -> None:
    owner = session.get(User, data.owner_id)
    if owner is None or not owner.active:
        raise ValidationError({"owner_id": "Choose an owner from the list."})
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
    authorize(by, "objective.edit")
    if data.version != objective.version:
        raise Conflict(current=objective)
    _check(session, data, objective.id)
    changed = apply_changes(session, objective, by=by, changes=data.model_dump(include=set(FIELDS)),
                            shown={"owner_id": lambda user_id: session.get(User, user_id).name})
    bump_version(session, objective, changed)
    commit(session, unique=NAME_TAKEN)
    return objective
