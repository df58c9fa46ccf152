"""The organization's list of projects and the deployment status of each (SP 3.2), drift after a release,
and the CSV export. Plain rows in, plain rows out; a fixed number of queries per page."""

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, func, select

from tracker.assets.models import AssetVersion, ProcessAsset, versions_of
from tracker.db import Page, paginate
from tracker.deployments.models import IN_USE, DeploymentTally, ProjectDeployment, RowStatus
from tracker.listing import stream
from tracker.projects.models import Phase, Project, ProjectStatus, led_by
from tracker.sql import contains


@dataclass(frozen=True)
class StatusFilter:
    q: str = ""
    phase: Phase | None = None
    project_status: ProjectStatus | None = ProjectStatus.ACTIVE
    status: RowStatus | None = None  # only projects with a cell in this status (a current row: what the matrix shows)
    lead_id: int | None = None  # a lead's view: only the projects they lead
    asset_id: int | None = None  # one asset's column, its rows counted and exported (0: a filter naming nothing)


@dataclass(frozen=True)
class Cell:
    """What one project runs of one asset: the newest version it has a row for, and that row."""

    row_id: int
    status: RowStatus
    label: str
    version_id: int


def _projects(where: StatusFilter):
    statement = select(Project).order_by(Project.code)
    if where.q:
        statement = statement.where(contains(where.q, Project.code, Project.name))
    if where.phase:
        statement = statement.where(Project.phase == where.phase)
    if where.project_status:
        statement = statement.where(Project.status == where.project_status)
    if where.status and where.asset_id is None:  # a cell the matrix shows is in that status: the project's tally
        statement = statement.where(Project.id.in_(select(DeploymentTally.project_id).where(
            DeploymentTally.status == where.status, DeploymentTally.rows > 0)))
    elif where.status:  # the asset's cell is
        statement = statement.where(Project.id.in_(select(ProjectDeployment.project_id).where(
            ProjectDeployment.status == where.status, ProjectDeployment.current,
            ProjectDeployment.asset_version_id.in_(versions_of(where.asset_id)))))
    if where.lead_id:
        statement = statement.where(Project.id.in_(
            led_by(where.lead_id)))
    return statement


def cells(session: Session, project_ids: list[int], asset_ids: list[int]) -> dict[tuple[int, int], Cell]:
    """(project id, asset id) -> its current row: the newest version's, the latest planned of it."""
    rows = session.exec(select(ProjectDeployment.project_id, AssetVersion.asset_id, ProjectDeployment.id,
                               ProjectDeployment.status, AssetVersion.label, AssetVersion.id)
                        .join(AssetVersion, AssetVersion.id == ProjectDeployment.asset_version_id)
                        .where(ProjectDeployment.project_id.in_(project_ids), AssetVersion.asset_id.in_(asset_ids),
                               ProjectDeployment.current)).all()
    return {(project, asset): Cell(row, status, label, version) for project, asset, row, status, label, version in rows}


def superseded() -> sa.Exists:
    """The row has a later one for the same project and asset (a newer version, or the same version planned again):
    the matrix shows the later one, and the counts skip this one. Correlated with ProjectDeployment alone."""
    later, later_version, this_version = aliased(ProjectDeployment), aliased(AssetVersion), aliased(AssetVersion)
    return (select(later.id).join(later_version, later_version.id == later.asset_version_id)
            .where(this_version.id == ProjectDeployment.asset_version_id,
                   later.project_id == ProjectDeployment.project_id, later_version.asset_id == this_version.asset_id,
                   sa.or_(later.asset_version_id > ProjectDeployment.asset_version_id,
                          sa.and_(later.asset_version_id == ProjectDeployment.asset_version_id,
                                  later.id > ProjectDeployment.id)))
            .exists())


def mark_current(session: Session, *, project_ids: list[int]) -> None:
    """After rows are added to these projects: `current` is true on each project's newest row of each asset only
    (one UPDATE, over these projects' rows), and their tallies are recounted. Every page and chart reads the flag,
    not the rule."""
    session.exec(sa.update(ProjectDeployment).where(ProjectDeployment.project_id.in_(project_ids))
                 .values(current=~superseded()).execution_options(synchronize_session=False))
    recount(session, project_ids=project_ids)


def lock_projects(session: Session, *, project_ids) -> None:
    """Before a write to these projects' status rows: their project rows locked, in id order, until the commit. Every
    writer of status rows takes it first (before any INSERT, UPDATE or DELETE of a row), so two writers on one
    project queue instead of deadlocking, and the second recounts after the first committed."""
    project_ids = sorted(set(project_ids))
    if project_ids:
        session.exec(select(Project.id).where(Project.id.in_(project_ids)).order_by(Project.id)
                     .with_for_update()).all()


