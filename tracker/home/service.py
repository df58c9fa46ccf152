"""What the landing page counts, in a fixed handful of queries: the organization at a glance and
what is waiting for this user."""

from dataclasses import dataclass, field

from sqlmodel import Session, func, select

from tracker.action_plans import negotiation
from tracker.action_plans.issues import STILL_OPEN
from tracker.action_plans.models import ActionPlan, Commitment, PlanIssue, PlanStatus
from tracker.assets.models import AssetVersion, ProcessAsset, VersionStatus
from tracker.auth.roles import Role
from tracker.compliance.models import Noncompliance
from tracker.db import utcnow
from tracker.deployments.models import ProjectDeployment
from tracker.due import overdue_clause, owed_clause
from tracker.lessons.models import Lesson, LessonStatus
from tracker.pilots.models import Pilot, PilotStatus
from tracker.projects.models import Project, ProjectLead, ProjectStatus, led_by
from tracker.proposals.models import Proposal, ProposalStatus
from tracker.tailoring.models import TailoringRecord, TailoringStatus


@dataclass(frozen=True)
class Waiting:
    """One kind of thing waiting for this user: how many, and the list that shows them."""

    label: str
    count: int
    endpoint: str
    args: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Summary:
    active_projects: int
    assets: int
    with_release: int  # assets with a released version
    with_draft: int  # assets with a draft in the works
    my_projects: list[Project]
    waiting: list[Waiting]


def _count(session: Session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def _for_everyone(session: Session, user) -> list[Waiting]:
    today = utcnow().date()
    mine = (Commitment.owner_id == user.id, owed_clause(Commitment))
    mine_nc = (Noncompliance.owner_id == user.id, owed_clause(Noncompliance))
    return [
        Waiting("Your open commitments", _count(session, Commitment, *mine), "plan_work.my_commitments"),
        Waiting("Your overdue commitments", _count(session, Commitment, *mine, overdue_clause(Commitment, today)),
                "plan_work.my_commitments", {"overdue": 1}),
        Waiting("Noncompliances you own", _count(session, Noncompliance, *mine_nc), "compliance.noncompliance_list",
                {"mine": 1, "open": 1}),
        Waiting("Plan issues you own, still open", _count(session, PlanIssue, PlanIssue.owner_id == user.id,
                                                          PlanIssue.status.in_(STILL_OPEN)),
                "plan_work.issue_list", {"mine": 1, "open": 1}),
        Waiting("Commitment terms waiting for your answer", negotiation.awaiting_answer(session, user=user, count=True),
                "plan_work.my_commitments", {"_anchor": "to-answer"}),
    ]


def _for_process_group(session: Session, user) -> list[Waiting]:
    return [
        Waiting("Proposals to triage", _count(session, Proposal, Proposal.status == ProposalStatus.SUBMITTED),
                "proposals.index", {"status": "submitted"}),
        Waiting("Proposals accepted, not yet planned",
                _count(session, Proposal, Proposal.status == ProposalStatus.ACCEPTED),
                "proposals.index", {"status": "accepted"}),
        Waiting("Tailoring records to review",
                _count(session, TailoringRecord, TailoringRecord.status == TailoringStatus.REQUESTED),
                "tailoring.index", {"status": "requested"}),
        Waiting("Lessons to review", _count(session, Lesson, Lesson.status == LessonStatus.NEW),
                "lessons.index", {"status": "new"}),
    ]


def _for_leads(session: Session, user) -> list[Waiting]:
    led = led_by(user.id)
    return [Waiting("Deployments to progress on your projects",
                    _count(session, ProjectDeployment, ProjectDeployment.project_id.in_(led),
                           owed_clause(ProjectDeployment)),
                    "deployments.rows", {"mine": 1, "open": 1})]


def decisions_waiting(session: Session) -> list[Waiting]:
    """What waits for the steering committee's decision (its home page and the dashboard's first tile)."""
    return [
        Waiting("Escalated proposals to decide", _count(session, Proposal, Proposal.status == ProposalStatus.ESCALATED),
                "proposals.index", {"status": "escalated"}),
        Waiting("Action plans to approve", _count(session, ActionPlan, ActionPlan.status == PlanStatus.IN_REVIEW),
                "plans.index", {"status": "in_review"}),
        Waiting("Pilots to decide", _count(session, Pilot, Pilot.status == PilotStatus.EVALUATING),
                "pilots.index", {"status": "evaluating"}),
    ]


BY_ROLE = {Role.PROCESS_GROUP: _for_process_group, Role.PROJECT_LEAD: _for_leads,
           Role.STEERING: lambda session, user: decisions_waiting(session)}


def _waiting(session: Session, user) -> list[Waiting]:
    """What waits for everyone, then for each of the user's roles (a tile two roles share, once)."""
    tiles = _for_everyone(session, user)
    for role in Role:
        if role in user.roles and role in BY_ROLE:
            shown = {tile.label for tile in tiles}
            tiles += [tile for tile in BY_ROLE[role](session, user) if tile.label not in shown]
    return tiles


def summary(session: Session, *, user) -> Summary:
    """Counts for the landing page, the projects this user leads, and what waits for them."""
    active = _count(session, Project, Project.status == ProjectStatus.ACTIVE)
    assets = _count(session, ProcessAsset)
    by_status = dict(session.exec(select(AssetVersion.status, func.count(func.distinct(AssetVersion.asset_id)))
                                  .group_by(AssetVersion.status)).all())
    mine = list(session.exec(select(Project).join(ProjectLead, ProjectLead.project_id == Project.id)
                             .where(ProjectLead.user_id == user.id).order_by(Project.code)).all())
    return Summary(active, assets, by_status.get(VersionStatus.RELEASED, 0), by_status.get(VersionStatus.DRAFT, 0),
                   mine, _waiting(session, user))
