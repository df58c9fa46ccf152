"""What the dashboards chart, aggregated in SQL: a fixed number of queries whatever the data size."""

import functools
import inspect
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import g, has_request_context, request
from sqlmodel import Session, func, select

from tracker.action_plans import commitments
from tracker.action_plans.joint_reviews import UNDER_WAY
from tracker.action_plans.models import ActionPlan, Commitment, PlanObjective, PlanProposal, PlanStatus
from tracker.appraisals import cadence
from tracker.appraisals.models import RATING_METHODS, Appraisal, AppraisalStatus, Rating
from tracker.assets.models import AssetArea, AssetVersion, ProcessAsset, VersionStatus
from tracker.auth.models import User
from tracker.compliance.models import AuditResult, AuditStatus, Compliance, ComplianceAudit, Noncompliance
from tracker.dashboards.charts import (
    Adoption,
    FlowGroup,
    Heatmap,
    PlanSpan,
    PlanWork,
    Progress,
    ProjectProgress,
    Ratings,
)
from tracker.dashboards.sql import median, middle
from tracker.deployments.models import IN_USE, DeploymentTally, ProjectDeployment, RowStatus
from tracker.due import overdue_clause
from tracker.home.service import decisions_waiting
from tracker.lessons.models import Lesson, LessonStatus, Polarity
from tracker.objectives.progress import State
from tracker.pilots.models import Pilot
from tracker.process_areas.models import ProcessArea
from tracker.projects.models import Phase, Project, ProjectStatus
from tracker.proposals.models import Proposal, ProposalArea, ProposalObjective, ProposalSource, ProposalStatus
from tracker.sql import day_of, days_between, month_of
from tracker.tailoring.models import TailoringRecord, TailoringStatus


@dataclass(frozen=True)
class Tile:
    """One key figure at the top of the dashboard, and the list behind it."""
    label: str
    value: str
    detail: str
    endpoint: str
    args: dict = field(default_factory=dict)
    tone: str = ""  # "bad" when it needs attention


def on_current_versions(session: Session) -> tuple[int, int]:
    """(active projects running every asset they use on its current release, active projects using any): one
    query over the current rows in use, grouped per project."""
    per_project = (select(ProjectDeployment.project_id,
                          func.max(sa.case((older_release(ProjectDeployment.asset_version_id), 1), else_=0))
                          .label("drifting"))
                   .join(Project, Project.id == ProjectDeployment.project_id)
                   .where(Project.status == ProjectStatus.ACTIVE, ProjectDeployment.status.in_(IN_USE),
                          ProjectDeployment.current)
                   .group_by(ProjectDeployment.project_id).subquery())
    using, drifting = session.exec(select(func.count(), func.coalesce(func.sum(per_project.c.drifting), 0))).one()
    return using - drifting, using


def kpis(session: Session, *, today: date, objectives: dict[int, tuple], due: list | None = None) -> list[Tile]:
    """Decisions waiting for the committee, plans under way and late, overdue work, projects on current versions,
    objectives on and off track (`objectives`: objectives.service.assessments), the next reappraisal (`due`:
    appraisals.cadence.schedule, when the caller has it already)."""
    waiting = decisions_waiting(session)
    decisions = sum(w.count for w in waiting)
    under_way = select(ActionPlan.planned_end).where(ActionPlan.status == PlanStatus.IN_PROGRESS).subquery()
    plans, late = session.exec(select(func.count(), func.count().filter(under_way.c.planned_end < today))
                               .select_from(under_way)).one()
    overdue = {model: session.exec(select(func.count()).select_from(model).where(overdue_clause(model, today))).one()
               for model in (Commitment, Noncompliance)}
    due = cadence.schedule(session, today=today) if due is None else due
    current, using = on_current_versions(session)
    states = [assessment.state for _, assessment in objectives.values()]
    on, risk, off = (states.count(state) for state in (State.ON_TRACK, State.AT_RISK, State.OFF_TRACK))
    unjudged = len(states) - on - risk - off
    tiles = [
        Tile("Decisions waiting for the committee", str(decisions),
             "; ".join(f"{w.label.lower()}: {w.count}" for w in waiting if w.count) or "none",
             "reviews.index", {}, "bad" if decisions else ""),
        Tile("Action plans in progress", str(plans), f"{late} past their planned end" if late else "all within plan",
             "plans.index", {"status": "in_progress"}, "bad" if late else ""),
        Tile("Overdue commitments", str(overdue[Commitment]), "on plans and steering reviews",
             "plan_work.commitment_list", {"overdue": 1}, "bad" if overdue[Commitment] else ""),
        Tile("Overdue noncompliances", str(overdue[Noncompliance]), "from compliance audits",
             "compliance.noncompliance_list", {"overdue": 1}, "bad" if overdue[Noncompliance] else ""),
        Tile("Projects on current versions", f"{round(100 * current / using)} %" if using else "—",
             f"{current} of {using} projects using assets run their current releases" if using else "no asset in use",
             "deployments.status_matrix", {}, "bad" if current < using else ""),
        Tile("Objectives on track", f"{on} of {len(states)}",
             ", ".join(part for part in (f"{risk} at risk" if risk else "", f"{off} off track" if off else "",
                                        f"{unjudged} not judged yet" if unjudged else "") if part)
             or "none at risk or off track", "objectives.index", {}, "bad" if off else ""),
    ]
    if due:
        first = due[0]
        tiles.append(Tile("Next reappraisal", str(first.due_on), first.scope + (" (overdue)" if first.overdue else ""),
                          "appraisals.index", {}, "bad" if first.overdue else ""))
    return tiles


