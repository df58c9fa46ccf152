"""Plan issues, tracked to closure: raised by the team, owned by someone, resolved with a resolution."""

from dataclasses import dataclass

from sqlalchemy.orm import aliased, joinedload
from sqlmodel import Session, select

from tracker.action_plans.forms import IssueInput, IssueMoveInput
from tracker.action_plans.models import ActionPlan, IssueStatus, PlanIssue
from tracker.action_plans.team import ensure_open
from tracker.action_plans.workflow import ISSUE_TRANSITIONS
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import commit, flush, get_or_not_found
from tracker.editing import editing
from tracker.history.service import record_create
from tracker.listing import Column, Listing, one
from tracker.sql import contains
from tracker.validation import chosen_person
from tracker.workflow import make_move


def raise_issue(session: Session, *, plan: ActionPlan, data: IssueInput, by: User) -> PlanIssue:
    """The process group or a member of the plan's team raises an issue and names its owner."""
    authorize(by, "issue.raise", plan)
    ensure_open(plan)
    owner = chosen_person(session, data.owner_id)
    issue = PlanIssue(plan_id=plan.id, title=data.title, description=data.description, raised_by_id=by.id,
                      owner_id=owner.id)
    session.add(issue)
    flush(session)
    record_create(session, issue, by=by, fields={"plan": f"#{plan.id}", "title": data.title, "owner": owner.name})
    commit(session)
    return issue


def get_issue(session: Session, *, issue_id: int) -> PlanIssue:
    return get_or_not_found(session, PlanIssue, issue_id, missing="No such issue.")


def updatable_issue(session: Session, *, issue_id: int, by: User) -> PlanIssue:
    """The issue, if this user may work it (its owner, or the process group)."""
    issue = get_issue(session, issue_id=issue_id)
    authorize(by, "issue.update", issue)
    return issue


FIELDS = ("title", "description", "owner_id")  # what correcting one changes (its status moves on its own)


def editable_issue(session: Session, *, issue_id: int, by: User) -> PlanIssue:
    """The issue, if this user may correct it: the process group any, others the issues they raised or own."""
    issue = get_issue(session, issue_id=issue_id)
    authorize(by, "issue.edit", issue)
    return issue


def update_issue(session: Session, *, issue: PlanIssue, data: IssueInput, by: User) -> PlanIssue:
    """Correct what was raised: its title, description and owner, every field in the history."""
    with editing(session, issue, action="issue.edit", seen=data.version, by=by) as edit:
        if data.owner_id != issue.owner_id:
            chosen_person(session, data.owner_id)
        edit.fields(data.model_dump(include=set(FIELDS)), shown={"owner_id": lambda uid: session.get(User, uid).name})
    return issue


def may_raise(plan: ActionPlan, *, by: User) -> ActionPlan:
    """The plan, if this user may raise issues on it (the process group and the plan's team)."""
    authorize(by, "issue.raise", plan)
    return plan


def move_issue(session: Session, *, issue: PlanIssue, data: IssueMoveInput, by: User) -> PlanIssue:
    """Its owner (or the process group) works an issue to resolution; the process group closes it."""
    # Resolving records the resolution; reopening drops it (it no longer holds; the history keeps it).
    resolution = {IssueStatus.RESOLVED: {"resolution": data.rationale}, IssueStatus.OPEN: {"resolution": ""}}
    make_move(session, issue, table=ISSUE_TRANSITIONS, to=data.to, seen=data.version, by=by, action="issue.update",
              rationale=data.rationale, effects=lambda: resolution.get(data.to, {}))
    return issue


def of_plan(session: Session, *, plan_id: int) -> list[PlanIssue]:
    return list(session.exec(select(PlanIssue).where(PlanIssue.plan_id == plan_id)
                             .options(joinedload(PlanIssue.owner), joinedload(PlanIssue.raised_by))
                             .order_by(PlanIssue.id)).all())


@dataclass(frozen=True)
class IssueFilter:
    """The organization's plan issues: by plan, owner, status, or still open."""
    q: str = ""  # in the title or description
    plan_id: int | None = None
    owner_id: int | None = None
    status: IssueStatus | None = None
    open_only: bool = False  # open or in progress


RAISER = aliased(User)  # the owner is joined as User (to sort or export by them)
LISTING = Listing("issues", PlanIssue.id, {
    "title": Column("Issue", (PlanIssue.title,), PlanIssue.title),
    "plan": Column("Action plan", (ActionPlan.title,), ActionPlan.title,
                   joins=((ActionPlan, ActionPlan.id == PlanIssue.plan_id),)),
    "owner": Column("Owner", (User.name,), User.name, joins=((User, User.id == PlanIssue.owner_id),)),
    "raised": Column("Raised", (PlanIssue.created_at,), PlanIssue.created_at),
    "raised_by": Column("Raised by", csv=one(RAISER.name, RAISER.id == PlanIssue.raised_by_id), shown=False),
    "status": Column("Status", (PlanIssue.status,), PlanIssue.status),
    "resolution": Column("Resolution", csv=PlanIssue.resolution, shown=False),
}, default="-raised", load=(joinedload(PlanIssue.owner), joinedload(PlanIssue.raised_by),
                            joinedload(PlanIssue.plan)))
STILL_OPEN = (IssueStatus.OPEN, IssueStatus.IN_PROGRESS)


def issues_matching(where: IssueFilter):
    """Issues across plans that the filter selects (LISTING orders and pages them). Nothing is joined here: the list
    joins the plan or the owner only to sort or export by them."""
    statement = select(PlanIssue)
    if where.q:
        statement = statement.where(contains(where.q, PlanIssue.title, PlanIssue.description))
    for column, value in ((PlanIssue.plan_id, where.plan_id), (PlanIssue.owner_id, where.owner_id),
                          (PlanIssue.status, where.status)):
        if value is not None:
            statement = statement.where(column == value)
    if where.open_only:
        statement = statement.where(PlanIssue.status.in_(STILL_OPEN))
    return statement