def recount(session: Session, *, project_ids: list[int]) -> None:
    """After these projects' rows changed (added, moved, removed): their DeploymentTally counted again from the
    current rows (three statements, whatever the number of projects). The writer holds the projects' lock
    (lock_projects, taken again here: a no-op when held), so the count cannot miss another writer's row."""
    project_ids = sorted(set(project_ids))
    if not project_ids:
        return
    lock_projects(session, project_ids=project_ids)
    session.exec(sa.delete(DeploymentTally).where(DeploymentTally.project_id.in_(project_ids))
                 .execution_options(synchronize_session=False))
    session.exec(sa.insert(DeploymentTally).from_select(
        ["project_id", "status", "rows"],
        select(ProjectDeployment.project_id, ProjectDeployment.status, func.count())
        .where(ProjectDeployment.project_id.in_(project_ids), ProjectDeployment.current)
        .group_by(ProjectDeployment.project_id, ProjectDeployment.status)))


ASSET_COLUMNS = 12  # a page of the matrix is this many assets wide at most: the others a click away, the page's
# size fixed however many assets the organization deploys (567 at ten times the synthetic organization)


@dataclass(frozen=True)
class Matrix:
    page: Page  # of projects
    assets: Page  # of the assets deployed anywhere: the columns
    cells: dict[tuple[int, int], Cell]
    counts: dict[RowStatus, int]


def matrix(session: Session, *, where: StatusFilter, page: int, size: int, columns: int = 1) -> Matrix:
    """A page of projects x a page of the assets deployed anywhere (in title order), with status counts over every
    matching project: from their tallies, or with an asset chosen, over its current rows."""
    projects = paginate(session, _projects(where), page=page, size=size)
    deployed = select(AssetVersion.id).where(  # per asset, stops at its first version with a row
        AssetVersion.asset_id == ProcessAsset.id,
        select(ProjectDeployment.id).where(ProjectDeployment.asset_version_id == AssetVersion.id).exists()).exists()
    shown = select(ProcessAsset).where(deployed).order_by(ProcessAsset.title, ProcessAsset.id)
    if where.asset_id is not None:
        shown = shown.where(ProcessAsset.id == where.asset_id)
    assets = paginate(session, shown, page=columns, size=ASSET_COLUMNS)
    matching = _projects(where).with_only_columns(Project.id).order_by(None)
    if where.asset_id is None:
        counted = (select(DeploymentTally.status, func.sum(DeploymentTally.rows))  # a row per project and status
                   .where(DeploymentTally.project_id.in_(matching)).group_by(DeploymentTally.status))
    else:
        counted = (select(ProjectDeployment.status, func.count())
                   .where(ProjectDeployment.asset_version_id.in_(versions_of(where.asset_id)),
                          ProjectDeployment.current, ProjectDeployment.project_id.in_(matching))
                   .group_by(ProjectDeployment.status))
    counts = dict(session.exec(counted).all())
    return Matrix(projects, assets, cells(session, [p.id for p in projects.items], [a.id for a in assets.items]),
                  counts)


EXPORT_HEADER = ["Project code", "Project", "Phase", "Asset", "Version", "Status", "Planned", "Started", "Deployed",
                 "Verified", "Reason", "Notes"]


def export(session: Session, *, where: StatusFilter) -> Iterator[list]:
    """Every status row of the matching projects, one line each, for the CSV export: plain columns, statuses read as
    their labels, streamed a batch at a time."""
    matching = _projects(where).with_only_columns(Project.id).order_by(None)
    return stream(session, sa.select(
        Project.code, Project.name, Project.phase, ProcessAsset.title, AssetVersion.label,
        ProjectDeployment.status, ProjectDeployment.planned_date, ProjectDeployment.started_on,
        ProjectDeployment.deployed_on, ProjectDeployment.verified_on, ProjectDeployment.reason, ProjectDeployment.notes)
        .join(Project, Project.id == ProjectDeployment.project_id)
        .join(AssetVersion, AssetVersion.id == ProjectDeployment.asset_version_id)
        .join(ProcessAsset, ProcessAsset.id == AssetVersion.asset_id)
        .where(Project.id.in_(matching), *([] if where.asset_id is None else [ProcessAsset.id == where.asset_id]))
        .order_by(Project.code, ProcessAsset.title, AssetVersion.id, ProjectDeployment.id))  # the id: ties in one order


@dataclass(frozen=True)
class Drift:
    project: Project
    running: AssetVersion  # the older version the project uses


def drift(session: Session, *, asset: ProcessAsset) -> list[Drift]:
    """Active projects that use an older version of the asset than its current release, and have no row
    for the current release yet."""
    current = asset.current_version
    if current is None:
        return []
    older = (select(ProjectDeployment.project_id, func.max(AssetVersion.id).label("version_id"))  # the newest in use
             .join(AssetVersion, AssetVersion.id == ProjectDeployment.asset_version_id)
             .where(AssetVersion.asset_id == asset.id, AssetVersion.id != current.id, ProjectDeployment.status.in_(IN_USE))
             .group_by(ProjectDeployment.project_id).subquery())
    on_current = select(ProjectDeployment.project_id).where(ProjectDeployment.asset_version_id == current.id)
    rows = session.exec(select(Project, AssetVersion).join(older, older.c.project_id == Project.id)
                        .join(AssetVersion, AssetVersion.id == older.c.version_id)
                        .where(Project.status == ProjectStatus.ACTIVE, Project.id.not_in(on_current))
                        .order_by(Project.code)).all()
    return [Drift(project, running) for project, running in rows]
