"""Process action plans (SP 2.1): writing them, moving them along, and keeping their proposals in step."""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from tracker.action_plans.forms import PlanInput, PlanMoveInput
from tracker.action_plans.models import ActionPlan, PlanProposal, PlanReview, PlanStatus, TeamMember
from tracker.action_plans.revisions import keep_revision
from tracker.action_plans.workflow import PLAN_TRANSITIONS
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import commit, flush, get_or_not_found, utcnow
from tracker.editing import editing
from tracker.errors import ValidationError
from tracker.history.service import record_create
from tracker.listing import Column, Listing, many
from tracker.objectives.models import BusinessObjective
from tracker.proposals.models import Proposal, ProposalStatus
from tracker.proposals.service import move_proposal_automatically
from tracker.sql import contains
from tracker.validation import chosen_person, chosen_records
from tracker.workflow import make_move

FIELDS = ("title", "goal", "success_measure", "success_target", "strategy", "owner_id", "planned_start", "planned_end",
          "joint_review_weeks")
LOADED = (joinedload(ActionPlan.owner), selectinload(ActionPlan.proposals), selectinload(ActionPlan.objectives),
          selectinload(ActionPlan.team).joinedload(TeamMember.user))


@dataclass(frozen=True)
class PlanFilter:
    q: str = ""  # in the title
    status: PlanStatus | None = None
    member_id: int | None = None
    to_review_by: int | None = None  # plans in review this person has not reviewed (nor owns)


LISTING = Listing("action-plans", ActionPlan.id, {
    "title": Column("Plan", (ActionPlan.title,), ActionPlan.title),
    "status": Column("Status", (ActionPlan.status,), ActionPlan.status),
    "owner": Column("Owner", (User.name,), User.name, joins=((User, User.id == ActionPlan.owner_id),)),
    "addresses": Column("Addresses", csv=many("#" + sa.cast(PlanProposal.proposal_id, sa.String),
                                                PlanProposal.plan_id == ActionPlan.id, order=PlanProposal.proposal_id)),
    "planned": Column("Planned", (ActionPlan.planned_start, ActionPlan.planned_end), ActionPlan.planned_start,
                      csv_label="Planned start"),
    "planned_end": Column("Planned end", csv=ActionPlan.planned_end, shown=False),
    "success": Column("Success measure", csv=ActionPlan.success_measure, shown=False),
    "done": Column("Commitments done"),
    "overdue": Column("Overdue"),
}, default="-planned", load=LOADED)


def plans_matching(where: PlanFilter):
    """The plans the filter selects (LISTING orders and pages them). Nothing is joined here: the list joins the
    owner only to sort or export by them."""
    statement = select(ActionPlan)
    if where.q:
        statement = statement.where(contains(where.q, ActionPlan.title))
    if where.status:
        statement = statement.where(ActionPlan.status == where.status)
    if where.member_id:
        statement = statement.where(ActionPlan.id.in_(
            select(TeamMember.plan_id).where(TeamMember.user_id == where.member_id)))
    if where.to_review_by:
        statement = statement.where(*awaiting_review_by(where.to_review_by))
    return statement


def awaiting_review_by(user_id: int) -> list:
    """SQL: plans in review that this person neither owns nor has reviewed yet (My work counts the same)."""
    return [ActionPlan.status == PlanStatus.IN_REVIEW, ActionPlan.owner_id != user_id,
            ActionPlan.id.not_in(select(PlanReview.plan_id).where(PlanReview.reviewer_id == user_id))]


def get_plan(session: Session, *, plan_id: int) -> ActionPlan:
    """The plan with its owner, proposals, objectives and team, or NotFound."""
    return get_or_not_found(session, ActionPlan, plan_id, *LOADED, missing="No such action plan.")


def _check(session: Session, data: PlanInput, plan: ActionPlan | None) -> tuple[list[Proposal], list]:
    chosen_person(session, data.owner_id)
    proposals = chosen_records(session, Proposal, data.proposal_ids, field="proposal_ids")
    already = {p.id for p in plan.proposals} if plan else set()
    if any(p.status != ProposalStatus.ACCEPTED and p.id not in already for p in proposals):
        raise ValidationError({"proposal_ids": "Only accepted proposals can be planned."})
    return proposals, chosen_records(session, BusinessObjective, data.objective_ids, field="objective_ids")


