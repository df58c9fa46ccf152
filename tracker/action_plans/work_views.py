"""The work under a plan: commitments (and each person's own), issues, joint reviews."""

from flask import Blueprint, current_app, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker.action_plans import commitments, issues, joint_reviews, negotiation, service
from tracker.action_plans.forms import (
    AnswerInput,
    CommitmentInput,
    CommitmentMoveInput,
    IssueInput,
    IssueMoveInput,
    JointReviewCorrection,
    JointReviewInput,
    LinkInput,
    TermsInput,
)
from tracker.action_plans.models import CommitmentStatus, IssueStatus
from tracker.action_plans.views import plan_page
from tracker.action_plans.workflow import COMMITMENT_TRANSITIONS
from tracker.auth.policy import authorize, can, requires
from tracker.db import get_session, paginate, utcnow
from tracker.errors import ValidationError
from tracker.history.service import history
from tracker.validation import digits, parse
from tracker.web import (
    RecordForm,
    form_values,
    go_to,
    in_place_or_go_to,
    list_page,
    page_or_fragment,
    query_enum,
    query_lookups,
    query_page,
    query_text,
    says,
    section_forms,
    write_in_place,
)
from tracker.workflow import allowed_moves

bp = Blueprint("plan_work", __name__)  # a plan's commitments, issues and joint reviews; everyone's own commitments


def _mine(field: str) -> dict[str, int]:
    """?mine=1 (a home tile's link): the signed-in person in the owner filter."""
    return {field: current_user.id} if request.args.get("mine") else {}


@bp.get("/commitments/")
@requires("read")
def commitment_list():
    """Every commitment in the organization, filtered, sorted and paged; the filters in the URL."""
    chosen = query_lookups({"plan": "plan", "owner": "person"}, instead=_mine("owner"))
    where = commitments.CommitmentFilter(
        q=query_text("q"), plan_id=chosen.ids["plan"], owner_id=chosen.ids["owner"],
        status=query_enum(CommitmentStatus, "status"), open_only=bool(request.args.get("open")),
        overdue_only=bool(request.args.get("overdue")), awaiting_only=bool(request.args.get("awaiting")))
    return list_page(commitments.LISTING, commitments.commitments_matching(where), "plans/commitments.html",
                     "plans/_commitment_list.html", where=where, statuses=list(CommitmentStatus), chosen=chosen)


@bp.get("/issues/")
@requires("read")
def issue_list():
    """Every plan issue in the organization, filtered, sorted and paged; the filters in the URL."""
    chosen = query_lookups({"plan": "plan", "owner": "person"}, instead=_mine("owner"))
    where = issues.IssueFilter(
        q=query_text("q"), plan_id=chosen.ids["plan"], owner_id=chosen.ids["owner"],
        status=query_enum(IssueStatus, "status"), open_only=bool(request.args.get("open")))
    return list_page(issues.LISTING, issues.issues_matching(where), "plans/issues.html", "plans/_issue_list.html",
                     where=where, statuses=list(IssueStatus), chosen=chosen)


@bp.get("/commitments/mine")
@requires("read")
def my_commitments():
    session = get_session()
    show_all, overdue = bool(request.values.get("all")), bool(request.values.get("overdue"))
    mine = paginate(session, commitments.of_user(current_user.id, include_closed=show_all, overdue_only=overdue),
                    page=query_page(request.values),  # a move re-renders the page it was made on
                    size=int(current_app.config["PAGE_SIZE"]))
    return page_or_fragment("plans/my_commitments.html", "plans/_my_commitments.html", page=mine,
                            commitments=mine.items, show_all=show_all, overdue=overdue,
                            args={name: 1 for name, on in (("all", show_all), ("overdue", overdue)) if on},
                            to_answer=negotiation.awaiting_answer(session, user=current_user),
                            moves=lambda c: allowed_moves(COMMITMENT_TRANSITIONS, c.status, current_user.roles))


@bp.post("/plans/<int:plan_id>/commitments")
@requires("commitment.propose")
@says("Commitment proposed.")
def add_commitment(plan_id: int):
    """A commitment proposed on the plan (the process group to anyone, a team member for themselves)."""
    session = get_session()
    plan = negotiation.may_propose(service.get_plan(session, plan_id=plan_id), by=current_user)
    return write_in_place(
        lambda: negotiation.propose(session, plan=plan, data=parse(CommitmentInput, request.form), by=current_user),
        page=lambda refused: plan_page(plan, section="commitments", commitment=refused))


@bp.post("/commitments/<int:commitment_id>/move")
@requires("commitment.update")
def move_commitment(commitment_id: int):
    session = get_session()
    commitment = commitments.updatable_commitment(session, commitment_id=commitment_id, by=current_user)
    commitments.move_commitment(session, commitment=commitment, data=parse(CommitmentMoveInput, request.form), by=current_user)
    if request.form.get("from") == "page":  # from the commitment's own page
        return go_to(url_for("plan_work.commitment_detail", commitment_id=commitment.id))
    if request.form.get("from") == "mine" or commitment.plan_id is None:  # a review's action item: from My commitments
        return my_commitments()
    return plan_page(service.get_plan(session, plan_id=commitment.plan_id), section="commitments")


