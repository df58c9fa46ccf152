"""Commitments are negotiated, not just assigned (SP 2.2). One party offers terms (what, by when, why), the other
answers: the owner accepts or counters; the plan's side (its owner, or the process group) agrees or not. A member
of the plan's team proposes a commitment for themselves, the process group to anyone; an agreed commitment's
terms are renegotiated the same way. Every agreed date stays (CommitmentTerms): the due date is the last agreed,
so on-time is measured against it, and the renegotiations are counted. A commitment may wait for another plan's
commitment; it shows when what it waits for is late."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from sqlmodel import Session, select

from tracker.action_plans.forms import AnswerInput, CommitmentInput, TermsInput
from tracker.action_plans.models import OPEN as OPEN_PLANS
from tracker.action_plans.models import (
    ActionPlan,
    Commitment,
    CommitmentDependency,
    CommitmentStatus,
    CommitmentTerms,
    Party,
    TermsState,
)
from tracker.action_plans.team import ensure_open
from tracker.auth.models import User
from tracker.auth.policy import authorize, plan_side
from tracker.auth.roles import Role
from tracker.db import commit, flush, get_or_not_found, utcnow
from tracker.due import is_overdue
from tracker.errors import Conflict, InvalidTransition, ValidationError
from tracker.history.service import apply_changes, bump_version, record_create, record_values
from tracker.validation import chosen_person

UNDER_WAY = (CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS)  # agreed and not finished: renegotiable


def _not_past(due: date) -> None:
    if due < utcnow().date():
        raise ValidationError({"due_date": "Offer a date to come: today at the earliest."})


def withdraw_pending(session: Session, commitment: Commitment, by: User, why: str) -> dict:
    """The commitment is finished or cancelled: terms still waiting for an answer are withdrawn (an answer given
    later would rewrite how it ended)."""
    terms = pending_terms(session, commitment)
    if terms is None:
        return {}
    _answered(terms, TermsState.WITHDRAWN, by, why)
    return {"awaiting": None}


def _terms_text(description: str, due: date) -> str:
    return f"{description} — by {due}"


def _agree_at_once(by: User, commitment: Commitment) -> bool:
    """The one offering the terms is both parties (the owner who answers for the plan): nothing to wait for."""
    return by.id == commitment.owner_id and plan_side(by, commitment)


def may_propose(plan: ActionPlan, *, by: User) -> ActionPlan:
    """The plan, if this user may propose commitments on it (the process group, and the plan's team)."""
    authorize(by, "commitment.propose", plan)
    return plan


def propose(session: Session, *, plan: ActionPlan, data: CommitmentInput, by: User) -> Commitment:
    """A commitment proposed on the plan: by a member of its team for themselves, by the process group to anyone.
    It waits for the other party; the caller's page shows it as proposed."""
    authorize(by, "commitment.propose", plan)
    ensure_open(plan)
    owner = chosen_person(session, data.owner_id)
    _not_past(data.due_date)
    if Role.PROCESS_GROUP not in by.roles and owner.id != by.id:
        raise ValidationError({"owner_id": "You propose commitments for yourself; the process group proposes them "
                                           "to others."})
    commitment = Commitment(plan_id=plan.id, description=data.description, owner_id=owner.id, due_date=data.due_date,
                            status=CommitmentStatus.PROPOSED)
    commitment.plan = plan
    at_once = _agree_at_once(by, commitment)
    commitment.status = CommitmentStatus.OPEN if at_once else CommitmentStatus.PROPOSED
    commitment.awaiting = None if at_once else (Party.PLAN if owner.id == by.id else Party.OWNER)
    session.add(commitment)
    flush(session)
    terms = CommitmentTerms(commitment_id=commitment.id, description=data.description, due_date=data.due_date,
                            proposed_by_id=by.id, state=TermsState.AGREED if at_once else TermsState.PENDING)
    if at_once:
        terms.answered_by_id, terms.answered_at = by.id, utcnow()
    session.add(terms)
    record_create(session, commitment, by=by, fields={
        "plan": f"#{plan.id}", "description": data.description, "owner": owner.name, "due_date": data.due_date,
        "status": commitment.status, "awaiting": commitment.awaiting})
    commit(session)
    return commitment


def awaiting_clause(user: User) -> sa.ColumnElement:
    """SQL (with the plan joined): the commitment's pending terms wait for this person — offered to them as its
    owner, or to the plan's side, which they answer for (the plan's owner, or any process-group member: the
    policy's `awaits`). A plan over owes no more answers."""
    plan_side = sa.true() if Role.PROCESS_GROUP in user.roles else ActionPlan.owner_id == user.id
    return sa.and_(ActionPlan.status.in_(OPEN_PLANS), Commitment.awaiting.in_((Party.OWNER, Party.PLAN)),  # the index
                   sa.or_(sa.and_(Commitment.awaiting == Party.OWNER, Commitment.owner_id == user.id),
                          sa.and_(Commitment.awaiting == Party.PLAN, plan_side)))


def awaiting_answer(session: Session, *, user: User, count: bool = False) -> list[Commitment] | int:
    """The commitments whose pending terms wait for this person: offered to them, or on plans they own (or how
    many, for the home page)."""
    waiting = awaiting_clause(user)
    if count:
        return session.exec(select(sa.func.count()).select_from(Commitment)
                            .join(ActionPlan, ActionPlan.id == Commitment.plan_id).where(waiting)).one()
    return list(session.exec(select(Commitment).join(ActionPlan, ActionPlan.id == Commitment.plan_id).where(waiting)
                             .options(joinedload(Commitment.plan), joinedload(Commitment.owner))
                             .order_by(Commitment.due_date, Commitment.id)).all())


def get_negotiated(session: Session, *, commitment_id: int) -> Commitment:
    return get_or_not_found(session, Commitment, commitment_id, joinedload(Commitment.owner),
                            joinedload(Commitment.plan), missing="No such commitment.")


def pending_terms(session: Session, commitment: Commitment) -> CommitmentTerms | None:
    return session.exec(select(CommitmentTerms).where(CommitmentTerms.commitment_id == commitment.id,
                                                      CommitmentTerms.state == TermsState.PENDING)).first()


def _checked(commitment: Commitment, seen: int) -> None:
    """The version the user saw is the commitment's; its plan is still open (a plan over owes no more work)."""
    if commitment.plan is not None:
        ensure_open(commitment.plan)
    if seen != commitment.version:
        raise Conflict("It changed since your page was shown (answered, countered or moved meanwhile): here it is "
                       "as it is now.", current=commitment)


def _answered(terms: CommitmentTerms, state: TermsState, by: User, answer: str) -> None:
    terms.state, terms.answered_by_id, terms.answered_at, terms.answer = state, by.id, utcnow(), answer


def _agree(session: Session, commitment: Commitment, terms: CommitmentTerms, by: User, comment: str) -> dict:
    """The pending terms become the commitment's: its description and due date, committed (or renegotiated)."""
    _answered(terms, TermsState.AGREED, by, comment)
    proposed = commitment.status == CommitmentStatus.PROPOSED
    changes = {"description": terms.description, "due_date": terms.due_date, "awaiting": None}
    if proposed:
        changes["status"] = CommitmentStatus.OPEN
    elif (terms.description, terms.due_date) != (commitment.description, commitment.due_date):
        changes["renegotiations"] = commitment.renegotiations + 1
    return apply_changes(session, commitment, by=by, changes=changes)


def answer(session: Session, *, commitment: Commitment, data: AnswerInput, by: User) -> Commitment:
    """The awaited party agrees to the pending terms, or declines them (saying why): a proposal declined is not a
    commitment; a renegotiation declined leaves the agreed terms as they were."""
    authorize(by, "commitment.answer", commitment)
    _checked(commitment, data.version)
    terms = pending_terms(session, commitment)
    if terms is None or commitment.status not in (CommitmentStatus.PROPOSED, *UNDER_WAY):
        raise InvalidTransition("Nothing waits for an answer on this commitment.")
    unsaid = AnswerInput.raw_errors(data.model_dump())  # a decline says why, whichever door it came through
    if unsaid:
        raise ValidationError(unsaid)
    if data.answer == "agree":
        changed = _agree(session, commitment, terms, by, data.comment)
        record_values(session, commitment, by=by, changed={"terms agreed": (None, _terms_text(
            terms.description, terms.due_date) + (f" ({data.comment})" if data.comment else ""))})
    else:
        _answered(terms, TermsState.DECLINED, by, data.comment)
        changes = {"awaiting": None}
        if commitment.status == CommitmentStatus.PROPOSED:
            changes["status"] = CommitmentStatus.DECLINED
        changed = apply_changes(session, commitment, by=by, changes=changes)
        record_values(session, commitment, by=by, changed={"terms declined": (
            _terms_text(terms.description, terms.due_date), data.comment)})
    bump_version(session, commitment, changed or {"terms": True})
    commit(session)
    return commitment


def counter(session: Session, *, commitment: Commitment, data: TermsInput, by: User) -> Commitment:
    """The owner answers the terms offered with others (another date or scope, and why): the plan's side answers."""
    authorize(by, "commitment.answer", commitment)
    if commitment.awaiting != Party.OWNER:
        raise InvalidTransition("Only the owner counters terms offered to them; the plan's side agrees or not.")
    _checked(commitment, data.version)
    _not_past(data.due_date)
    terms = pending_terms(session, commitment)
    if terms is None or commitment.status not in (CommitmentStatus.PROPOSED, *UNDER_WAY):
        raise InvalidTransition("Nothing waits for an answer on this commitment.")
    if (data.description, data.due_date) == (terms.description, terms.due_date):
        raise ValidationError({"due_date": "Counter with other terms (another date or scope): these are the ones "
                                           "offered. To take them, accept."})
    _answered(terms, TermsState.COUNTERED, by, data.reason)
    session.add(CommitmentTerms(commitment_id=commitment.id, description=data.description, due_date=data.due_date,
                                reason=data.reason, proposed_by_id=by.id))
    changed = apply_changes(session, commitment, by=by, changes={"awaiting": Party.PLAN})
    record_values(session, commitment, by=by, changed={"terms countered": (
        _terms_text(terms.description, terms.due_date), _terms_text(data.description, data.due_date)),
        "reason": (None, data.reason)})
    bump_version(session, commitment, changed)
    commit(session)
    return commitment


def renegotiate(session: Session, *, commitment: Commitment, data: TermsInput, by: User) -> Commitment:
    """Either party of an agreed commitment under way offers new terms (why, always); the other answers. Until
    then the agreed terms hold."""
    authorize(by, "commitment.renegotiate", commitment)
    if commitment.plan_id is None:
        raise InvalidTransition("A steering review's action item is not negotiated: the committee corrects it.")
    _checked(commitment, data.version)
    if commitment.status not in UNDER_WAY or commitment.awaiting is not None:
        raise InvalidTransition("Only an agreed commitment under way is renegotiated, one offer at a time.")
    if (data.description, data.due_date) == (commitment.description, commitment.due_date):
        raise ValidationError({"due_date": "Offer other terms: these are the ones agreed."})
    _not_past(data.due_date)
    terms = CommitmentTerms(commitment_id=commitment.id, description=data.description, due_date=data.due_date,
                            reason=data.reason, proposed_by_id=by.id)
    session.add(terms)
    record_values(session, commitment, by=by, changed={"terms offered": (
        _terms_text(commitment.description, commitment.due_date), _terms_text(data.description, data.due_date)),
        "reason": (None, data.reason)})
    if _agree_at_once(by, commitment):
        changed = _agree(session, commitment, terms, by, "")
    else:
        changed = apply_changes(session, commitment, by=by, changes={
            "awaiting": Party.PLAN if by.id == commitment.owner_id else Party.OWNER})
    bump_version(session, commitment, changed)
    commit(session)
    return commitment


def terms_of(session: Session, *, commitment_id: int) -> list[CommitmentTerms]:
    """Every offer made on the commitment, oldest first, with who made and answered it."""
    return list(session.exec(select(CommitmentTerms).where(CommitmentTerms.commitment_id == commitment_id)
                             .options(joinedload(CommitmentTerms.proposed_by),
                                      joinedload(CommitmentTerms.answered_by))
                             .order_by(CommitmentTerms.id)).all())


# --- Between action teams: a commitment that waits for another plan's ---

@dataclass(frozen=True)
class Wait:
    """What a commitment waits for, and whether it is late (overdue, or due after the one waiting for it)."""
    commitment: Commitment
    overdue: bool
    later: bool


def waits_for(session: Session, *, today: date, commitment_ids: list[int] | None = None,
              plan_id: int | None = None) -> dict[int, list[Wait]]:
    """For each of these commitments (or of the plan's), the commitments it waits for (two queries)."""
    waiting = (select(Commitment.id).where(Commitment.plan_id == plan_id) if plan_id is not None
               else commitment_ids or [])
    rows = session.exec(select(CommitmentDependency.commitment_id, Commitment)
                        .join(Commitment, Commitment.id == CommitmentDependency.depends_on_id)
                        .where(CommitmentDependency.commitment_id.in_(waiting))
                        .options(joinedload(Commitment.plan), joinedload(Commitment.owner))
                        .order_by(Commitment.due_date)).all()
    if not rows:
        return {}
    due = dict(session.exec(select(Commitment.id, Commitment.due_date)
                            .where(Commitment.id.in_({waiting_id for waiting_id, _ in rows}))).all())
    found: dict[int, list[Wait]] = {}
    for waiting_id, other in rows:
        open_still = other.status not in (CommitmentStatus.DONE, CommitmentStatus.CANCELLED)
        found.setdefault(waiting_id, []).append(Wait(other, is_overdue(other, today),
                                                     open_still and other.due_date > due[waiting_id]))
    return found


def needed_by(session: Session, *, commitment_id: int) -> list[Commitment]:
    """The commitments of other plans that wait for this one."""
    return list(session.exec(select(Commitment).join(CommitmentDependency,
                                                     CommitmentDependency.commitment_id == Commitment.id)
                             .where(CommitmentDependency.depends_on_id == commitment_id)
                             .options(joinedload(Commitment.plan), joinedload(Commitment.owner))
                             .order_by(Commitment.due_date)).all())


def link(session: Session, *, commitment: Commitment, depends_on_id: int, by: User) -> None:
    """Record that the commitment waits for another plan's (the plan's side says so)."""
    authorize(by, "commitment.link", commitment)
    if commitment.plan is not None:
        ensure_open(commitment.plan)
    linkable = (CommitmentStatus.PROPOSED, *UNDER_WAY)
    if commitment.status not in linkable:
        raise InvalidTransition("Only a commitment still to do waits for another.")
    other = session.get(Commitment, depends_on_id)
    if other is None or other.plan_id is None or other.plan_id == commitment.plan_id or other.status not in linkable:
        raise ValidationError({"depends_on_id": "Choose a commitment of another action plan, still to do."})
    if session.get(CommitmentDependency, (commitment.id, other.id)) is not None:
        raise ValidationError({"depends_on_id": "It waits for that one already."})
    if session.get(CommitmentDependency, (other.id, commitment.id)) is not None:
        raise ValidationError({"depends_on_id": "That one waits for this one: they cannot wait for each other."})
    session.add(CommitmentDependency(commitment_id=commitment.id, depends_on_id=other.id))
    record_values(session, commitment, by=by, changed={"waits for": (None, f"#{other.id} {other.description}")})
    commit(session)


def unlink(session: Session, *, commitment: Commitment, depends_on_id: int, by: User) -> None:
    authorize(by, "commitment.link", commitment)
    found = session.get(CommitmentDependency, (commitment.id, depends_on_id))
    if found is None:
        raise ValidationError({"depends_on_id": "It does not wait for that one."})
    other = session.get(Commitment, depends_on_id)
    session.delete(found)
    record_values(session, commitment, by=by, changed={"waits for": (f"#{other.id} {other.description}", None)})
    commit(session)
