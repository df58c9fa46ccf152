"""Tailoring records (SP 3.2): how a project adapts the standard processes, and the review of it."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from tracker.assets.models import AssetVersion
from tracker.auth.models import User
from tracker.db import UTCDateTime, enum_type, utcnow, version_column, versioned
from tracker.enums import Labelled
from tracker.projects.models import Project


class TailoringType(Labelled):
    OMIT = "omit"
    MODIFY = "modify"
    ADD = "add"
    SUBSTITUTE = "substitute"


class TailoringStatus(Labelled):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"


_version = version_column()


class TailoringRecord(SQLModel, table=True):
    __tablename__ = "tailoring_record"
    __table_args__ = (sa.Index("ix_tailoring_record_tailored", "tailored_on", "id"),)  # the list's order

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    asset_version_id: int = Field(foreign_key="asset_version.id", index=True)
    element: str = Field(max_length=200)  # the step, section or work product tailored
    type: TailoringType = Field(sa_type=enum_type(TailoringType))
    rationale: str = Field(max_length=4000)
    tailored_on: date
    review_by: date | None = None
    requester_id: int = Field(foreign_key="user.id")
    status: TailoringStatus = Field(default=TailoringStatus.REQUESTED, sa_type=enum_type(TailoringStatus), index=True)
    reviewer_id: int | None = Field(default=None, foreign_key="user.id")
    review_comment: str = Field(default="", max_length=4000)
    reviewed_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_version)

    project: Project = Relationship()
    asset_version: AssetVersion = Relationship()
    requester: User = Relationship(sa_relationship_kwargs={"foreign_keys": "TailoringRecord.requester_id"})
    reviewer: User | None = Relationship(sa_relationship_kwargs={"foreign_keys": "TailoringRecord.reviewer_id"})

    __mapper_args__ = versioned(_version)


_settings_version = version_column()


class TailoringSettings(SQLModel, table=True):
    """How many projects must tailor the same element out before it shows as a pattern."""

    __tablename__ = "tailoring_settings"
    id: int | None = Field(default=None, primary_key=True)
    pattern_threshold: int = 3
    version: int = Field(default=1, sa_column=_settings_version)

    __mapper_args__ = versioned(_settings_version)
