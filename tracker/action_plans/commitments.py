"""Commitments (SP 2.2): who does what by when, and how a plan is doing on them."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from sqlmodel import Session, func, select

from tracker.action_plans import negotiation
from tracker.action_plans.forms import CommitmentInput, CommitmentMoveInput
from tracker.action_plans.models import (
    COMMITTED,
    ActionPlan,
    Commitment,
    CommitmentStatus,
    CommitmentTerms,
    TermsState,
)
from tracker.action_plans.team import ensure_open
from tracker.action_plans.workflow import COMMITMENT_TRANSITIONS
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import commit, flush, get_or_not_found, utcnow
from tracker.due import overdue_clause, owed_clause
from tracker.editing import editing
from tracker.errors import ValidationError
from tracker.history.service import record_create
from tracker.listing import OUTER, Column, Listing, one
from tracker.reviews.models import ReviewMeeting
from tracker.sql import contains
from tracker.validation import chosen_person
from tracker.workflow import make_move

DONE, CANCELLED = CommitmentStatus.DONE, CommitmentStatus.CANCELLED


def add(session: Session, *, plan: ActionPlan | None, data: CommitmentInput, by: User,
        joint_review_id: int | None = None, meeting: ReviewMeeting | None = None) -> Commitment:
    """Commit someone to a piece of the plan's work, or to an action item of a steering review (on a plan or on
    none: the review's service has checked who may give it); the caller commits when part of a larger write."""
    if meeting is None:
        authorize(by, "commitment.add")
    if plan is not None:
        ensure_open(plan)
    owner = chosen_person(session, data.owner_id)
    commitment = Commitment(plan_id=plan.id if plan else None, meeting_id=meeting.id if meeting else None,
                            description=data.description, owner_id=owner.id, due_date=data.due_date,
                            joint_review_id=joint_review_id)
    session.add(commitment)
    flush(session)
    session.add(CommitmentTerms(commitment_id=commitment.id, description=data.description, due_date=data.due_date,
                                reason="Agreed where it was given", proposed_by_id=by.id, state=TermsState.AGREED,
                                answered_by_id=owner.id, answered_at=utcnow()))
    record_create(session, commitment, by=by, fields={"plan": f"#{plan.id}" if plan else None,
                                                      "steering review": meeting.title if meeting else None,
                                                      "description": data.description, "owner": owner.name,
                                                      "due_date": data.due_date})
    return commitment


def add_and_commit(session: Session, *, plan: ActionPlan, data: CommitmentInput, by: User) -> Commitment:
    commitment = add(session, plan=plan, data=data, by=by)
    commit(session)
    return commitment


def get_commitment(session: Session, *, commitment_id: int) -> Commitment:
    return get_or_not_found(session, Commitment, commitment_id, joinedload(Commitment.owner),
                            joinedload(Commitment.plan), missing="No such commitment.")


def updatable_commitment(session: Session, *, commitment_id: int, by: User) -> Commitment:
    """The commitment, if this user may update it (its owner, or the process group)."""
    commitment = get_commitment(session, commitment_id=commitment_id)
    authorize(by, "commitment.update", commitment)
    return commitment


FIELDS = ("description", "owner_id", "due_date")  # what correcting one changes (its status moves on its own)


def editable_commitment(session: Session, *, commitment_id: int, by: User) -> Commitment:
    """The commitment, if this user may correct it: the process group any, the committee its reviews' action
    items (the owner works it through its status)."""
    commitment = get_commitment(session, commitment_id=commitment_id)
    authorize(by, "commitment.edit", commitment)
    return commitment


def update_commitment(session: Session, *, commitment: Commitment, data: CommitmentInput, by: User) -> Commitment:
    """Correct what was committed, every field in the history, its status as it was: a steering review's action
    item wholly; a plan's commitment its wording only (its date and owner were negotiated: they change by
    agreement, negotiation.renegotiate)."""
    with editing(session, commitment, action="commitment.edit", seen=data.version, by=by) as edit:
        if commitment.awaiting is not None:
            raise ValidationError({"description": "Terms wait for an answer on its page: correct it once they are "
                                                  "answered (an agreement would overwrite the correction)."})
        if commitment.plan_id is not None:  # negotiated: its date and owner change only by agreement
            errors = {}
            if data.due_date != commitment.due_date:
                errors["due_date"] = ("A plan's commitment is due when its owner and the plan agreed: offer new "
                                      "terms on its page (renegotiate) instead.")
            if data.owner_id != commitment.owner_id:
                errors["owner_id"] = ("Its owner agreed to it: to give the work to someone else, propose them a "
                                      "commitment and cancel this one.")
            if errors:
                raise ValidationError(errors)
        if data.owner_id != commitment.owner_id:
            chosen_person(session, data.owner_id)
        edit.fields(data.model_dump(include=set(FIELDS)), shown={"owner_id": lambda uid: session.get(User, uid).name})
        if "due_date" in edit.changed:  # an action item's date corrected: the date it now stands on
            session.add(CommitmentTerms(commitment_id=commitment.id, description=data.description,
                                        due_date=data.due_date, reason="Corrected", proposed_by_id=by.id,
                                        state=TermsState.AGREED, answered_by_id=by.id, answered_at=utcnow()))
    return commitment


