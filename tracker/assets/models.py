"""Organizational process assets and their versions."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from tracker.auth.models import User
from tracker.db import UTCDateTime, enum_type, utcnow, version_column, versioned
from tracker.enums import Labelled, spoken
from tracker.process_areas.models import ProcessArea


class AssetKind(Labelled):
    STANDARD_PROCESS = "standard_process"
    PROCEDURE = "procedure"
    TEMPLATE = "template"
    GUIDELINE = "guideline"
    CHECKLIST = "checklist"
    TRAINING_MATERIAL = "training_material"
    TOOL = "tool"


class AssetArea(SQLModel, table=True):
    __tablename__ = "asset_area"

    asset_id: int = Field(foreign_key="process_asset.id", primary_key=True, ondelete="CASCADE")
    area_id: int = Field(foreign_key="process_area.id", primary_key=True, ondelete="CASCADE")


class VersionStatus(Labelled):
    DRAFT = "draft"
    RELEASED = "released"
    RETIRED = "retired"


_asset_version = version_column()


class ProcessAsset(SQLModel, table=True):
    __tablename__ = "process_asset"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200, sa_column_kwargs={"unique": True})
    kind: AssetKind = Field(sa_type=enum_type(AssetKind), index=True)
    owner_id: int = Field(foreign_key="user.id", index=True)
    description: str = Field(default="", max_length=4000)
    review_interval_months: int | None = None  # how often its released version is reviewed; None: no cadence
    review_due_on: date | None = Field(default=None, index=True)  # kept by assets.service.reschedule
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_asset_version)

    owner: User = Relationship()
    areas: list[ProcessArea] = Relationship(link_model=AssetArea, sa_relationship_kwargs={"order_by": "ProcessArea.code"})
    versions: list["AssetVersion"] = Relationship(
        back_populates="asset", sa_relationship_kwargs={"order_by": "AssetVersion.id.desc()"})
    reviews: list["AssetReview"] = Relationship(
        sa_relationship_kwargs={"order_by": "(AssetReview.reviewed_on.desc(), AssetReview.id.desc())"})

    __mapper_args__ = versioned(_asset_version)

    def needs_review(self, today: date) -> bool:
        """Its released version's last review (or release) is older than the review interval."""
        return self.review_due_on is not None and self.review_due_on <= today

    @property
    def current_version(self) -> "AssetVersion | None":
        """The newest released version: what projects should be running."""
        released = [v for v in self.versions if v.status == VersionStatus.RELEASED]
        return max(released, key=lambda v: (v.release_date, v.id), default=None)


_version_version = version_column()


class AssetVersion(SQLModel, table=True):
    __tablename__ = "asset_version"
    __table_args__ = (sa.UniqueConstraint("asset_id", "label"),)

    id: int | None = Field(default=None, primary_key=True)
    asset_id: int = Field(foreign_key="process_asset.id", index=True, ondelete="CASCADE")
    label: str = Field(max_length=40)
    status: VersionStatus = Field(default=VersionStatus.DRAFT, sa_type=enum_type(VersionStatus))
    release_date: date | None = None
    change_notes: str = Field(default="", max_length=4000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_version_version)

    asset: ProcessAsset = Relationship(back_populates="versions")

    __mapper_args__ = versioned(_version_version)

    @property
    def name(self) -> str:
        """The asset and the label, as pickers and history show a version (the asset must be loaded)."""
        return f"{self.asset.title} {self.label}"


@spoken(no_change="Reviewed, no change")
class ReviewOutcome(Labelled):
    NO_CHANGE = "no_change"
    NEW_VERSION_NEEDED = "new_version_needed"


class AssetReview(SQLModel, table=True):
    """The owner's periodic review of an asset's released version: still fit, or a new version is needed."""

    __tablename__ = "asset_review"
    id: int | None = Field(default=None, primary_key=True)
    asset_id: int = Field(foreign_key="process_asset.id", index=True, ondelete="CASCADE")
    asset_version_id: int = Field(foreign_key="asset_version.id", ondelete="CASCADE")
    reviewed_on: date
    outcome: ReviewOutcome = Field(sa_type=enum_type(ReviewOutcome))
    notes: str = Field(default="", max_length=4000)
    reviewer_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    reviewer: User = Relationship()
    asset_version: AssetVersion = Relationship()
