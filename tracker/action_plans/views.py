"""Action plan pages: list, write, detail (the plan's whole working surface), edit, move, team, reviews."""

from flask import Blueprint, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker.action_plans import commitments, revisions, service, team
from tracker.action_plans.forms import PlanInput, PlanMoveInput, ReviewInput, TeamMemberInput
from tracker.action_plans.models import ActionPlan, PlanStatus, Verdict
from tracker.action_plans.page import read_page
from tracker.action_plans.workflow import COMMITMENT_TRANSITIONS, ISSUE_TRANSITIONS, PLAN_TRANSITIONS
from tracker.auth.policy import can, requires
from tracker.auth.roles import Role
from tracker.db import get_session
from tracker.errors import NotFound
from tracker.objectives.forms import MeasurementInput
from tracker.objectives.service import plan_for_result, record_plan_result, results_of
from tracker.validation import parse
from tracker.web import (
    RecordForm,
    form_values,
    fragment_requested,
    list_page,
    page_or_fragment,
    query_enum,
    query_text,
    says,
    section_forms,
    write_in_place,
)
from tracker.workflow import allowed_moves

bp = Blueprint("plans", __name__, url_prefix="/plans")


@bp.get("/")
@requires("read")
def index():
    session = get_session()
    where = service.PlanFilter(q=query_text("q"), status=query_enum(PlanStatus, "status"),
                               member_id=current_user.id if request.args.get("mine") else None,
                               to_review_by=current_user.id if request.args.get("review") == "mine" else None)
    return list_page(service.LISTING, service.plans_matching(where), "plans/index.html", "plans/_table.html",
                     where=where, statuses=list(PlanStatus), about_page=lambda plans: {
                         "progress": commitments.progress(session, plan_ids=[p.id for p in plans])})


@bp.get("/<int:plan_id>")
@requires("read")
def detail(plan_id: int):
    return plan_page(service.get_plan(get_session(), plan_id=plan_id))


SECTION_TEMPLATES = {"page": "plans/detail.html", "team": "plans/_team.html", "reviews": "plans/_reviews.html",
                     "commitments": "plans/_commitments.html", "issues": "plans/_issues.html",
                     "joint_reviews": "plans/_joint_reviews.html"}


def plan_page(plan: ActionPlan, *, section: str = "page", **forms: dict | None):
    """The plan's page, or one section of it (reading only that section's parts: tracker/action_plans/page.py);
    a refused form's values and errors in `forms` (by form name) make it a 422."""
    user = current_user
    context = vars(read_page(get_session(), plan, section=section if fragment_requested() else "page")) | {
        "moves": allowed_moves(PLAN_TRANSITIONS, plan.status, user.roles),
        "commitment_moves": lambda c: allowed_moves(COMMITMENT_TRANSITIONS, c.status, user.roles)
        if can(user, "commitment.update", c) else [],
        "issue_moves": lambda i: allowed_moves(ISSUE_TRANSITIONS, i.status, user.roles)
        if can(user, "issue.update", i) else [],
        "verdicts": list(Verdict),
        "measurable": [o for o in plan.objectives if can(user, "objective.measure", o)]
        if plan.status == PlanStatus.COMPLETED else [],
        "results": results_of(get_session(), plan_id=plan.id) if plan.status == PlanStatus.COMPLETED else [],
    }
    status, section_context = section_forms(forms, "move", "member", "review", "commitment", "issue", "joint",
                                            "result", defaults={"result": _result_defaults(plan),
                                                                # a member proposes for themselves: preselected
                                                                "commitment": {} if Role.PROCESS_GROUP in user.roles
                                                                else {"owner_id": str(user.id)}})
    return page_or_fragment("plans/detail.html", SECTION_TEMPLATES[section], http_status=status, **context,
                            **section_context)


def _result_defaults(plan: ActionPlan) -> dict:
    """A completed plan's result form: dated when it was completed, from the plan, for its one objective."""
    defaults = {"measured_on": str(plan.completed_on or ""), "source": f"Result of the action plan «{plan.title}»"[:200]}
    if len(plan.objectives) == 1:
        defaults["objective_id"] = str(plan.objectives[0].id)
    return defaults


