"""Process-compliance audits (SP 3.3): results per asset version and noncompliances tracked to closure."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from tracker.assets.models import AssetVersion
from tracker.auth.models import User
from tracker.db import UTCDateTime, enum_type, utcnow, version_column, versioned
from tracker.enums import Labelled
from tracker.evidence.models import Evidence
from tracker.projects.models import Project


class AuditStatus(Labelled):
    PLANNED = "planned"
    COMPLETED = "completed"


_audit_version = version_column()


class ComplianceAudit(SQLModel, table=True):
    __tablename__ = "compliance_audit"
    __table_args__ = (sa.Index("ix_compliance_audit_date", "audit_date", "id"),)  # the list's order

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    audit_date: date
    auditor_id: int = Field(foreign_key="user.id")
    scope_notes: str = Field(default="", max_length=4000)
    summary: str = Field(default="", max_length=4000)
    status: AuditStatus = Field(default=AuditStatus.PLANNED, sa_type=enum_type(AuditStatus))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_audit_version)

    project: Project = Relationship()
    auditor: User = Relationship()
    results: list["AuditResult"] = Relationship(sa_relationship_kwargs={"cascade": "all, delete-orphan"})

    __mapper_args__ = versioned(_audit_version)


class Compliance(Labelled):
    COMPLIANT = "compliant"
    PARTIALLY = "partially"
    NON_COMPLIANT = "non_compliant"


class AuditResult(SQLModel, table=True):
    __tablename__ = "audit_result"
    __table_args__ = (sa.UniqueConstraint("audit_id", "asset_version_id"),)

    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="compliance_audit.id", index=True, ondelete="CASCADE")
    asset_version_id: int = Field(foreign_key="asset_version.id", index=True)
    result: Compliance = Field(sa_type=enum_type(Compliance))
    notes: str = Field(default="", max_length=2000)

    asset_version: AssetVersion = Relationship()
    evidence: list[Evidence] = Relationship(sa_relationship_kwargs={
        "order_by": "Evidence.id", "cascade": "all, delete-orphan", "passive_deletes": True})


class NoncomplianceStatus(Labelled):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


_nc_version = version_column()


class Noncompliance(SQLModel, table=True):
    __table_args__ = (sa.Index("ix_noncompliance_due", "due_date", "id"),)  # the list's order
    id: int | None = Field(default=None, primary_key=True)
    audit_id: int = Field(foreign_key="compliance_audit.id", index=True, ondelete="CASCADE")
    asset_version_id: int | None = Field(default=None, foreign_key="asset_version.id")
    description: str = Field(max_length=2000)
    owner_id: int = Field(foreign_key="user.id", index=True)
    due_date: date
    status: NoncomplianceStatus = Field(default=NoncomplianceStatus.OPEN, sa_type=enum_type(NoncomplianceStatus),
                                        index=True)
    resolution: str = Field(default="", max_length=4000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_nc_version)

    owner: User = Relationship()
    audit: ComplianceAudit = Relationship()
    asset_version: AssetVersion | None = Relationship()

    __mapper_args__ = versioned(_nc_version)
