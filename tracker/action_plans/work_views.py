"""The work under a plan: commitments (and each person's own), issues, joint reviews."""

from flask import Blueprint, request, url_for
from flask_login import current_user

from tracker.action_plans import commitments, issues, joint_reviews, service
from tracker.action_plans.forms import (
    CommitmentInput,
    CommitmentMoveInput,
    IssueInput,
    IssueMoveInput,
    JointReviewInput,
)
from tracker.action_plans.views import plan_page
from tracker.action_plans.workflow import COMMITMENT_TRANSITIONS
from tracker.auth.policy import requires
from tracker.db import get_session
from tracker.errors import ValidationError
from tracker.validation import parse
from tracker.web import in_place_or_go_to, page_or_fragment, write_in_place
from tracker.workflow import allowed_moves

bp = Blueprint("plan_work", __name__)  # a plan's commitments, issues and joint reviews; everyone's own commitments


@bp.get("/commitments/mine")
@requires("read")
def my_commitments():
    session = get_session()
    show_all, overdue = bool(request.values.get("all")), bool(request.values.get("overdue"))
    mine = commitments.of_user(session, user_id=current_user.id, include_closed=show_all, overdue_only=overdue)
    return page_or_fragment("plans/my_commitments.html", "plans/_my_commitments.html", commitments=mine,
                            show_all=show_all, overdue=overdue,
                            moves=lambda c: allowed_moves(COMMITMENT_TRANSITIONS, c.status, current_user.role))


@bp.post("/plans/<int:plan_id>/commitments")
@requires("commitment.add")
def add_commitment(plan_id: int):
    session = get_session()
    plan = service.get_plan(session, plan_id=plan_id)
    return write_in_place(
        lambda: commitments.add_and_commit(session, plan=plan, data=parse(CommitmentInput, request.form),
                                           by=current_user),
        page=lambda refused: plan_page(plan, section="commitments", commitment=refused))


@bp.post("/commitments/<int:commitment_id>/move")
@requires("commitment.update")
def move_commitment(commitment_id: int):
    session = get_session()
    commitment = commitments.updatable_commitment(session, commitment_id=commitment_id, by=current_user)
    commitments.move_commitment(session, commitment=commitment, data=parse(CommitmentMoveInput, request.form), by=current_user)
    if request.form.get("from") == "mine" or commitment.plan_id is None:  # a review's action item: from My commitments
        return my_commitments()
    return plan_page(service.get_plan(session, plan_id=commitment.plan_id), section="commitments")


@bp.post("/plans/<int:plan_id>/issues")
@requires("issue.raise")
def raise_issue(plan_id: int):
    session = get_session()
    plan = issues.may_raise(service.get_plan(session, plan_id=plan_id), by=current_user)
    return write_in_place(
        lambda: issues.raise_issue(session, plan=plan, data=parse(IssueInput, request.form), by=current_user),
        page=lambda refused: plan_page(plan, section="issues", issue=refused))


@bp.post("/issues/<int:issue_id>/move")
@requires("issue.update")
def move_issue(issue_id: int):
    session = get_session()
    issue = issues.updatable_issue(session, issue_id=issue_id, by=current_user)
    plan = service.get_plan(session, plan_id=issue.plan_id)
    return write_in_place(
        lambda: issues.move_issue(session, issue=issue, data=parse(IssueMoveInput, request.form), by=current_user),
        url=url_for("plans.detail", plan_id=plan.id),
        page=lambda refused: plan_page(plan, section="issues", issue=refused and refused | {"issue_id": issue.id}))


@bp.post("/plans/<int:plan_id>/joint-reviews")
@requires("joint_review.record")
def record_joint_review(plan_id: int):
    session = get_session()
    plan = service.get_plan(session, plan_id=plan_id)
    try:
        joint_reviews.record(session, plan=plan, data=parse(JointReviewInput, request.form), by=current_user)
    except ValidationError as error:
        plan = service.get_plan(session, plan_id=plan_id)
        return plan_page(plan, joint={"values": request.form, "errors": error.errors})
    # Follow-up commitments appear in another section: the whole page again, in place (a redirect to the
    # same page with only an anchor would not reload it: the browser merely scrolls).
    return in_place_or_go_to(url_for("plans.detail", plan_id=plan.id, _anchor="joint-reviews"),
                             lambda: plan_page(service.get_plan(session, plan_id=plan_id)))