@bp.post("/<int:plan_id>/result")
@requires("objective.measure")
@says("Result recorded.")
def record_result(plan_id: int):
    session = get_session()
    plan = plan_for_result(session, plan_id=plan_id, by=current_user)
    return write_in_place(
        lambda: record_plan_result(session, plan=plan, data=parse(MeasurementInput, request.form), by=current_user),
        page=lambda refused: plan_page(service.get_plan(session, plan_id=plan_id), result=refused),
        url=_url_of(plan))


@bp.get("/new")
@requires("plan.edit")
def new():
    values = MultiDict({"owner_id": str(current_user.id)})
    values.setlist("proposal_ids", request.args.getlist("proposal"))
    return FORM.show(values=values)


@bp.post("/")
@requires("plan.edit")
def create():
    return FORM.post(lambda data: service.create_plan(get_session(), data=data, by=current_user), done=_url_of)


@bp.get("/<int:plan_id>/edit")
@requires("plan.edit")
def edit(plan_id: int):
    return FORM.edit(service.editable_plan(get_session(), plan_id=plan_id, by=current_user))


@bp.post("/<int:plan_id>")
@requires("plan.edit")
def update(plan_id: int):
    session = get_session()
    plan = service.editable_plan(session, plan_id=plan_id, by=current_user)
    return FORM.post(lambda data: service.update_plan(session, plan=plan, data=data, by=current_user), done=_url_of,
                     record=plan, reload=lambda: service.get_plan(session, plan_id=plan_id))


@bp.post("/<int:plan_id>/move")
@requires("plan.move")
def move(plan_id: int):
    session = get_session()
    plan = service.get_plan(session, plan_id=plan_id)
    return write_in_place(
        lambda: service.move_plan(session, plan=plan, data=parse(PlanMoveInput, request.form), by=current_user),
        url=url_for("plans.detail", plan_id=plan.id),
        page=lambda refused: plan_page(plan, move=refused))


@bp.post("/<int:plan_id>/team")
@requires("plan.edit")
@says("Team member added.")
def add_member(plan_id: int):
    session = get_session()
    plan = service.get_plan(session, plan_id=plan_id)
    return write_in_place(
        lambda: team.add_member(session, plan=plan, data=parse(TeamMemberInput, request.form), by=current_user),
        page=lambda refused: plan_page(service.get_plan(session, plan_id=plan_id), section="team", member=refused))


@bp.post("/<int:plan_id>/team/<int:user_id>/remove")
@requires("plan.edit")
@says("Team member removed.")
def remove_member(plan_id: int, user_id: int):
    session = get_session()
    plan = service.get_plan(session, plan_id=plan_id)
    team.remove_member(session, plan=plan, user_id=user_id, by=current_user)
    return plan_page(service.get_plan(session, plan_id=plan_id), section="team")


@bp.post("/<int:plan_id>/reviews")
@requires("plan.review")
@says("Review recorded.")
def review(plan_id: int):
    session = get_session()
    plan = service.get_plan(session, plan_id=plan_id)
    return write_in_place(
        lambda: team.add_review(session, plan=plan, data=parse(ReviewInput, request.form), by=current_user),
        page=lambda refused: plan_page(plan, section="reviews", review=refused))


@bp.get("/<int:plan_id>/revisions/<int:number>")
@requires("read")
def revision(plan_id: int, number: int):
    session = get_session()
    plan = service.get_plan(session, plan_id=plan_id)
    kept = {r.number: r for r in revisions.revisions(session, plan_id=plan.id)}
    if number not in kept:
        raise NotFound("No such revision.")
    return page_or_fragment("plans/revision.html", "plans/revision.html", plan=plan, revision=kept[number],
                            previous=kept.get(number - 1),
                            differences=revisions.differences(kept.get(number - 1), kept[number]))


def _values(plan: ActionPlan) -> MultiDict:
    values = form_values(plan, service.FIELDS)
    values.setlist("proposal_ids", [str(p.id) for p in plan.proposals])
    values.setlist("objective_ids", [str(o.id) for o in plan.objectives])
    return values


def _url_of(plan: ActionPlan) -> str:
    return url_for("plans.detail", plan_id=plan.id)


FORM = RecordForm(PlanInput, "plans/form.html", "plans/_form.html", "plan", _values)
