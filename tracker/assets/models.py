"""Organizational process assets and their versions."""

import hashlib
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel, select

from tracker.auth.models import User
from tracker.auth.roles import Role
from tracker.content import FileColumns
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
    area_id: int = Field(foreign_key="process_area.id", primary_key=True, ondelete="CASCADE", index=True)


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


class AssetVersion(FileColumns, table=True):
    """A version of an asset, with its content: a file the tracker keeps (its name, type, size and SHA-256 here, its
    bytes in `ContentBlob` or the content directory, by checksum) and/or a link to where the organization keeps its
    documents. Released only once signed off (`VersionApproval`)."""

    __tablename__ = "asset_version"
    __table_args__ = (sa.UniqueConstraint("asset_id", "label"),)

    id: int | None = Field(default=None, primary_key=True)
    asset_id: int = Field(foreign_key="process_asset.id", index=True, ondelete="CASCADE")
    label: str = Field(max_length=40)
    status: VersionStatus = Field(default=VersionStatus.DRAFT, sa_type=enum_type(VersionStatus))
    release_date: date | None = None
    change_notes: str = Field(default="", max_length=4000)
    author_id: int | None = Field(default=None, foreign_key="user.id")  # who drafted it (unknown for old versions)
    link: str = Field(default="", max_length=1000)  # http(s) address of the document kept elsewhere
    # What a sign-off approves, kept by the mapper (below) so SQL can tell which sign-offs still count.
    fingerprint: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_version_version)

    asset: ProcessAsset = Relationship(back_populates="versions")
    author: User | None = Relationship()
    approvals: list["VersionApproval"] = Relationship(
        sa_relationship_kwargs={"order_by": "VersionApproval.id", "cascade": "all, delete-orphan"})

    __mapper_args__ = versioned(_version_version)

    @property
    def name(self) -> str:
        """The asset and the label, as pickers and history show a version (the asset must be loaded)."""
        return f"{self.asset.title} {self.label}"

    @property
    def has_content(self) -> bool:
        return bool(self.file_sha256 or self.link)

    def content_fingerprint(self) -> str:
        """What a sign-off approves: the label, change notes, link and file as they are now. An approval given to
        another fingerprint was given to an earlier draft and no longer counts."""
        return fingerprint_of(self.label, self.change_notes, self.link, self.file_sha256)

    def approval_as(self, capacity: "Capacity") -> "VersionApproval | None":
        """The approval in this capacity that holds for the version as it is now: given to its content as it is,
        by someone who still has that capacity (the asset's owner now; a member of the process group now). The
        asset, the approvals and their approvers' roles must be loaded."""
        now = self.content_fingerprint()

        def still(approval: "VersionApproval") -> bool:
            if capacity == Capacity.OWNER:
                return approval.approver_id == self.asset.owner_id
            return Role.PROCESS_GROUP in approval.approver.roles

        return next((a for a in self.approvals if a.capacity == capacity and a.fingerprint == now and still(a)), None)

    @property
    def signed_off(self) -> bool:
        return all(self.approval_as(capacity) for capacity in Capacity)


def fingerprint_of(label: str, change_notes: str, link: str, file_sha256: str) -> str:
    return hashlib.sha256("\0".join((label, change_notes, link, file_sha256)).encode()).hexdigest()


@sa.event.listens_for(AssetVersion, "before_insert")
@sa.event.listens_for(AssetVersion, "before_update")
def _keep_fingerprint(mapper, connection, version: AssetVersion) -> None:
    version.fingerprint = version.content_fingerprint()


@spoken(owner="Asset owner", process_group="Process group")
class Capacity(Labelled):
    """In what capacity a sign-off is given: both are needed, by two people, before a version is released."""

    OWNER = "owner"  # the asset's owner
    PROCESS_GROUP = "process_group"  # a process-group member other than the version's author


class VersionApproval(SQLModel, table=True):
    """A sign-off of a draft version as it was (`fingerprint`): who, when, in which capacity, with what comment."""

    __tablename__ = "version_approval"

    id: int | None = Field(default=None, primary_key=True)
    asset_version_id: int = Field(foreign_key="asset_version.id", index=True, ondelete="CASCADE")
    capacity: Capacity = Field(sa_type=enum_type(Capacity))
    approver_id: int = Field(foreign_key="user.id")
    comment: str = Field(default="", max_length=2000)
    fingerprint: str = Field(max_length=64)
    approved_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    approver: User = Relationship()


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


def versions_of(asset_id: int):
    """The ids of an asset's versions, as a subquery: `X.asset_version_id.in_(versions_of(asset.id))`."""
    return select(AssetVersion.id).where(AssetVersion.asset_id == asset_id)


# A version's name as `AssetVersion.name` says it ("Peer review procedure 1.2"), in SQL: a select that reads it joins
# the version's asset (`with_asset`).
VERSION_NAME = ProcessAsset.title + " " + AssetVersion.label


def with_asset(statement, version_id=AssetVersion.id):
    """The select joined to the version `version_id` names and its asset: what VERSION_NAME reads. Without
    `version_id`, the select is of versions (it starts from them)."""
    if version_id is AssetVersion.id:
        statement = statement.select_from(AssetVersion)
    else:
        statement = statement.join(AssetVersion, AssetVersion.id == version_id)
    return statement.join(ProcessAsset, ProcessAsset.id == AssetVersion.asset_id)