def move_commitment(session: Session, *, commitment: Commitment, data: CommitmentMoveInput, by: User) -> Commitment:
    """Its owner (or the process group) starts, completes or reopens a commitment."""
    def effects() -> dict[str, object]:
        ended = {"completed_on": utcnow().date() if data.to == DONE else None}
        if data.to in (DONE, CANCELLED):
            ended |= negotiation.withdraw_pending(session, commitment, by, f"Withdrawn: it was {data.to.label.lower()}")
        return ended

    make_move(session, commitment, table=COMMITMENT_TRANSITIONS, to=data.to, seen=data.version, by=by,
              action="commitment.update", effects=effects)
    return commitment


def of_meeting(session: Session, *, meeting_id: int) -> list[Commitment]:
    """A steering review's action items, soonest due first."""
    return list(session.exec(select(Commitment).where(Commitment.meeting_id == meeting_id)
                             .options(joinedload(Commitment.owner), joinedload(Commitment.plan))
                             .order_by(Commitment.due_date, Commitment.id)).all())


def of_plan(session: Session, *, plan_id: int) -> list[Commitment]:
    return list(session.exec(select(Commitment).where(Commitment.plan_id == plan_id)
                             .options(joinedload(Commitment.owner))
                             .order_by(Commitment.due_date, Commitment.id)).all())


def of_user(user_id: int, *, include_closed: bool = False, overdue_only: bool = False):
    """A person's commitments across plans and reviews, soonest due first (only the overdue ones, if asked): the
    statement, which My commitments pages."""
    statement = select(Commitment).where(Commitment.owner_id == user_id).options(
        joinedload(Commitment.plan), joinedload(Commitment.meeting), joinedload(Commitment.owner)
    ).order_by(Commitment.due_date, Commitment.id)
    if not include_closed:
        statement = statement.where(owed_clause(Commitment))
    if overdue_only:
        statement = statement.where(overdue_clause(Commitment, utcnow().date()))
    return statement


@dataclass(frozen=True)
class Progress:
    total: int = 0
    done: int = 0
    overdue: int = 0
    on_time: int = 0

    @property
    def on_time_rate(self) -> int | None:
        """Percent of completed commitments that were completed by their due date."""
        return round(100 * self.on_time / self.done) if self.done else None


def progress(session: Session, *, plan_ids: list[int], today: date | None = None) -> dict[int, Progress]:
    """Done/total, overdue and on-time counts per plan, aggregated in one query: the commitments made (those
    proposed, declined or cancelled don't count); on time is by the date last agreed."""
    today = today or utcnow().date()
    done = Commitment.status == DONE
    rows = session.exec(
        select(Commitment.plan_id, func.count(),
               func.sum(sa.case((done, 1), else_=0)),
               func.sum(sa.case((overdue_clause(Commitment, today), 1), else_=0)),
               func.sum(sa.case((sa.and_(done, Commitment.completed_on <= Commitment.due_date), 1), else_=0)))
        .where(Commitment.plan_id.in_(plan_ids), Commitment.status.in_(COMMITTED)).group_by(Commitment.plan_id)).all()
    result = {plan_id: Progress() for plan_id in plan_ids}
    for plan_id, total, n_done, overdue, on_time in rows:
        result[plan_id] = Progress(total, int(n_done or 0), int(overdue or 0), int(on_time or 0))
    return result


@dataclass(frozen=True)
class CommitmentFilter:
    """The organization's commitments list: by plan, owner, status; still owed, overdue, or waiting for an answer."""
    q: str = ""  # in the description
    plan_id: int | None = None
    owner_id: int | None = None
    status: CommitmentStatus | None = None
    open_only: bool = False  # agreed and not finished: the work is still owed
    overdue_only: bool = False
    awaiting_only: bool = False  # terms waiting for an answer


LISTING = Listing("commitments", Commitment.id, {
    "description": Column("Commitment", (Commitment.description,), Commitment.description),
    "plan": Column("Plan or review", (ActionPlan.title,), ActionPlan.title,
                   joins=((ActionPlan, ActionPlan.id == Commitment.plan_id, OUTER),)),  # none: a review's
    "meeting": Column("Steering review", csv=one(ReviewMeeting.title, ReviewMeeting.id == Commitment.meeting_id),
                      shown=False),
    "owner": Column("Owner", (User.name,), User.name, joins=((User, User.id == Commitment.owner_id),)),
    "due": Column("Due", (Commitment.due_date,), Commitment.due_date),
    "status": Column("Status", (Commitment.status,), Commitment.status),
    "completed": Column("Completed on", csv=Commitment.completed_on, shown=False),
}, default="due", load=(joinedload(Commitment.owner), joinedload(Commitment.plan), joinedload(Commitment.meeting)))


def commitments_matching(where: CommitmentFilter):
    """Commitments across plans and steering reviews that the filter selects (LISTING orders and pages them).
    Nothing is joined here: the list joins the plan or the owner only to sort or export by them."""
    statement = select(Commitment)
    if where.q:
        statement = statement.where(contains(where.q, Commitment.description))
    for column, value in ((Commitment.plan_id, where.plan_id), (Commitment.owner_id, where.owner_id),
                          (Commitment.status, where.status)):
        if value is not None:
            statement = statement.where(column == value)
    if where.open_only:
        statement = statement.where(owed_clause(Commitment))
    if where.overdue_only:
        statement = statement.where(overdue_clause(Commitment, utcnow().date()))
    if where.awaiting_only:
        statement = statement.where(Commitment.awaiting.is_not(None))
    return statement