@dataclass(frozen=True)
class DashboardFilter:
    """What the charts are narrowed to; each chart applies the parts that make sense for it (see the boards)."""
    asset_id: int | None = None
    area_id: int | None = None
    phase: Phase | None = None
    project_id: int | None = None  # one project (a project's own chart among them)
    objective_id: int | None = None  # the proposals and plans that serve it
    since: date | None = None  # the period: things that happened from this day ...
    until: date | None = None  # ... to this one (both included)
    sort: str = "completeness"
    page: int = 1  # of the deployment charts' projects

    def period(self, column) -> list:
        """WHERE clauses keeping `column` (a date) within the period."""
        return ([column >= self.since] if self.since else []) + ([column <= self.until] if self.until else [])

    def months(self, today: date) -> list[str]:
        """The months of the period as 'YYYY-MM', the last twelve (to this month) when it is open."""
        last = self.until or today
        first = self.since or date(last.year - 1, last.month, 1) + timedelta(days=31)
        first = date(first.year, first.month, 1)
        found = []
        while first <= last and len(found) < 240:
            found.append(f"{first.year:04d}-{first.month:02d}")
            first = (first + timedelta(days=32)).replace(day=1)
        return found


PROJECTS_PAGE = 25  # projects per page of the deployment charts: a screenful (their CSVs have them all)


def once_per_page(function):
    """While a page is read (GET), the same call made for two of its charts runs once; anything that writes
    (and outside a request) runs it every time. Its keyword arguments name what it depends on."""
    signature = inspect.signature(function)

    @functools.wraps(function)
    def once(session: Session, **kwargs):
        if not has_request_context() or request.method != "GET":
            return function(session, **kwargs)
        made = g.setdefault("dashboards_made", {})
        called = signature.bind(session, **kwargs)
        called.apply_defaults()
        key = (function.__name__, id(session), tuple(called.arguments.items())[1:])
        if key not in made:
            made[key] = function(session, **kwargs)
        return made[key]
    return once


