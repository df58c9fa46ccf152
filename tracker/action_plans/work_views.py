"""The work under a plan: commitments (and each person's own), issues, joint reviews."""

from flask import Blueprint, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker.action_plans import commitments, issues, joint_reviews, service
from tracker.action_plans.forms import (
    CommitmentInput,
    CommitmentMoveInput,
    IssueInput,
    IssueMoveInput,
    JointReviewCorrection,
    JointReviewInput,
)
from tracker.action_plans.views import plan_page
from tracker.action_plans.workflow import COMMITMENT_TRANSITIONS
from tracker.auth.policy import requires
from tracker.auth.service import people_choices
from tracker.db import get_session
from tracker.errors import ValidationError
from tracker.history.service import history
from tracker.validation import parse
from tracker.web import RecordForm, form_values, in_place_or_go_to, page_or_fragment, write_in_place
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


# --- Corrections: what was logged, put right by the people it belongs to (its status moves on its own) ---

def _commitment_values(commitment) -> MultiDict:
    values = form_values(commitment, commitments.FIELDS)
    values["version"] = str(commitment.version)
    return values


def _options(entity: str):
    """A correction form's options: the people work can be given to, and the record's history below the form."""
    def options(record) -> dict:
        session = get_session()
        return {"people": people_choices(session),
                "history": history(session, entity=entity, entity_ids=[record.id]) if record else []}
    return options


COMMITMENT_FORM = RecordForm(CommitmentInput, "plans/commitment_form.html", "plans/_commitment_form.html",
                             "commitment", _commitment_values, options=_options("commitment"))


def _commitment_home(commitment) -> str:
    """Where a commitment was given: the steering review's page (an action item), or its plan's."""
    if commitment.meeting_id is not None:
        return url_for("reviews.detail", meeting_id=commitment.meeting_id, _anchor=f"commitment-{commitment.id}")
    return url_for("plans.detail", plan_id=commitment.plan_id, _anchor=f"commitment-{commitment.id}")


@bp.get("/commitments/<int:commitment_id>/edit")
@requires("commitment.edit")
def edit_commitment(commitment_id: int):
    return COMMITMENT_FORM.edit(commitments.editable_commitment(get_session(), commitment_id=commitment_id,
                                                                by=current_user))


@bp.post("/commitments/<int:commitment_id>")
@requires("commitment.edit")
def update_commitment(commitment_id: int):
    session = get_session()
    commitment = commitments.editable_commitment(session, commitment_id=commitment_id, by=current_user)
    return COMMITMENT_FORM.post(
        lambda data: commitments.update_commitment(session, commitment=commitment, data=data, by=current_user),
        done=_commitment_home, record=commitment,
        reload=lambda: commitments.editable_commitment(session, commitment_id=commitment_id, by=current_user))


def _issue_values(issue) -> MultiDict:
    values = form_values(issue, issues.FIELDS)
    values["version"] = str(issue.version)
    return values


ISSUE_FORM = RecordForm(IssueInput, "plans/issue_form.html", "plans/_issue_form.html", "issue", _issue_values,
                        options=_options("plan_issue"))


@bp.get("/issues/<int:issue_id>/edit")
@requires("issue.edit")
def edit_issue(issue_id: int):
    return ISSUE_FORM.edit(issues.editable_issue(get_session(), issue_id=issue_id, by=current_user))


@bp.post("/issues/<int:issue_id>")
@requires("issue.edit")
def update_issue(issue_id: int):
    session = get_session()
    issue = issues.editable_issue(session, issue_id=issue_id, by=current_user)
    return ISSUE_FORM.post(
        lambda data: issues.update_issue(session, issue=issue, data=data, by=current_user),
        done=lambda saved: url_for("plans.detail", plan_id=saved.plan_id, _anchor=f"issue-{saved.id}"),
        record=issue, reload=lambda: issues.editable_issue(session, issue_id=issue_id, by=current_user))


def _joint_review_values(review) -> MultiDict:
    values = form_values(review, joint_reviews.FIELDS)
    values.setlist("attendee_ids", [str(person.id) for person in review.attendees])
    values["version"] = str(review.version)
    return values


JOINT_REVIEW_FORM = RecordForm(JointReviewCorrection, "plans/joint_review_form.html", "plans/_joint_review_form.html",
                               "review", _joint_review_values, options=_options("joint_review"))


@bp.get("/joint-reviews/<int:review_id>/edit")
@requires("joint_review.edit")
def edit_joint_review(review_id: int):
    return JOINT_REVIEW_FORM.edit(joint_reviews.editable(get_session(), review_id=review_id, by=current_user))


@bp.post("/joint-reviews/<int:review_id>")
@requires("joint_review.edit")
def update_joint_review(review_id: int):
    session = get_session()
    review = joint_reviews.editable(session, review_id=review_id, by=current_user)
    return JOINT_REVIEW_FORM.post(
        lambda data: joint_reviews.update(session, review=review, data=data, by=current_user),
        done=lambda saved: url_for("plans.detail", plan_id=saved.plan_id, _anchor=f"joint-review-{saved.id}"),
        record=review, reload=lambda: joint_reviews.editable(session, review_id=review_id, by=current_user))