def create_plan(session: Session, *, data: PlanInput, by: User) -> ActionPlan:
    """Write a draft plan for accepted proposals; they become planned."""
    authorize(by, "plan.edit")
    proposals, objectives = _check(session, data, None)
    plan = ActionPlan(**data.model_dump(include=set(FIELDS)), proposals=proposals, objectives=objectives)
    session.add(plan)
    flush(session)
    for proposal in proposals:
        move_proposal_automatically(session, proposal=proposal, to=ProposalStatus.PLANNED, by=by)
    record_create(session, plan, by=by, fields=data.model_dump(include=set(FIELDS) - {"owner_id"}) | {
        "owner": session.get(User, data.owner_id).name, "proposals": [f"#{p.id}" for p in proposals],
        "objectives": [o.name for o in objectives]})
    commit(session)
    return plan


def editable_plan(session: Session, *, plan_id: int, by: User) -> ActionPlan:
    """The plan, if its fields may be edited now (by the process group, in draft)."""
    plan = get_plan(session, plan_id=plan_id)
    authorize(by, "plan.edit", plan)
    return plan


def update_plan(session: Session, *, plan: ActionPlan, data: PlanInput, by: User) -> ActionPlan:
    """Edit a draft plan; proposals added become planned, proposals dropped go back to accepted."""
    with editing(session, plan, action="plan.edit", seen=data.version, by=by) as edit:
        proposals, objectives = _check(session, data, plan)
        before = {p.id for p in plan.proposals}
        edit.fields(data.model_dump(include=set(FIELDS)), shown={"owner_id": lambda user_id: session.get(User, user_id).name})
        for proposal in plan.proposals:
            if proposal.id not in {p.id for p in proposals}:
                move_proposal_automatically(session, proposal=proposal, to=ProposalStatus.ACCEPTED, by=by)
        for proposal in proposals:
            if proposal.id not in before:
                move_proposal_automatically(session, proposal=proposal, to=ProposalStatus.PLANNED, by=by)
        edit.links("proposals", proposals, label=lambda p: f"#{p.id}")
        edit.links("objectives", objectives, label=lambda o: o.name)
    return plan


def move_plan(session: Session, *, plan: ActionPlan, data: PlanMoveInput, by: User,
              also: Callable[[], None] | None = None) -> ActionPlan:
    """Review, approve (keeping a revision), start, complete (with the actual result) or cancel a plan (`also`:
    as move_proposal)."""
    def effects() -> dict[str, object]:
        if data.to == PlanStatus.IN_PROGRESS:
            return {} if plan.started_on else {"started_on": utcnow().date()}
        if data.to != PlanStatus.COMPLETED:
            return {}
        if not data.success_actual:
            raise ValidationError({"success_actual": "Record the actual result against the success criterion."})
        return {"success_actual": data.success_actual, "result_notes": data.result_notes,
                "completed_on": utcnow().date()}

    def then() -> None:
        _follow_with_proposals(session, plan=plan, by=by)
        if data.to == PlanStatus.APPROVED:
            keep_revision(session, plan=plan, by=by)
        if also is not None:
            also()

    make_move(session, plan, table=PLAN_TRANSITIONS, to=data.to, seen=data.version, by=by, action="plan.move",
              rationale=data.rationale, effects=effects, then=then)
    return plan


def _follow_with_proposals(session: Session, *, plan: ActionPlan, by: User) -> None:
    # A completed plan implements its proposals; a cancelled one hands them back for another plan.
    target = {PlanStatus.COMPLETED: ProposalStatus.IMPLEMENTED, PlanStatus.CANCELLED: ProposalStatus.ACCEPTED}
    if plan.status in target:
        for proposal in plan.proposals:
            if proposal.status == ProposalStatus.PLANNED:
                move_proposal_automatically(session, proposal=proposal, to=target[plan.status], by=by)