@once_per_page
def deployment_progress(session: Session, *, where: DashboardFilter, everything: bool = False) -> Progress:
    """A page of the active projects (or the one project) with current deployment rows, each with its rows (the
    newest of each asset) counted by status, in the order asked (least complete first, or by code); with how
    many match, how many are complete and which is least complete over every page: one query."""
    statuses = list(RowStatus)
    if where.asset_id is not None or where.area_id:  # some assets' rows: counted from the rows themselves
        project, status, amount = ProjectDeployment.project_id, ProjectDeployment.status, sa.literal(1)
        scope = (ProjectDeployment.asset_version_id.in_(
            select(AssetVersion.id).where(*asset_scope(AssetVersion.asset_id, where))), ProjectDeployment.current)
    else:  # every asset's: the tallies kept per project and status (a few rows a project, not one per asset)
        project, status, amount, scope = DeploymentTally.project_id, DeploymentTally.status, DeploymentTally.rows, ()

    def tallied(condition):
        return func.coalesce(func.sum(amount).filter(condition), 0)
    counted = (select(project, *[tallied(status == each).label(each) for each in statuses],
                      tallied(status.in_(IN_USE)).label("done"),
                      tallied(status != RowStatus.NOT_APPLICABLE).label("applicable"))
               .where(*scope, *project_scope(project, where)).group_by(project).subquery())
    # ProjectProgress.completeness, in SQL: the share done of the applicable rows, 1 when none apply
    share = sa.case((counted.c.applicable == 0, 1.0),
                    else_=sa.cast(counted.c.done, sa.Float) / counted.c.applicable)
    least_first = (share, Project.code)
    statement = (select(Project.id, Project.code, Project.name, *[counted.c[status] for status in statuses],
                        func.count().over(), func.sum(sa.case((counted.c.done == counted.c.applicable, 1), else_=0)).over(),
                        func.first_value(Project.code).over(order_by=least_first), func.min(share).over())
                 .join(counted, counted.c.project_id == Project.id)
                 .order_by(*(least_first if where.sort == "completeness" else (Project.code,))))
    if where.project_id is None:  # the organization's chart: the active projects
        statement = statement.where(Project.status == ProjectStatus.ACTIVE)
    page = 1 if everything else where.page
    if not everything:
        statement = statement.limit(PROJECTS_PAGE).offset((page - 1) * PROJECTS_PAGE)
    rows = session.exec(statement).all()
    if not rows and page > 1:  # past the last page (the data moved on since the link was made): the first
        return deployment_progress(session, where=replace(where, page=1), everything=everything)
    total, complete, least_code, least = rows[0][-4:] if rows else (0, 0, None, None)
    return Progress([ProjectProgress(project_id, code, name,
                                     {status: n for status, n in zip(statuses, counts[:-4], strict=True) if n})
                     for project_id, code, name, *counts in rows],
                    total, int(complete), (least_code, float(least)) if least_code is not None else None,
                    page=page, pages=1 if everything else max(1, -(-total // PROJECTS_PAGE)))


def project_progress(session: Session, *, project: Project) -> Progress:
    """One project's deployment progress (its page's chart): its tallies as they are kept, none when it has no
    current rows. What `deployment_progress` says of the project, read from the project's few tally rows."""
    counts = {status: n for status, n in session.exec(select(DeploymentTally.status, DeploymentTally.rows)
                                                      .where(DeploymentTally.project_id == project.id)).all()}
    if not counts:
        return Progress([], 0, 0, None)
    only = ProjectProgress(project.id, project.code, project.name, {status: n for status, n in counts.items() if n})
    return Progress([only], 1, int(only.done == only.applicable), (only.code, only.completeness))


DECISIONS = {ProposalStatus.SUBMITTED: "Awaiting triage", ProposalStatus.UNDER_REVIEW: "Awaiting triage",
             ProposalStatus.ESCALATED: "With the committee", ProposalStatus.ACCEPTED: "Accepted",
             ProposalStatus.PLANNED: "Accepted", ProposalStatus.IMPLEMENTED: "Accepted",
             ProposalStatus.CLOSED: "Accepted", ProposalStatus.REJECTED: "Rejected",
             ProposalStatus.DEFERRED: "Deferred", ProposalStatus.DUPLICATE: "Duplicate"}


def improvement_flow(session: Session, *, where: DashboardFilter) -> list[FlowGroup]:
    """Proposals grouped by source, status and how far their plans went (a plan; a pilot; a project deploying
    what a plan deployed or piloted: the plan's first deployment): one query, the stages read once per plan."""
    plan_stages = select(ActionPlan.id.label("plan_id"),
                         sa.case((ActionPlan.id.in_(select(Pilot.plan_id)), 1), else_=0).label("piloted"),
                         sa.case((ActionPlan.first_deployed_on.is_not(None), 1), else_=0).label("deployed")).subquery()
    stages = (select(PlanProposal.proposal_id.label("proposal_id"), func.max(plan_stages.c.piloted).label("piloted"),
                     func.max(plan_stages.c.deployed).label("deployed"))
              .join(plan_stages, plan_stages.c.plan_id == PlanProposal.plan_id)
              .group_by(PlanProposal.proposal_id).subquery())
    columns = (Proposal.source, Proposal.status, stages.c.proposal_id.is_not(None).label("planned"),
               func.coalesce(stages.c.piloted, 0).label("piloted"), func.coalesce(stages.c.deployed, 0).label("deployed"))
    flows = (select(*columns).outerjoin(stages, stages.c.proposal_id == Proposal.id)
             .where(*where.period(day_of(Proposal.created_at)), *proposal_scope(where)).subquery())
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


def proposal_ages(session: Session, *, where: DashboardFilter, today: date) -> dict[tuple[str, int], int]:
    """Open proposals counted by status and age bucket (submitted under 30, 30-90, 90-180, over 180 days ago)."""
    # Under 30 days: submitted on one of the last 30 days, today included (29 days ago at most).
    since = [datetime.combine(today - timedelta(days=days - 1), time(), tzinfo=UTC) for days in AGE_LIMITS]
    bucket = sa.case(*[(Proposal.created_at >= start, n) for n, start in enumerate(since)], else_=len(since))
    aged = select(Proposal.status, bucket.label("age")).where(Proposal.status.in_(OPEN), *proposal_scope(where)).subquery()
    rows = session.exec(select(aged.c.status, aged.c.age, func.count()).group_by(aged.c.status, aged.c.age)).all()
    return {(status.label, age): count for status, age, count in rows}


def plan_work(session: Session, *, where: DashboardFilter, today: date) -> list[PlanWork]:
    """The plans under way (serving the objective), by title, with their commitments counted (two queries)."""
    plans = session.exec(select(ActionPlan.id, ActionPlan.title)
                         .where(ActionPlan.status.in_(UNDER_WAY), *plan_scope(where))
                         .order_by(ActionPlan.title)).all()
    counted = commitments.progress(session, plan_ids=[plan_id for plan_id, _ in plans], today=today)
    return [PlanWork(title, counted[plan_id].total, counted[plan_id].done, counted[plan_id].overdue,
                     counted[plan_id].on_time) for plan_id, title in plans]


# --- Scopes shared by the charts: the proposals, assets and projects a filter keeps ---

def proposal_scope(where: DashboardFilter) -> list:
    """WHERE clauses on Proposal for the objective and process-area filters."""
    clauses = []
    if where.objective_id is not None:  # 0: a typed objective naming none
        clauses.append(Proposal.id.in_(select(ProposalObjective.proposal_id)
                                       .where(ProposalObjective.objective_id == where.objective_id)))
    if where.area_id:
        clauses.append(Proposal.id.in_(select(ProposalArea.proposal_id).where(ProposalArea.area_id == where.area_id)))
    return clauses


def plan_scope(where: DashboardFilter) -> list:
    """WHERE clauses on ActionPlan for the objective filter."""
    if where.objective_id is None:
        return []
    return [ActionPlan.id.in_(select(PlanObjective.plan_id).where(PlanObjective.objective_id == where.objective_id))]


def asset_scope(asset_id_column, where: DashboardFilter) -> list:
    """WHERE clauses on an asset id column for the asset and process-area filters."""
    clauses = []
    if where.asset_id is not None:  # 0: a typed asset that names none, so nothing matches
        clauses.append(asset_id_column == where.asset_id)
    if where.area_id:
        clauses.append(asset_id_column.in_(select(AssetArea.asset_id).where(AssetArea.area_id == where.area_id)))
    return clauses


def project_scope(project_id_column, where: DashboardFilter) -> list:
    """WHERE clauses on a project id column for the project and phase filters."""
    clauses = []
    if where.project_id is not None:
        clauses.append(project_id_column == where.project_id)
    if where.phase:
        clauses.append(project_id_column.in_(select(Project.id).where(Project.phase == where.phase)))
    return clauses


def first_deployed() -> sa.Subquery:
    """Each proposal's first deployment (proposal_id, day): the earliest first deployment of its plans."""
    return (select(PlanProposal.proposal_id.label("proposal_id"), func.min(ActionPlan.first_deployed_on).label("day"))
            .join(ActionPlan, ActionPlan.id == PlanProposal.plan_id).where(ActionPlan.first_deployed_on.is_not(None))
            .group_by(PlanProposal.proposal_id).subquery())


# --- The improvement flow: throughput and lead time ---

def throughput(session: Session, *, where: DashboardFilter, today: date) -> dict[str, dict[str, int]]:
    """Per month of the period: proposals submitted, decided and first deployed (three queries)."""
    months = where.months(today)
    first, last = date.fromisoformat(months[0] + "-01"), where.until or today
    scope = proposal_scope(where)
    deployed = first_deployed()
    counted = {
        "submitted": select(month_of(Proposal.created_at), func.count()).where(
            Proposal.created_at >= datetime.combine(first, time(), tzinfo=UTC),
            Proposal.created_at < datetime.combine(last + timedelta(days=1), time(), tzinfo=UTC), *scope),
        "decided": select(month_of(Proposal.decided_on), func.count()).where(
            Proposal.decided_on >= first, Proposal.decided_on <= last, *scope),
        "deployed": select(month_of(deployed.c.day), func.count()).select_from(deployed)
        .join(Proposal, Proposal.id == deployed.c.proposal_id)
        .where(deployed.c.day >= first, deployed.c.day <= last, *scope),
    }
    result = {month: {name: 0 for name in counted} for month in months}
    for name, statement in counted.items():
        for month, count in session.exec(statement.group_by(sa.literal_column("1"))).all():
            if month in result:
                result[month][name] = count
    return result


LEAD_LIMITS = (30, 90, 180, 365)  # days: the bounds of charts.LEAD_TIMES


def lead_times(session: Session, *, where: DashboardFilter) -> tuple[list[int], float | None]:
    """Proposals first deployed in the period, counted by days from submission to that deployment (in the buckets
    of LEAD_LIMITS), and the median of those days (two queries)."""
    deployed = first_deployed()
    days = days_between(deployed.c.day, day_of(Proposal.created_at))
    leads = (select(days.label("days")).select_from(deployed).join(Proposal, Proposal.id == deployed.c.proposal_id)
             .where(*where.period(deployed.c.day), *proposal_scope(where)).subquery())
    bucket = sa.case(*[(leads.c.days < limit, n) for n, limit in enumerate(LEAD_LIMITS)], else_=len(LEAD_LIMITS))
    counts = [0] * (len(LEAD_LIMITS) + 1)
    for n, count in session.exec(select(bucket, func.count()).group_by(bucket)).all():
        counts[n] = count
    ranked = select(leads.c.days, *median(leads.c.days, partition=None)).subquery()
    middle_value = session.exec(select(func.avg(ranked.c.days)).where(middle(ranked))).one()
    return counts, None if middle_value is None else float(middle_value)


# --- Deployment: the projects x assets heatmap and adoption over time ---

def _current_release() -> sa.Subquery:
    """Each asset's current released version (the newest release): asset_id, version_id."""
    ranked = (select(AssetVersion.asset_id, AssetVersion.id.label("version_id"),
                     func.row_number().over(partition_by=AssetVersion.asset_id,
                                            order_by=(AssetVersion.release_date.desc(), AssetVersion.id.desc()))
                     .label("n"))
              .where(AssetVersion.status == VersionStatus.RELEASED).subquery())
    return select(ranked.c.asset_id, ranked.c.version_id).where(ranked.c.n == 1).subquery()


def older_release(version_id=AssetVersion.id) -> sa.ColumnElement[bool]:
    """The version (AssetVersion's, or a row's `version_id` column) is not its asset's current release, which
    exists: drift. Uncorrelated IN lists (a few hundred ids, built once) whatever plan the database would choose
    for a join."""
    current = _current_release()
    return version_id.in_(select(AssetVersion.id).where(AssetVersion.asset_id.in_(select(current.c.asset_id)),
                                                        AssetVersion.id.not_in(select(current.c.version_id))))


def heatmap(session: Session, *, where: DashboardFilter, today: date, everything: bool = False) -> Heatmap:
    """The deployment charts' page of projects (the same projects, in the same order) x the assets any of them
    has a row for: each cell the current row's status, whether it is an older version than the asset's current
    release (drift); three queries."""
    progress = deployment_progress(session, where=where, everything=everything)
    shown = [(p.project_id, p.code) for p in progress.projects]
    rows = session.exec(
        select(ProjectDeployment.project_id, AssetVersion.asset_id, ProjectDeployment.status,
               older_release(),
               ProjectDeployment.deployment_id, ProjectDeployment.id)
        .join(AssetVersion, AssetVersion.id == ProjectDeployment.asset_version_id)
        .where(ProjectDeployment.project_id.in_([project_id for project_id, _ in shown]), ProjectDeployment.current,
               *asset_scope(AssetVersion.asset_id, where))).all()
    asset_ids = {asset_id for _, asset_id, *_ in rows}
    assets = session.exec(select(ProcessAsset.id, ProcessAsset.title, ProcessAsset.review_due_on)
                          .where(ProcessAsset.id.in_(asset_ids)).order_by(ProcessAsset.title)).all()
    return Heatmap(list(shown), [(asset_id, title, due is not None and due <= today) for asset_id, title, due in assets],
                   {(project_id, asset_id): (status, bool(drift), deployment_id, row_id)
                    for project_id, asset_id, status, drift, deployment_id, row_id in rows}, progress.total,
                   page=progress.page, pages=progress.pages)


ADOPTION_ASSETS = 6  # on one chart at most: more lines are not compared by eye


def adoption(session: Session, *, where: DashboardFilter) -> list[Adoption]:
    """For the chosen asset (or the most recently released ones, whose uptake the committee follows): the share of
    the active projects the asset applies to that have deployed and verified its current release by each date,
    and the median days from that release; five queries, over those versions' rows only."""
    current = _current_release()
    chosen = session.exec(
        select(current.c.asset_id, current.c.version_id, ProcessAsset.title, AssetVersion.label)
        .join(AssetVersion, AssetVersion.id == current.c.version_id)
        .join(ProcessAsset, ProcessAsset.id == current.c.asset_id)
        .where(*asset_scope(current.c.asset_id, where))
        .order_by(AssetVersion.release_date.desc(), current.c.asset_id).limit(ADOPTION_ASSETS)).all()
    asset_ids, version_ids = [a for a, *_ in chosen], [v for _, v, *_ in chosen]

    def rows(*columns, where_also=()):
        """Status rows on the active projects (found through the versions, not the projects)."""
        return (select(*columns).select_from(ProjectDeployment)
                .join(AssetVersion, AssetVersion.id == ProjectDeployment.asset_version_id)
                .join(Project, Project.id == ProjectDeployment.project_id)
                .where(Project.status == ProjectStatus.ACTIVE, *project_scope(Project.id, where), *where_also))
    applicable = dict(session.exec(  # a project has one current row of an asset: counting rows counts projects
        rows(AssetVersion.asset_id, func.count(), where_also=(  # through these assets' versions' rows only
            ProjectDeployment.asset_version_id.in_(select(AssetVersion.id).where(AssetVersion.asset_id.in_(asset_ids))),
            ProjectDeployment.current,
            ProjectDeployment.status != RowStatus.NOT_APPLICABLE))
        .group_by(AssetVersion.asset_id)).all())
    of_release = (ProjectDeployment.asset_version_id.in_(version_ids),)
    curves: dict[tuple[int, str], list[tuple[date, int]]] = {}
    stages = (("deployed", ProjectDeployment.deployed_on), ("verified", ProjectDeployment.verified_on))
    for stage, column in stages:
        firsts = (rows(AssetVersion.asset_id, ProjectDeployment.project_id, func.min(column).label("day"),
                       where_also=(*of_release, column.is_not(None)))
                  .group_by(AssetVersion.asset_id, ProjectDeployment.project_id).subquery())
        for asset_id, day, running in session.exec(
                select(firsts.c.asset_id, firsts.c.day,
                       func.sum(func.count()).over(partition_by=firsts.c.asset_id, order_by=firsts.c.day))
                .group_by(firsts.c.asset_id, firsts.c.day).order_by(firsts.c.asset_id, firsts.c.day)).all():
            curves.setdefault((asset_id, stage), []).append((day, int(running)))
    waits = sa.union_all(*[
        rows(AssetVersion.asset_id.label("asset_id"), sa.literal(stage).label("stage"),
             days_between(column, AssetVersion.release_date).label("days"),
             where_also=(*of_release, column.is_not(None), AssetVersion.release_date.is_not(None)))
        for stage, column in stages]).subquery()
    ranked = select(waits.c.asset_id, waits.c.stage, waits.c.days,
                    *median(waits.c.days, partition=(waits.c.asset_id, waits.c.stage))).subquery()
    medians = {(asset_id, stage): float(value) for asset_id, stage, value in session.exec(
        select(ranked.c.asset_id, ranked.c.stage, func.avg(ranked.c.days)).where(middle(ranked))
        .group_by(ranked.c.asset_id, ranked.c.stage)).all()}
    return [Adoption(f"{title} {label}", applicable.get(asset_id, 0), curves.get((asset_id, "deployed"), []),
                     curves.get((asset_id, "verified"), []), medians.get((asset_id, "deployed")),
                     medians.get((asset_id, "verified")))
            for asset_id, _, title, label in chosen if applicable.get(asset_id)]  # those that apply somewhere


# --- Action plans: the timeline, and overdue work by owner ---

TIMELINE_PLANS = 40  # the most recent plans on the timeline


def plan_timeline(session: Session, *, where: DashboardFilter, today: date) -> list[PlanSpan]:
    """Plans not cancelled (serving the objective; overlapping the period), planned against actual: one query."""
    statement = (select(ActionPlan.title, ActionPlan.status, ActionPlan.planned_start, ActionPlan.planned_end,
                        ActionPlan.started_on, ActionPlan.completed_on)
                 .where(ActionPlan.status != PlanStatus.CANCELLED)
                 .order_by(ActionPlan.planned_start.desc(), ActionPlan.id.desc()).limit(TIMELINE_PLANS))
    statement = statement.where(*plan_scope(where))
    if where.since:
        statement = statement.where(ActionPlan.planned_end >= where.since)
    if where.until:
        statement = statement.where(ActionPlan.planned_start <= where.until)
    spans = []
    for title, status, start, end, started, completed in session.exec(statement).all():
        actual = (started, completed or max(today, started)) if started else None
        late = (completed or today) > end and status in (*UNDER_WAY, PlanStatus.COMPLETED)
        spans.append(PlanSpan(title, status.label, (start, end), actual, late))
    return spans[::-1]


def overdue_by_owner(session: Session, *, today: date) -> list[tuple[str, int, int]]:
    """(owner's name, overdue commitments, overdue noncompliances), most overdue first: two queries."""
    counted: dict[str, list[int]] = {}
    for n, model in enumerate((Commitment, Noncompliance)):
        for name, count in session.exec(select(User.name, func.count()).select_from(model)
                                        .join(User, User.id == model.owner_id)
                                        .where(overdue_clause(model, today)).group_by(User.id, User.name)).all():
            counted.setdefault(name, [0, 0])[n] = count
    return sorted(((name, *counts) for name, counts in counted.items()), key=lambda r: (-(r[1] + r[2]), r[0]))


# --- Experience: pilots, tailoring, compliance, lessons ---

def pilots_by_decision(session: Session, *, where: DashboardFilter) -> dict[str, int]:
    """Decided pilots by decision (decided in the period), and those still to decide by status: one query."""
    period = where.period(Pilot.decided_on)
    rows = session.exec(select(Pilot.status, Pilot.decision, func.count())
                        .where(*([sa.or_(Pilot.decided_on.is_(None), sa.and_(*period))] if period else []))
                        .group_by(Pilot.status, Pilot.decision)).all()
    counted: dict[str, int] = {}
    for status, decision, count in rows:
        label = decision.label if decision else f"Not decided yet ({status.label.lower()})"
        counted[label] = counted.get(label, 0) + count
    return counted


HOT_SPOTS = 15


def tailoring_hot_spots(session: Session, *, where: DashboardFilter) -> list[tuple[str, str, int, int]]:
    """The most tailored elements: (asset, element, records, projects), tailoring not rejected; one query."""
    return [tuple(row) for row in session.exec(
        select(ProcessAsset.title, TailoringRecord.element, func.count(),
               func.count(sa.distinct(TailoringRecord.project_id)))
        .join(AssetVersion, AssetVersion.id == TailoringRecord.asset_version_id)
        .join(ProcessAsset, ProcessAsset.id == AssetVersion.asset_id)
        .where(TailoringRecord.status != TailoringStatus.REJECTED, *where.period(TailoringRecord.tailored_on),
               *asset_scope(AssetVersion.asset_id, where), *project_scope(TailoringRecord.project_id, where))
        .group_by(ProcessAsset.title, TailoringRecord.element)
        .order_by(func.count().desc(), ProcessAsset.title, TailoringRecord.element).limit(HOT_SPOTS)).all()]


def _audit_results(where: DashboardFilter, *columns):
    """`columns` of the completed audits' results the filters keep."""
    return (select(*columns).select_from(AuditResult).join(ComplianceAudit, ComplianceAudit.id == AuditResult.audit_id)
            .join(AssetVersion, AssetVersion.id == AuditResult.asset_version_id)
            .where(ComplianceAudit.status == AuditStatus.COMPLETED, *where.period(ComplianceAudit.audit_date),
                   *asset_scope(AssetVersion.asset_id, where), *project_scope(ComplianceAudit.project_id, where)))


def compliance_over_time(session: Session, *, where: DashboardFilter) -> dict[str, dict[Compliance, int]]:
    """Completed audits' results per month of the audit: one query."""
    month = month_of(ComplianceAudit.audit_date)
    counted: dict[str, dict[Compliance, int]] = {}
    for when, result, count in session.exec(_audit_results(where, month, AuditResult.result, func.count())
                                            .group_by(month, AuditResult.result).order_by(month)).all():
        counted.setdefault(when, {})[result] = count
    return counted


def compliance_by_asset(session: Session, *, where: DashboardFilter) -> dict[str, dict[Compliance, int]]:
    """Completed audits' results per asset: one query."""
    counted: dict[str, dict[Compliance, int]] = {}
    for title, result, count in session.exec(
            _audit_results(where, ProcessAsset.title, AuditResult.result, func.count())
            .join(ProcessAsset, ProcessAsset.id == AssetVersion.asset_id)
            .group_by(ProcessAsset.title, AuditResult.result).order_by(ProcessAsset.title)).all():
        counted.setdefault(title, {})[result] = count
    return counted


COMPLIANCE_PROJECTS = 30  # the projects with the most audit results


def compliance_by_project(session: Session, *, where: DashboardFilter) -> dict[str, dict[Compliance, int]]:
    """Completed audits' results per project (the most audited first): one query."""
    audited = (_audit_results(where, ComplianceAudit.project_id).group_by(ComplianceAudit.project_id)
               .order_by(func.count().desc(), ComplianceAudit.project_id).limit(COMPLIANCE_PROJECTS).subquery())
    counted: dict[str, dict[Compliance, int]] = {}
    for code, result, count in session.exec(
            _audit_results(where, Project.code, AuditResult.result, func.count())
            .join(Project, Project.id == ComplianceAudit.project_id)
            .where(ComplianceAudit.project_id.in_(select(audited.c.project_id)))
            .group_by(Project.code, AuditResult.result).order_by(Project.code)).all():
        counted.setdefault(code, {})[result] = count
    return counted


def lessons_by_status(session: Session, *, where: DashboardFilter) -> dict[tuple[LessonStatus, Polarity], int]:
    """Lessons (logged in the period, of the project, area or asset) by status and polarity: one query."""
    clauses = [*where.period(day_of(Lesson.created_at)), *project_scope(Lesson.project_id, where)]
    if where.asset_id is not None:
        clauses.append(Lesson.asset_id == where.asset_id)
    if where.area_id:
        clauses.append(Lesson.area_id == where.area_id)
    return {(status, polarity): count for status, polarity, count in session.exec(
        select(Lesson.status, Lesson.polarity, func.count()).where(*clauses)
        .group_by(Lesson.status, Lesson.polarity)).all()}


# --- Appraisals ---

def ratings(session: Session, *, where: DashboardFilter) -> Ratings:
    """Ratings of each process area across the completed appraisals that rate (SCAMPI A; the last ten): two
    queries."""
    appraisals = session.exec(select(Appraisal.id, Appraisal.title, Appraisal.completed_on)
                              .where(Appraisal.status == AppraisalStatus.COMPLETED,
                                     Appraisal.method.in_(RATING_METHODS))
                              .order_by(Appraisal.completed_on.desc(), Appraisal.id.desc()).limit(10)).all()[::-1]
    statement = (select(Rating.area_id, ProcessArea.code, Rating.appraisal_id, Rating.value, Rating.capability_level)
                 .join(ProcessArea, ProcessArea.id == Rating.area_id)
                 .where(Rating.appraisal_id.in_([appraisal_id for appraisal_id, *_ in appraisals]))
                 .order_by(ProcessArea.code))
    if where.area_id:
        statement = statement.where(Rating.area_id == where.area_id)
    rows = session.exec(statement).all()
    return Ratings(list(appraisals), list(dict.fromkeys((area_id, code) for area_id, code, *_ in rows)),
                   {(area_id, appraisal_id): (value, level) for area_id, _, appraisal_id, value, level in rows})
