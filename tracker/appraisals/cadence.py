"""Reappraisal (OPF SP 1.2: appraise the organization's processes periodically): how often each scope is
appraised, and when each is next due.

A scope is the whole organization or one process area. An appraisal covers the process areas its scope lists,
or, when it lists none, the whole organization and every process area of its reference model. The next appraisal
of a scope is due its cadence's months after the last completed appraisal covering it; a scope never appraised
is due now (today; overdue only once today has passed).
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import joinedload
from sqlmodel import Session, func, select

from tracker.appraisals.forms import CadenceInput, CadenceMonthsInput
from tracker.appraisals.models import (
    Appraisal,
    AppraisalArea,
    AppraisalStatus,
    CadenceScope,
    ReappraisalCadence,
    ReferenceModel,
)
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import commit, flush, get_or_not_found, utcnow
from tracker.due import add_months
from tracker.errors import Conflict, ValidationError
from tracker.history.service import apply_changes, bump_version, record_create
from tracker.process_areas.models import Model, ProcessArea

OPEN = frozenset(set(AppraisalStatus) - {AppraisalStatus.COMPLETED, AppraisalStatus.CANCELLED})
# The process areas an appraisal naming none covers: those of its reference model (all, for a model of its own).
COVERS = {ReferenceModel.CMMI_DEV: {Model.CMMI}, ReferenceModel.CMMI_SVC: {Model.CMMI},
          ReferenceModel.IT_SERVICE_CMM: {Model.ITS_CMM}, ReferenceModel.ISO_33001: set(Model),
          ReferenceModel.INTERNAL: set(Model)}


@dataclass(frozen=True)
class Due:
    cadence: ReappraisalCadence
    scope: str  # what is appraised, as people say it
    last_completed_on: date | None  # the last completed appraisal covering the scope; None: never appraised
    due_on: date  # today when never appraised
    overdue: bool  # the due date has passed
    planned: Appraisal | None  # the soonest appraisal under way or planned that covers the scope


def list_cadences(session: Session) -> list[ReappraisalCadence]:
    return list(session.exec(select(ReappraisalCadence).options(joinedload(ReappraisalCadence.area))
                             .order_by(ReappraisalCadence.scope, ReappraisalCadence.area_id)).all())


def schedule(session: Session, *, today: date | None = None) -> list[Due]:
    """Every scope with a cadence and when it is next due, overdue first, then soonest; four queries."""
    today = today or utcnow().date()
    cadences = list_cadences(session)
    lists_areas = select(AppraisalArea.appraisal_id)
    whole = dict(session.exec(select(Appraisal.reference_model, func.max(Appraisal.completed_on)).where(
        Appraisal.status == AppraisalStatus.COMPLETED, Appraisal.id.not_in(lists_areas))
        .group_by(Appraisal.reference_model)).all())
    per_area = dict(session.exec(select(AppraisalArea.area_id, func.max(Appraisal.completed_on))
                                 .join(Appraisal, Appraisal.id == AppraisalArea.appraisal_id)
                                 .where(Appraisal.status == AppraisalStatus.COMPLETED)
                                 .group_by(AppraisalArea.area_id)).all())
    whole_planned, area_planned = _soonest_planned(session, lists_areas)
    found = []
    for cadence in cadences:
        if cadence.scope == CadenceScope.ORGANIZATION:
            last, scope = max(whole.values(), default=None), "The whole organization"
            planned = min(whole_planned.values(), key=_soonest, default=None)
        else:
            area = cadence.area
            covering = [day for model, day in whole.items() if area.model in COVERS[model]]
            last = max((d for d in (*covering, per_area.get(area.id)) if d is not None), default=None)
            scope = area.label
            candidates = [a for model, a in whole_planned.items() if area.model in COVERS[model]]
            if area.id in area_planned:
                candidates.append(area_planned[area.id])
            planned = min(candidates, key=_soonest, default=None)
        due_on = add_months(last, cadence.months) if last else today
        found.append(Due(cadence, scope, last, due_on, overdue=due_on < today, planned=planned))
    return sorted(found, key=lambda d: (not d.overdue, d.due_on, d.scope))


def _soonest(appraisal: Appraisal) -> tuple:
    return appraisal.completion_on, appraisal.id


def _soonest_planned(session: Session, lists_areas) -> tuple[dict, dict[int, Appraisal]]:
    """The appraisals under way or planned that a cadence may name: the soonest of each reference model that covers
    the whole organization (no areas listed), and the soonest listing each area. Ranked in SQL, so the records read
    are a few per model and area however many appraisals are open (loading every open one, with its areas, grew
    the appraisals page 2.35x at ten times the synthetic organization)."""
    soonest = (Appraisal.completion_on, Appraisal.id)
    whole = select(Appraisal.id, func.row_number().over(partition_by=Appraisal.reference_model,
                                                        order_by=soonest).label("n")) \
        .where(Appraisal.status.in_(OPEN), Appraisal.id.not_in(lists_areas)).subquery()
    listed = select(AppraisalArea.area_id, AppraisalArea.appraisal_id,
                    func.row_number().over(partition_by=AppraisalArea.area_id, order_by=soonest).label("n")) \
        .join(Appraisal, Appraisal.id == AppraisalArea.appraisal_id).where(Appraisal.status.in_(OPEN)).subquery()
    per_area = dict(session.exec(select(listed.c.area_id, listed.c.appraisal_id).where(listed.c.n == 1)).all())
    chosen = {appraisal.id: appraisal for appraisal in session.exec(select(Appraisal).where(
        Appraisal.id.in_(select(whole.c.id).where(whole.c.n == 1)) | Appraisal.id.in_(per_area.values()))).all()}
    listing_areas = set(per_area.values())  # the others list none: the soonest of their model
    return ({a.reference_model: a for a in chosen.values() if a.id not in listing_areas},
            {area_id: chosen[appraisal_id] for area_id, appraisal_id in per_area.items()})


def _check(session: Session, data: CadenceInput, cadence_id: int | None) -> None:
    errors = {}
    if data.scope == CadenceScope.PROCESS_AREA and (data.area_id is None
                                                    or session.get(ProcessArea, data.area_id) is None):
        errors["area_id"] = "Choose the process area this cadence is for."
    area_id = data.area_id if data.scope == CadenceScope.PROCESS_AREA else None
    same = select(ReappraisalCadence.id).where(
        ReappraisalCadence.scope == data.scope,
        ReappraisalCadence.area_id == area_id if area_id is not None else ReappraisalCadence.area_id.is_(None))
    if cadence_id is not None:
        same = same.where(ReappraisalCadence.id != cadence_id)
    if not errors and session.exec(same).first() is not None:
        errors["scope" if data.scope == CadenceScope.ORGANIZATION else "area_id"] = (
            "This scope has a cadence already: change that one.")
    if errors:
        raise ValidationError(errors)


def _label(session: Session, data: CadenceInput) -> str:
    if data.scope == CadenceScope.ORGANIZATION:
        return "organization"
    return session.get(ProcessArea, data.area_id).code


def set_cadence(session: Session, *, data: CadenceInput, by: User) -> ReappraisalCadence:
    """A new scope's cadence: how many months between its appraisals."""
    authorize(by, "appraisal.cadence")
    _check(session, data, None)
    area_id = data.area_id if data.scope == CadenceScope.PROCESS_AREA else None
    cadence = ReappraisalCadence(scope=data.scope, area_id=area_id, months=data.months)
    session.add(cadence)
    flush(session, unique={"scope": "This scope has a cadence already: change that one."})
    record_create(session, cadence, by=by, fields={"scope": _label(session, data), "months": data.months})
    commit(session)
    return cadence


def get_cadence(session: Session, *, cadence_id: int) -> ReappraisalCadence:
    return get_or_not_found(session, ReappraisalCadence, cadence_id, missing="No such cadence.")


def update_cadence(session: Session, *, cadence: ReappraisalCadence, data: CadenceMonthsInput,
                   by: User) -> ReappraisalCadence:
    """A new interval for a scope: its next due date moves with it."""
    authorize(by, "appraisal.cadence")
    if data.version != cadence.version:
        raise Conflict(current=cadence)
    bump_version(session, cadence, apply_changes(session, cadence, by=by, changes={"months": data.months}))
    commit(session)
    return cadence