@bp.post("/plans/<int:plan_id>/issues")
@requires("issue.raise")
@says("Issue raised.")
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
@says("Joint review recorded.")
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
    return form_values(commitment, commitments.FIELDS)


def _options(entity: str):
    """A correction form's options: the record's history below the form."""
    def options(record) -> dict:
        return {"history": history(get_session(), entity=entity, entity_ids=[record.id]) if record else []}
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
    return form_values(issue, issues.FIELDS)


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


# --- A commitment's own page: its terms as negotiated, what it waits for, its history (SP 2.2) ---

def commitment_page(commitment_id: int, notice: str = "", **forms: dict | None):
    """The commitment's page; a refused form's values and errors in `forms` (answer, counter, renegotiate, link)
    make it a 422; a `notice` (a stale answer: it changed meanwhile) makes it a 409, the page as it is now."""
    session = get_session()
    commitment = negotiation.get_negotiated(session, commitment_id=commitment_id)
    today = utcnow().date()
    status, sections = section_forms(forms, "answer", "counter", "renegotiate", "link", defaults={
        "counter": {"description": commitment.description, "due_date": str(commitment.due_date)},
        "renegotiate": {"description": commitment.description, "due_date": str(commitment.due_date)}})
    waits = negotiation.waits_for(session, commitment_ids=[commitment.id], today=today).get(commitment.id, [])
    return page_or_fragment(
        "plans/commitment.html", "plans/commitment.html", http_status=409 if notice else status, notice=notice,
        commitment=commitment,
        terms=negotiation.terms_of(session, commitment_id=commitment.id), waits=waits,
        needed_by=negotiation.needed_by(session, commitment_id=commitment.id),
        moves=allowed_moves(COMMITMENT_TRANSITIONS, commitment.status, current_user.roles)
        if can(current_user, "commitment.update", commitment) else [],
        history=history(session, entity="commitment", entity_ids=[commitment.id]), **sections)


@bp.get("/commitments/<int:commitment_id>")
@requires("read")
def commitment_detail(commitment_id: int):
    return commitment_page(commitment_id)


def _negotiate(commitment_id: int, form: str, action: str, write):
    """One of the page's negotiation forms: the policy's `action` on the commitment (before its input is read),
    the write, then the page again in place (refused: beside the fields)."""
    session = get_session()
    commitment = negotiation.get_negotiated(session, commitment_id=commitment_id)
    seen = request.form.get("version", "")
    if digits(seen) and int(seen) != commitment.version:  # answered, countered or moved since the page was shown
        return commitment_page(commitment_id, notice="It changed since your page was shown: here it is as it is "
                                                     "now. Nothing was saved.")
    authorize(current_user, action, commitment)
    return write_in_place(lambda: write(session, commitment),
                          url=url_for("plan_work.commitment_detail", commitment_id=commitment_id),
                          page=lambda refused: commitment_page(commitment_id, **{form: refused}))


@bp.post("/commitments/<int:commitment_id>/answer")
@requires("commitment.answer")
@says("Answer sent.")
def answer_commitment(commitment_id: int):
    return _negotiate(commitment_id, "answer", "commitment.answer", lambda session, commitment: negotiation.answer(
        session, commitment=commitment, data=parse(AnswerInput, request.form), by=current_user))


@bp.post("/commitments/<int:commitment_id>/counter")
@requires("commitment.answer")
@says("Counter-offer sent.")
def counter_commitment(commitment_id: int):
    return _negotiate(commitment_id, "counter", "commitment.answer", lambda session, commitment: negotiation.counter(
        session, commitment=commitment, data=parse(TermsInput, request.form), by=current_user))


@bp.post("/commitments/<int:commitment_id>/renegotiate")
@requires("commitment.renegotiate")
@says("New terms offered.")
def renegotiate_commitment(commitment_id: int):
    return _negotiate(commitment_id, "renegotiate", "commitment.renegotiate", lambda session, commitment: negotiation.renegotiate(
        session, commitment=commitment, data=parse(TermsInput, request.form), by=current_user))


@bp.post("/commitments/<int:commitment_id>/waits-for")
@requires("commitment.link")
@says("Dependency added.")
def link_commitment(commitment_id: int):
    return _negotiate(commitment_id, "link", "commitment.link", lambda session, commitment: negotiation.link(
        session, commitment=commitment, depends_on_id=parse(LinkInput, request.form).depends_on_id, by=current_user))


@bp.post("/commitments/<int:commitment_id>/waits-for/<int:other_id>/remove")
@requires("commitment.link")
@says("Dependency removed.")
def unlink_commitment(commitment_id: int, other_id: int):
    return _negotiate(commitment_id, "link", "commitment.link", lambda session, commitment: negotiation.unlink(
        session, commitment=commitment, depends_on_id=other_id, by=current_user))
