"""My work: everything a person owns or must answer, in one place — commitment terms waiting for their answer, the
commitments, issues and noncompliances they own and still owe, what their role reviews (tailoring records and
lessons for the process group, plans in review, the assets they own that are due for review, drafts to sign off) and, for a lead, the
deployment rows of their projects still to progress. Each kind shows its first few, how many in all, and the list
that shows them all. Two statements a kind, whatever the numbers."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import url_for
from sqlalchemy.orm import joinedload
from sqlmodel import Session, func, select

from tracker.action_plans.issues import STILL_OPEN
from tracker.action_plans.models import ActionPlan, Commitment, PlanIssue, PlanStatus
from tracker.action_plans.negotiation import awaiting_clause
from tracker.action_plans.service import awaiting_review_by
from tracker.assets.models import AssetVersion, ProcessAsset
from tracker.assets.versions import awaiting_signoff
from tracker.auth.models import User
from tracker.auth.policy import can
from tracker.auth.roles import Role
from tracker.compliance.models import ComplianceAudit, Noncompliance
from tracker.deployments.models import ProjectDeployment
from tracker.due import is_overdue, owed_clause
from tracker.lessons.models import Lesson, LessonStatus
from tracker.pilots.models import Pilot, PilotStatus
from tracker.projects.models import led_by
from tracker.proposals.models import Proposal, ProposalStatus
from tracker.tailoring.models import TailoringRecord, TailoringStatus

SHOWN = 5  # of each kind; the rest are counted, one click away


@dataclass(frozen=True)
class Item:
    title: str
    url: str
    detail: str
    overdue: bool = False


@dataclass(frozen=True)
class Kind:
    """One kind of work waiting for the person."""
    key: str
    label: str
    items: list[Item]
    total: int
    everything: str  # the list that shows them all


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    model: type
    where: Callable[[User, date], list]  # WHERE clauses (joins below) selecting this person's work
    item: Callable[[object, date], Item]
    everything: Callable[[], str]
    order: Callable[[], list]
    joins: Callable[[object], object] = lambda statement: statement
    options: tuple = ()
    shown_to: Callable[[User], bool] = lambda user: True


def _commitment(c: Commitment, today: date) -> Item:
    where = c.plan.title if c.plan else "a steering review"
    return Item(c.description, url_for("plan_work.commitment_detail", commitment_id=c.id),
                f"{where}, due {c.due_date}", is_overdue(c, today))


SOURCES = [
    Source("answer", "Commitment terms waiting for your answer", Commitment,
           lambda user, today: [awaiting_clause(user)],
           _commitment, lambda: url_for("plan_work.my_commitments", _anchor="to-answer"),
           lambda: [Commitment.due_date, Commitment.id],
           joins=lambda statement: statement.join(ActionPlan, ActionPlan.id == Commitment.plan_id),
           options=(joinedload(Commitment.plan),)),
    Source("commitments", "Your commitments still owed", Commitment,
           lambda user, today: [Commitment.owner_id == user.id, owed_clause(Commitment)],
           _commitment, lambda: url_for("plan_work.commitment_list", mine=1, open=1),
           lambda: [Commitment.due_date, Commitment.id], options=(joinedload(Commitment.plan),)),
    Source("issues", "Plan issues you own, still open", PlanIssue,
           lambda user, today: [PlanIssue.owner_id == user.id, PlanIssue.status.in_(STILL_OPEN)],
           lambda i, today: Item(i.title, url_for("plans.detail", plan_id=i.plan_id, _anchor=f"issue-{i.id}"),
                                 f"{i.plan.title}, {i.status.label.lower()}"),
           lambda: url_for("plan_work.issue_list", mine=1, open=1), lambda: [PlanIssue.id],
           options=(joinedload(PlanIssue.plan),)),
    Source("noncompliances", "Noncompliances you own, still open", Noncompliance,
           lambda user, today: [Noncompliance.owner_id == user.id, owed_clause(Noncompliance)],
           lambda n, today: Item(n.description, url_for("compliance.detail", audit_id=n.audit_id, _anchor=f"nc-{n.id}"),
                                 f"audit of {n.audit.project.code}, due {n.due_date}", is_overdue(n, today)),
           lambda: url_for("compliance.noncompliance_list", mine=1, open=1),
           lambda: [Noncompliance.due_date, Noncompliance.id],
           options=(joinedload(Noncompliance.audit).joinedload(ComplianceAudit.project),)),
    Source("rows", "Deployments to progress on your projects", ProjectDeployment,
           lambda user, today: [ProjectDeployment.project_id.in_(led_by(user.id)),
                                owed_clause(ProjectDeployment)],
           lambda r, today: Item(f"{r.project.code}: {r.asset_version.name}",
                                 url_for("deployments.detail", deployment_id=r.deployment_id, _anchor=f"row-{r.id}"),
                                 f"{r.status.label.lower()}, planned {r.planned_date or '—'}", is_overdue(r, today)),
           lambda: url_for("deployments.rows", mine=1, open=1),
           lambda: [ProjectDeployment.planned_date.is_(None), ProjectDeployment.planned_date, ProjectDeployment.id],
           options=(joinedload(ProjectDeployment.project),
                    joinedload(ProjectDeployment.asset_version).joinedload(AssetVersion.asset)),
           shown_to=lambda user: Role.PROJECT_LEAD in user.roles),
    Source("tailoring", "Tailoring records to review", TailoringRecord,
           lambda user, today: [TailoringRecord.status == TailoringStatus.REQUESTED],
           lambda t, today: Item(t.element, url_for("tailoring.detail", record_id=t.id),
                                 f"{t.project.code}, {t.type.label.lower()}, review by {t.review_by or '—'}",
                                 is_overdue(t, today)),
           lambda: url_for("tailoring.index", status="requested"), lambda: [TailoringRecord.id],
           options=(joinedload(TailoringRecord.project),), shown_to=lambda user: can(user, "tailoring.review")),
    Source("lessons", "Lessons to review", Lesson, lambda user, today: [Lesson.status == LessonStatus.NEW],
           lambda lesson, today: Item(lesson.title, url_for("lessons.detail", lesson_id=lesson.id),
                                      f"logged {lesson.created_at.strftime('%Y-%m-%d')}"),
           lambda: url_for("lessons.index", status="new"), lambda: [Lesson.id],
           shown_to=lambda user: can(user, "lesson.review")),
    Source("triage", "Proposals to triage", Proposal, lambda user, today: [Proposal.status == ProposalStatus.SUBMITTED],
           lambda p, today: Item(p.title, url_for("proposals.detail", proposal_id=p.id),
                                 f"submitted {p.created_at.strftime('%Y-%m-%d')}"),
           lambda: url_for("proposals.index", status="submitted"), lambda: [Proposal.id],
           shown_to=lambda user: Role.PROCESS_GROUP in user.roles),
    Source("escalated", "Escalated proposals to decide", Proposal,
           lambda user, today: [Proposal.status == ProposalStatus.ESCALATED],
           lambda p, today: Item(p.title, url_for("proposals.detail", proposal_id=p.id),
                                 f"escalated {p.escalated_on or '—'}"),
           lambda: url_for("proposals.index", status="escalated"), lambda: [Proposal.id],
           shown_to=lambda user: Role.STEERING in user.roles),
    Source("approve", "Action plans to approve", ActionPlan, lambda user, today: [
        ActionPlan.status == PlanStatus.IN_REVIEW],
           lambda p, today: Item(p.title, url_for("plans.detail", plan_id=p.id), f"{p.planned_start} – {p.planned_end}"),
           lambda: url_for("plans.index", status="in_review"), lambda: [ActionPlan.id],
           shown_to=lambda user: Role.STEERING in user.roles),
    Source("pilots", "Pilots to decide", Pilot, lambda user, today: [Pilot.status == PilotStatus.EVALUATING],
           lambda p, today: Item(p.title, url_for("pilots.detail", pilot_id=p.id), f"ended {p.end_date}"),
           lambda: url_for("pilots.index", status="evaluating"), lambda: [Pilot.id],
           shown_to=lambda user: Role.STEERING in user.roles),
    Source("plans", "Action plans in review you have not reviewed", ActionPlan,
           lambda user, today: awaiting_review_by(user.id),
           lambda p, today: Item(p.title, url_for("plans.detail", plan_id=p.id, _anchor="reviews"),
                                 f"{p.planned_start} – {p.planned_end}"),
           lambda: url_for("plans.index", status="in_review", review="mine"), lambda: [ActionPlan.id],
           shown_to=lambda user: can(user, "plan.review")),
    Source("signoff", "Drafts waiting for your sign-off", AssetVersion, lambda user, today: awaiting_signoff(user),
           lambda v, today: Item(f"{v.asset.title} {v.label}", url_for("assets.version", version_id=v.id,
                                                                     _anchor="signoff"),
                                 f"drafted by {v.author.name}" if v.author else "a draft"),
           lambda: url_for("assets.index", signoff="mine"), lambda: [AssetVersion.id],
           joins=lambda statement: statement.join(ProcessAsset, ProcessAsset.id == AssetVersion.asset_id),
           options=(joinedload(AssetVersion.asset), joinedload(AssetVersion.author))),
    Source("assets", "Your process assets due for review", ProcessAsset,
           lambda user, today: [ProcessAsset.owner_id == user.id, ProcessAsset.review_due_on <= today],
           lambda a, today: Item(a.title, url_for("assets.detail", asset_id=a.id), f"review due {a.review_due_on}",
                                 True),
           lambda: url_for("assets.index", review="due", mine=1), lambda: [ProcessAsset.review_due_on, ProcessAsset.id]),
]


def my_work(session: Session, *, user: User, today: date) -> list[Kind]:
    """The kinds of work this person has, each with its first few and how many (the empty ones left out)."""
    kinds = []
    for source in SOURCES:
        if not source.shown_to(user):
            continue
        clauses = source.where(user, today)
        total = session.exec(source.joins(select(func.count()).select_from(source.model)).where(*clauses)).one()
        if not total:
            continue
        found = session.exec(source.joins(select(source.model)).where(*clauses).options(*source.options)
                             .order_by(*source.order()).limit(SHOWN)).all()
        kinds.append(Kind(source.key, source.label, [source.item(record, today) for record in found], total,
                          source.everything()))
    return kinds



