"""What the dashboards chart, aggregated in SQL: a fixed number of queries whatever the data size."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, func, select

from tracker.action_plans import commitments
from tracker.action_plans.joint_reviews import UNDER_WAY
from tracker.action_plans.models import ActionPlan, Commitment, PlanProposal
from tracker.appraisals import cadence
from tracker.assets.models import AssetArea, AssetVersion
from tracker.compliance.models import Noncompliance
from tracker.dashboards.charts import FlowGroup, PlanWork, ProjectProgress
from tracker.deployments.models import IN_USE, Deployment, ProjectDeployment
from tracker.deployments.status import superseded
from tracker.due import overdue_clause
from tracker.home.service import decisions_waiting
from tracker.pilots.models import Pilot, PilotAssetVersion
from tracker.projects.models import Phase, Project, ProjectStatus
from tracker.proposals.models import Proposal, ProposalSource, ProposalStatus


@dataclass(frozen=True)
class Tile:
    """One key figure at the top of the dashboard, and the list behind it."""
    label: str
    value: str
    detail: str
    endpoint: str
    args: dict = field(default_factory=dict)
    tone: str = ""  # "bad" when it needs attention


def kpis(session: Session, *, today: date) -> list[Tile]:
    """Decisions waiting for the committee, plans under way and late, overdue work, the next reappraisal."""
    waiting = decisions_waiting(session)
    decisions = sum(w.count for w in waiting)
    under_way = select(ActionPlan.planned_end).where(ActionPlan.status.in_(UNDER_WAY)).subquery()
    plans, late = session.exec(select(func.count(), func.count().filter(under_way.c.planned_end < today))
                               .select_from(under_way)).one()
    overdue = {model: session.exec(select(func.count()).select_from(model).where(overdue_clause(model, today))).one()
               for model in (Commitment, Noncompliance)}
    due = cadence.schedule(session, today=today)
    tiles = [
        Tile("Decisions waiting for the committee", str(decisions),
             ", ".join(f"{w.count} {w.label.lower()}" for w in waiting if w.count) or "none",
             "proposals.index", {"status": "escalated"}, "bad" if decisions else ""),
        Tile("Action plans under way", str(plans), f"{late} past their planned end" if late else "all within plan",
             "plans.index", {"status": "in_progress"}, "bad" if late else ""),
        Tile("Overdue commitments", str(overdue[Commitment]), "across every plan", "plans.index", {},
             "bad" if overdue[Commitment] else ""),
        Tile("Overdue noncompliances", str(overdue[Noncompliance]), "from compliance audits",
             "compliance.noncompliance_list", {"overdue": 1}, "bad" if overdue[Noncompliance] else ""),
    ]
    if due:
        first = due[0]
        tiles.append(Tile("Next reappraisal", str(first.due_on), first.scope + (" (overdue)" if first.overdue else ""),
                          "appraisals.index", {}, "bad" if first.overdue else ""))
    return tiles


@dataclass(frozen=True)
class DashboardFilter:
    asset_id: int | None = None
    area_id: int | None = None
    phase: Phase | None = None
    project_id: int | None = None  # one project's own chart
    sort: str = "completeness"


def deployment_progress(session: Session, *, where: DashboardFilter) -> list[ProjectProgress]:
    """Each active project's (or the one project's) current deployment rows, the newest of each asset, counted by
    status: one query."""
    statement = (select(Project.id, Project.code, Project.name, ProjectDeployment.status, func.count())
                 .join(ProjectDeployment, ProjectDeployment.project_id == Project.id)
                 .join(AssetVersion, AssetVersion.id == ProjectDeployment.asset_version_id)
                 .where(~superseded())
                 .group_by(Project.id, Project.code, Project.name, ProjectDeployment.status))
    if where.project_id is None:  # the organization's chart: the active projects
        statement = statement.where(Project.status == ProjectStatus.ACTIVE)
    if where.asset_id:
        statement = statement.where(AssetVersion.asset_id == where.asset_id)
    if where.area_id:
        statement = statement.where(AssetVersion.asset_id.in_(
            select(AssetArea.asset_id).where(AssetArea.area_id == where.area_id)))
    if where.phase:
        statement = statement.where(Project.phase == where.phase)
    if where.project_id:
        statement = statement.where(Project.id == where.project_id)
    found: dict[int, ProjectProgress] = {}
    for project_id, code, name, status, count in session.exec(statement).all():
        found.setdefault(project_id, ProjectProgress(project_id, code, name, {})).counts[status] = count
    return list(found.values())


DECISIONS = {ProposalStatus.SUBMITTED: "Awaiting triage", ProposalStatus.UNDER_REVIEW: "Awaiting triage",
             ProposalStatus.ESCALATED: "With the committee", ProposalStatus.ACCEPTED: "Accepted",
             ProposalStatus.PLANNED: "Accepted", ProposalStatus.IMPLEMENTED: "Accepted",
             ProposalStatus.CLOSED: "Accepted", ProposalStatus.REJECTED: "Rejected",
             ProposalStatus.DEFERRED: "Deferred", ProposalStatus.DUPLICATE: "Duplicate"}


def improvement_flow(session: Session) -> list[FlowGroup]:
    """Proposals grouped by source, status and how far their plans went (a plan; a pilot; a deployment of the
    plan, or of a version it piloted, in use on a project): one query, the stages worked out once per plan."""
    in_use = ProjectDeployment.status.in_(IN_USE)
    piloted = select(Pilot.plan_id.label("plan_id")).distinct()
    deployed = sa.union(
        select(Deployment.plan_id.label("plan_id")).join(ProjectDeployment,
                                                         ProjectDeployment.deployment_id == Deployment.id)
        .where(in_use, Deployment.plan_id.is_not(None)),
        select(Pilot.plan_id.label("plan_id")).join(PilotAssetVersion, PilotAssetVersion.pilot_id == Pilot.id)
        .join(ProjectDeployment, ProjectDeployment.asset_version_id == PilotAssetVersion.asset_version_id)
        .where(in_use)).subquery()
    piloted = piloted.subquery()
    stages = (select(PlanProposal.proposal_id.label("proposal_id"),
                     func.max(sa.case((piloted.c.plan_id.is_not(None), 1), else_=0)).label("piloted"),
                     func.max(sa.case((deployed.c.plan_id.is_not(None), 1), else_=0)).label("deployed"))
              .outerjoin(piloted, piloted.c.plan_id == PlanProposal.plan_id)
              .outerjoin(deployed, deployed.c.plan_id == PlanProposal.plan_id)
              .group_by(PlanProposal.proposal_id).subquery())
    columns = (Proposal.source, Proposal.status, stages.c.proposal_id.is_not(None).label("planned"),
               func.coalesce(stages.c.piloted, 0).label("piloted"), func.coalesce(stages.c.deployed, 0).label("deployed"))
    flows = select(*columns).outerjoin(stages, stages.c.proposal_id == Proposal.id).subquery()
    counted: dict[tuple, int] = {}
    for source, status, *reached, count in session.exec(
            select(flows.c.source, flows.c.status, flows.c.planned, flows.c.piloted, flows.c.deployed, func.count())
            .group_by(flows.c.source, flows.c.status, flows.c.planned, flows.c.piloted, flows.c.deployed)).all():
        key = (ProposalSource(source).label, DECISIONS[ProposalStatus(status)], *(bool(stage) for stage in reached))
        counted[key] = counted.get(key, 0) + count
    return [FlowGroup(*key, count) for key, count in counted.items()]


OPEN = (ProposalStatus.SUBMITTED, ProposalStatus.UNDER_REVIEW, ProposalStatus.ESCALATED, ProposalStatus.ACCEPTED,
        ProposalStatus.DEFERRED)  # waiting for a decision or a plan, in the workflow's order
AGE_LIMITS = (30, 90, 180)  # days: the bounds of charts.AGES


def proposal_ages(session: Session, *, today: date) -> dict[tuple[str, int], int]:
    """Open proposals counted by status and age bucket (submitted under 30, 30-90, 90-180, over 180 days ago)."""
    # Under 30 days: submitted on one of the last 30 days, today included (29 days ago at most).
    since = [datetime.combine(today - timedelta(days=days - 1), time(), tzinfo=UTC) for days in AGE_LIMITS]
    bucket = sa.case(*[(Proposal.created_at >= start, n) for n, start in enumerate(since)], else_=len(since))
    aged = select(Proposal.status, bucket.label("age")).where(Proposal.status.in_(OPEN)).subquery()
    rows = session.exec(select(aged.c.status, aged.c.age, func.count()).group_by(aged.c.status, aged.c.age)).all()
    return {(status.label, age): count for status, age, count in rows}


def plan_work(session: Session, *, today: date) -> list[PlanWork]:
    """The plans under way, by title, with their commitments counted (two queries)."""
    plans = session.exec(select(ActionPlan.id, ActionPlan.title).where(ActionPlan.status.in_(UNDER_WAY))
                         .order_by(ActionPlan.title)).all()
    counted = commitments.progress(session, plan_ids=[plan_id for plan_id, _ in plans], today=today)
    return [PlanWork(title, counted[plan_id].total, counted[plan_id].done, counted[plan_id].overdue,
                     counted[plan_id].on_time) for plan_id, title in plans]
