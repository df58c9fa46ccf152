"""Lessons learned (SP 3.4) and feedback on process assets from the projects that use them."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from tracker.assets.models import AssetVersion, ProcessAsset
from tracker.auth.models import User
from tracker.compliance.models import ComplianceAudit
from tracker.db import UTCDateTime, enum_type, utcnow, version_column, versioned
from tracker.deployments.models import Deployment
from tracker.enums import Labelled
from tracker.pilots.models import Pilot
from tracker.process_areas.models import ProcessArea
from tracker.projects.models import Project
from tracker.proposals.models import Proposal


class LessonStatus(Labelled):
    NEW = "new"
    REVIEWED = "reviewed"
    INCORPORATED = "incorporated"
    CONVERTED = "converted"
    ARCHIVED = "archived"


class Polarity(Labelled):
    POSITIVE = "positive"
    NEGATIVE = "negative"


_version = version_column()


class Lesson(SQLModel, table=True):
    __table_args__ = (sa.Index("ix_lesson_created", "created_at", "id"),)  # the list's order
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    project_id: int | None = Field(default=None, foreign_key="project.id", index=True)
    area_id: int | None = Field(default=None, foreign_key="process_area.id", index=True)
    asset_id: int | None = Field(default=None, foreign_key="process_asset.id", index=True)
    # what it was learned from, when the tracker has it: a pilot, a deployment, a compliance audit
    pilot_id: int | None = Field(default=None, foreign_key="pilot.id", index=True)
    deployment_id: int | None = Field(default=None, foreign_key="deployment.id", index=True)
    audit_id: int | None = Field(default=None, foreign_key="compliance_audit.id", index=True)
    context: str = Field(default="", max_length=4000)
    what_happened: str = Field(max_length=4000)
    recommendation: str = Field(default="", max_length=4000)
    polarity: Polarity = Field(sa_type=enum_type(Polarity))
    status: LessonStatus = Field(default=LessonStatus.NEW, sa_type=enum_type(LessonStatus), index=True)
    incorporated_version_id: int | None = Field(default=None, foreign_key="asset_version.id")
    proposal_id: int | None = Field(default=None, foreign_key="proposal.id")
    review_note: str = Field(default="", max_length=4000)
    author_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_version)

    project: Project | None = Relationship()
    area: ProcessArea | None = Relationship()
    asset: ProcessAsset | None = Relationship()
    incorporated_version: AssetVersion | None = Relationship()
    proposal: Proposal | None = Relationship()
    author: User = Relationship()
    pilot: Pilot | None = Relationship()
    deployment: Deployment | None = Relationship()
    audit: ComplianceAudit | None = Relationship()

    __mapper_args__ = versioned(_version)


class AssetFeedback(SQLModel, table=True):
    """A project's rating of an asset it uses, with a comment."""

    __tablename__ = "asset_feedback"
    id: int | None = Field(default=None, primary_key=True)
    asset_id: int = Field(foreign_key="process_asset.id", index=True, ondelete="CASCADE")
    asset_version_id: int | None = Field(default=None, foreign_key="asset_version.id")
    project_id: int | None = Field(default=None, foreign_key="project.id")
    rating: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=2000)
    author_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    author: User = Relationship()
    asset: ProcessAsset = Relationship()
    project: Project | None = Relationship()
    asset_version: AssetVersion | None = Relationship()
