"""The process action team and the stakeholders' reviews of a plan."""

from sqlalchemy.orm import joinedload
from sqlmodel import Session, select

from tracker.action_plans.forms import ReviewInput, TeamMemberInput
from tracker.action_plans.models import OPEN, ActionPlan, PlanReview, PlanStatus, TeamMember
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import commit, flush
from tracker.errors import InvalidTransition, NotFound, ValidationError
from tracker.history.service import record_create, record_values
from tracker.validation import chosen_person


def ensure_open(plan: ActionPlan) -> None:
    if plan.status not in OPEN:
        raise InvalidTransition(f"The plan is {plan.status.label.lower()}: its team and work are closed.")


def add_member(session: Session, *, plan: ActionPlan, data: TeamMemberInput, by: User) -> TeamMember:
    """Put someone on the plan's action team with a role (someone already on it is refused, not silently re-roled)."""
    authorize(by, "plan.edit")
    ensure_open(plan)
    user = chosen_person(session, data.user_id, field="user_id", message="Choose a person from the list.")
    member = session.get(TeamMember, (plan.id, user.id))
    if member is not None:
        raise ValidationError({"user_id": f"{user.name} is already on the team as {member.team_role}; remove them "
                                          "first to give them another role."})
    member = TeamMember(plan_id=plan.id, user_id=user.id, team_role=data.team_role)
    plan.team.append(member)
    change = {"team": (None, f"{user.name} ({data.team_role})")}
    # Recorded on the plan, but no new plan version: team changes are single adds and removes that cannot
    # overwrite anyone, and a bump would turn the plan's open workflow buttons stale for nothing.
    record_values(session, plan, by=by, changed=change)
    commit(session)
    return member


def remove_member(session: Session, *, plan: ActionPlan, user_id: int, by: User) -> None:
    """Take someone off the team (their commitments stay theirs)."""
    authorize(by, "plan.edit")
    ensure_open(plan)
    member = session.get(TeamMember, (plan.id, user_id))
    if member is None:
        raise NotFound("That person is not on the team.")
    change = {"team": (f"{member.user.name} ({member.team_role})", None)}
    plan.team.remove(member)
    record_values(session, plan, by=by, changed=change)
    commit(session)


def add_review(session: Session, *, plan: ActionPlan, data: ReviewInput, by: User) -> PlanReview:
    """A stakeholder's verdict on a plan in review; asking for changes needs a comment."""
    authorize(by, "plan.review")
    if plan.status != PlanStatus.IN_REVIEW:
        raise InvalidTransition("Reviews are recorded while the plan is in review.")
    if data.verdict == "request_changes" and not data.comment:
        raise ValidationError({"comment": "Say what should change."})
    review = PlanReview(plan_id=plan.id, reviewer_id=by.id, verdict=data.verdict, comment=data.comment)
    session.add(review)
    flush(session)
    record_create(session, review, by=by, fields={"plan": f"#{plan.id}", "verdict": data.verdict,
                                                  "comment": data.comment})
    commit(session)
    return review


def reviews(session: Session, *, plan_id: int) -> list[PlanReview]:
    return list(session.exec(select(PlanReview).where(PlanReview.plan_id == plan_id)
                             .options(joinedload(PlanReview.reviewer)).order_by(PlanReview.id.desc())).all())
