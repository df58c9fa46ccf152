"""Joint reviews of a plan's progress, with the follow-up commitments made there, in one write."""

from datetime import date, timedelta

from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from tracker.action_plans import commitments
from tracker.action_plans.forms import CommitmentInput, JointReviewCorrection, JointReviewInput
from tracker.action_plans.models import ActionPlan, JointReview, PlanStatus
from tracker.action_plans.team import ensure_open
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import commit, flush, get_or_not_found
from tracker.editing import editing
from tracker.errors import ValidationError
from tracker.history.service import record_create
from tracker.reminders.notify import close, subject_of
from tracker.validation import chosen_records


def record(session: Session, *, plan: ActionPlan, data: JointReviewInput, by: User) -> JointReview:
    """Record the review and create its follow-up commitments; all or nothing."""
    authorize(by, "joint_review.record")
    ensure_open(plan)
    errors = _held_within(plan, data.held_on)
    try:
        followups = _followups(data)
    except ValidationError as refused:
        errors |= refused.errors
    if errors:  # all in one round
        raise ValidationError(errors)
    attendees = chosen_records(session, User, data.attendee_ids, field="attendee_ids")
    review = JointReview(plan_id=plan.id, held_on=data.held_on, summary=data.summary, decisions=data.decisions,
                         recorded_by_id=by.id, attendees=attendees)
    session.add(review)
    flush(session)
    record_create(session, review, by=by, fields={"plan": f"#{plan.id}", "held_on": data.held_on,
                                                  "summary": data.summary, "decisions": data.decisions,
                                                  "attendees": [u.name for u in attendees]})
    for row, followup in followups:
        try:
            commitments.add(session, plan=plan, data=followup, by=by, joint_review_id=review.id)
        except ValidationError as error:
            session.rollback()
            raise ValidationError({f"f{row}_{name}": message for name, message in error.errors.items()}) from error
    close(session, subject=subject_of(plan), rules=("joint_review_due",))
    commit(session)
    return review


FIELDS = ("held_on", "summary", "decisions")  # with its attendees: what correcting a recorded review changes


def _held_within(plan: ActionPlan, held_on: date) -> dict[str, str]:
    if held_on < plan.planned_start:
        return {"held_on": f"The plan starts on {plan.planned_start}: a review of its progress is not held before."}
    return {}


def editable(session: Session, *, review_id: int, by: User) -> JointReview:
    """The recorded review, if this user may correct it (the process group)."""
    review = get_or_not_found(session, JointReview, review_id, selectinload(JointReview.attendees),
                              missing="No such joint review.")
    authorize(by, "joint_review.edit", review)
    return review


def update(session: Session, *, review: JointReview, data: JointReviewCorrection, by: User) -> JointReview:
    """Correct a recorded review (when, what was said and decided, who came); every field in the history. Its
    follow-up commitments are corrected on their own."""
    with editing(session, review, action="joint_review.edit", seen=data.version, by=by) as edit:
        errors = _held_within(session.get(ActionPlan, review.plan_id), data.held_on)
        if errors:
            raise ValidationError(errors)
        attendees = chosen_records(session, User, data.attendee_ids, field="attendee_ids")
        edit.fields(data.model_dump(include=set(FIELDS)))
        edit.links("attendees", attendees, label=lambda person: person.name)
    return review


def _followups(data: JointReviewInput) -> list[tuple[int, CommitmentInput]]:
    rows, errors = [], {}
    for row, description, owner_id, due in data.followups():
        for name, value in (("description", description), ("owner_id", owner_id), ("due", due)):
            if not value:
                errors[f"f{row}_{name}"] = "A follow-up needs a description, an owner and a due date."
        if description and owner_id and due:
            rows.append((row, CommitmentInput(description=description, owner_id=owner_id, due_date=due)))
    if errors:
        raise ValidationError(errors)
    return rows


UNDER_WAY = frozenset({PlanStatus.APPROVED, PlanStatus.IN_PROGRESS})  # a cadence runs while the plan does


def next_due(plan: ActionPlan, last_held: date | None) -> date | None:
    """When the plan's next joint review is due by its cadence: its cadence after the last one held (after the
    planned start when none was), while the plan is under way; None without a cadence or once it is over."""
    if plan.joint_review_weeks is None or plan.status not in UNDER_WAY:
        return None
    return (last_held or plan.planned_start) + timedelta(weeks=plan.joint_review_weeks)


def last_held(reviews: list[JointReview]) -> date | None:
    return max((review.held_on for review in reviews), default=None)


def of_plan(session: Session, *, plan_id: int) -> list[JointReview]:
    return list(session.exec(select(JointReview).where(JointReview.plan_id == plan_id)
                             .options(selectinload(JointReview.attendees)).order_by(JointReview.held_on.desc())).all())
