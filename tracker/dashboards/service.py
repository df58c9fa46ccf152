"""What the dashboards chart, aggregated in SQL: a fixed number of queries whatever the data size."""

from dataclasses import dataclass

from sqlmodel import Session, func, select

from tracker.assets.models import AssetArea, AssetVersion
from tracker.dashboards.charts import ProjectProgress
from tracker.deployments.models import ProjectDeployment
from tracker.deployments.status import superseded
from tracker.projects.models import Phase, Project, ProjectStatus


@dataclass(frozen=True)
class DashboardFilter:
    asset_id: int | None = None
    area_id: int | None = None
    phase: Phase | None = None
    sort: str = "completeness"


def deployment_progress(session: Session, *, where: DashboardFilter) -> list[ProjectProgress]:
    """Each active project's current deployment rows (the newest of each asset) counted by status: one query."""
    statement = (select(Project.id, Project.code, Project.name, ProjectDeployment.status, func.count())
                 .join(ProjectDeployment, ProjectDeployment.project_id == Project.id)
                 .join(AssetVersion, AssetVersion.id == ProjectDeployment.asset_version_id)
                 .where(Project.status == ProjectStatus.ACTIVE, ~superseded())
                 .group_by(Project.id, Project.code, Project.name, ProjectDeployment.status))
    if where.asset_id:
        statement = statement.where(AssetVersion.asset_id == where.asset_id)
    if where.area_id:
        statement = statement.where(AssetVersion.asset_id.in_(
            select(AssetArea.asset_id).where(AssetArea.area_id == where.area_id)))
    if where.phase:
        statement = statement.where(Project.phase == where.phase)
    found: dict[int, ProjectProgress] = {}
    for project_id, code, name, status, count in session.exec(statement).all():
        found.setdefault(project_id, ProjectProgress(project_id, code, name, {})).counts[status] = count
    return list(found.values())
