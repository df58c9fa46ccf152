"""Every table model, imported in one place so metadata (and Alembic) sees them all."""

from tracker.assets.models import AssetArea, AssetVersion, ProcessAsset
from tracker.audit.models import AuditEvent
from tracker.auth.models import ProjectLead, User
from tracker.process_areas.models import ProcessArea
from tracker.projects.models import Project

__all__ = ["AssetArea", "AssetVersion", "AuditEvent", "ProcessArea", "ProcessAsset", "Project", "ProjectLead",
           "User"]
