"""What the landing page counts, in a fixed handful of queries."""

from dataclasses import dataclass

from sqlmodel import Session, func, select

from tracker.assets.models import AssetVersion, ProcessAsset, VersionStatus
from tracker.auth.models import ProjectLead
from tracker.projects.models import Project, ProjectStatus


@dataclass(frozen=True)
class Summary:
    active_projects: int
    assets: int
    released_versions: int
    draft_versions: int
    my_projects: list[Project]


def summary(session: Session, *, user) -> Summary:
    """Counts for the landing page and the projects this user leads."""
    active = session.exec(select(func.count()).select_from(Project)
                          .where(Project.status == ProjectStatus.ACTIVE)).one()
    assets = session.exec(select(func.count()).select_from(ProcessAsset)).one()
    by_status = dict(session.exec(select(AssetVersion.status, func.count()).group_by(AssetVersion.status)).all())
    mine = list(session.exec(select(Project).join(ProjectLead, ProjectLead.project_id == Project.id)
                             .where(ProjectLead.user_id == user.id).order_by(Project.code)).all())
    return Summary(active, assets, by_status.get(VersionStatus.RELEASED, 0), by_status.get(VersionStatus.DRAFT, 0),
                   mine)
