"""Deployments of asset versions to projects (SP 3.1, 3.2) and the deployment status of each project."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from tracker.action_plans.models import ActionPlan
from tracker.assets.models import AssetVersion, ProcessAsset, ReviewOutcome
from tracker.auth.models import User
from tracker.db import UTCDateTime, enum_type, utcnow, version_column, versioned
from tracker.enums import Labelled
from tracker.evidence.models import Evidence
from tracker.projects.models import Project


class DeploymentVersion(SQLModel, table=True):
    __tablename__ = "deployment_version"
    deployment_id: int = Field(foreign_key="deployment.id", primary_key=True, ondelete="CASCADE")
    asset_version_id: int = Field(foreign_key="asset_version.id", primary_key=True, ondelete="CASCADE", index=True)


_deployment_version = version_column()


class Deployment(SQLModel, table=True):
    """A plan to take asset versions to target projects: what, when, how, with which training and support."""

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    approach: str = Field(default="", max_length=4000)  # how: rollout steps, who helps
    training_required: bool = False
    training_material: str = Field(default="", max_length=2000)  # links or references
    support_material: str = Field(default="", max_length=2000)
    target_date: date
    plan_id: int | None = Field(default=None, foreign_key="action_plan.id")
    override_reason: str = Field(default="", max_length=2000)  # why piloted versions deploy without an adopt
    created_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_deployment_version)

    asset_versions: list[AssetVersion] = Relationship(link_model=DeploymentVersion,
                                                      sa_relationship_kwargs={"order_by": "AssetVersion.id"})
    plan: ActionPlan | None = Relationship()
    created_by: User = Relationship()
    materials: list[Evidence] = Relationship(sa_relationship_kwargs={
        "order_by": "Evidence.id", "cascade": "all, delete-orphan", "passive_deletes": True})

    __mapper_args__ = versioned(_deployment_version)


class RowStatus(Labelled):
    NOT_STARTED = "not_started"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DEPLOYED = "deployed"
    VERIFIED = "verified"
    NOT_APPLICABLE = "not_applicable"


IN_USE = frozenset({RowStatus.DEPLOYED, RowStatus.VERIFIED})

_row_version = version_column()


class ProjectDeployment(SQLModel, table=True):
    """The deployment status of one asset version on one project: "the deployment status of each project"."""

    __tablename__ = "project_deployment"
    __table_args__ = (sa.UniqueConstraint("deployment_id", "project_id", "asset_version_id"),
                      sa.Index("ix_project_deployment_project_version", "project_id", "asset_version_id"),
                      # the current rows counted per project and status (the dashboards), from the index alone
                      sa.Index("ix_project_deployment_current", "current", "project_id", "status", "asset_version_id"),
                      # a deployment's rows counted per status (the deployments list's progress), from the index alone
                      sa.Index("ix_project_deployment_deployment_status", "deployment_id", "status"))

    id: int | None = Field(default=None, primary_key=True)
    deployment_id: int = Field(foreign_key="deployment.id", ondelete="CASCADE")
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    asset_version_id: int = Field(foreign_key="asset_version.id", index=True)
    status: RowStatus = Field(default=RowStatus.PLANNED, sa_type=enum_type(RowStatus), index=True)
    reason: str = Field(default="", max_length=2000)  # why not applicable
    notes: str = Field(default="", max_length=2000)
    planned_date: date | None = None
    started_on: date | None = None
    deployed_on: date | None = None
    verified_on: date | None = None
    # The project's row for the asset that counts: its newest version's, the latest planned of it. Older rows of
    # the same project and asset are superseded (status.mark_current keeps this true when rows are added).
    current: bool = True
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_row_version)

    deployment: Deployment = Relationship()
    project: Project = Relationship()
    asset_version: AssetVersion = Relationship()
    evidence: list[Evidence] = Relationship(sa_relationship_kwargs={
        "order_by": "Evidence.id", "cascade": "all, delete-orphan", "passive_deletes": True})

    __mapper_args__ = versioned(_row_version)


class DeploymentTally(SQLModel, table=True):
    """How many current status rows a project has in a status: what the deployment charts count, read without
    scanning every project's rows. Kept by status.recount after every write that changes the rows (rows added,
    a row moved); an absent pair is none."""

    __tablename__ = "deployment_tally"
    project_id: int = Field(foreign_key="project.id", primary_key=True, ondelete="CASCADE")
    status: RowStatus = Field(sa_type=enum_type(RowStatus), primary_key=True)
    rows: int


_entry_version = version_column()


class StandardSetEntry(SQLModel, table=True):
    """An asset in the organization's standard set for new projects, and the guideline for deploying it."""

    __tablename__ = "standard_set_entry"
    id: int | None = Field(default=None, primary_key=True)
    asset_id: int = Field(foreign_key="process_asset.id", sa_column_kwargs={"unique": True}, ondelete="CASCADE")
    phases: str = Field(default="", max_length=200)  # lifecycle phases it applies to, comma-separated; "" = all
    guidance: str = Field(default="", max_length=4000)
    version: int = Field(default=1, sa_column=_entry_version)

    asset: ProcessAsset = Relationship()

    __mapper_args__ = versioned(_entry_version)

    def applies_to(self, phase: str) -> bool:
        return not self.phases or phase in self.phases.split(",")


_schedule_version = version_column()


class StandardSetSchedule(SQLModel, table=True):
    """When the organization next reviews its standard set (one row)."""

    __tablename__ = "standard_set_schedule"
    id: int | None = Field(default=None, primary_key=True)
    review_on: date | None = None
    version: int = Field(default=1, sa_column=_schedule_version)

    __mapper_args__ = versioned(_schedule_version)

    def needs_review(self, today: date) -> bool:
        return self.review_on is not None and self.review_on <= today


class StandardSetReview(SQLModel, table=True):
    """A review of the whole standard set: still what new projects should get, or something must change."""

    __tablename__ = "standard_set_review"
    id: int | None = Field(default=None, primary_key=True)
    reviewed_on: date
    outcome: ReviewOutcome = Field(sa_type=enum_type(ReviewOutcome))
    notes: str = Field(default="", max_length=4000)
    next_review_on: date
    reviewer_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    reviewer: User = Relationship()


class TrainingAttendee(SQLModel, table=True):
    __tablename__ = "training_attendee"
    training_id: int = Field(foreign_key="training_session.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE", index=True)


class TrainingProject(SQLModel, table=True):
    __tablename__ = "training_project"
    training_id: int = Field(foreign_key="training_session.id", primary_key=True, ondelete="CASCADE")
    project_id: int = Field(foreign_key="project.id", primary_key=True, index=True, ondelete="CASCADE")


class TrainingSession(SQLModel, table=True):
    """A training session a deployment held (SP 3.1): when, on which of its versions, for which of its projects
    (one, or every project it had then: a project added later was not trained by it), and who attended."""

    __tablename__ = "training_session"

    id: int | None = Field(default=None, primary_key=True)
    deployment_id: int = Field(foreign_key="deployment.id", index=True, ondelete="CASCADE")
    asset_version_id: int = Field(foreign_key="asset_version.id", index=True)
    held_on: date
    notes: str = Field(default="", max_length=2000)
    recorded_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    asset_version: AssetVersion = Relationship()
    projects: list[Project] = Relationship(link_model=TrainingProject, sa_relationship_kwargs={"order_by": "Project.code"})
    attendees: list[User] = Relationship(link_model=TrainingAttendee, sa_relationship_kwargs={"order_by": "User.name"})
