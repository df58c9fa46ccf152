"""Pilots: trying new or changed asset versions on a few projects before deploying them widely."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from tracker.action_plans.models import ActionPlan
from tracker.assets.models import AssetVersion
from tracker.auth.models import User
from tracker.db import UTCDateTime, enum_type, utcnow, version_column, versioned
from tracker.enums import Labelled
from tracker.projects.models import Project


class PilotStatus(Labelled):
    PLANNED = "planned"
    RUNNING = "running"
    EVALUATING = "evaluating"
    DECIDED = "decided"


EDITABLE = frozenset({PilotStatus.PLANNED, PilotStatus.RUNNING, PilotStatus.EVALUATING})


class PilotDecision(Labelled):
    ADOPT = "adopt"
    ADOPT_WITH_CHANGES = "adopt_with_changes"
    REJECT = "reject"
    EXTEND = "extend"


ADOPTING = frozenset({PilotDecision.ADOPT, PilotDecision.ADOPT_WITH_CHANGES})


class PilotAssetVersion(SQLModel, table=True):
    __tablename__ = "pilot_asset_version"
    pilot_id: int = Field(foreign_key="pilot.id", primary_key=True, ondelete="CASCADE")
    asset_version_id: int = Field(foreign_key="asset_version.id", primary_key=True, ondelete="CASCADE", index=True)


class PilotProject(SQLModel, table=True):
    __tablename__ = "pilot_project"
    pilot_id: int = Field(foreign_key="pilot.id", primary_key=True, ondelete="CASCADE")
    project_id: int = Field(foreign_key="project.id", primary_key=True, ondelete="CASCADE", index=True)


_version = version_column()


class Pilot(SQLModel, table=True):
    __table_args__ = (sa.Index("ix_pilot_start", "start_date", "id"),)  # the pilots list's order, newest first

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="action_plan.id", index=True)
    title: str = Field(max_length=200)
    measure: str = Field(max_length=200)
    baseline: str = Field(default="", max_length=100)
    target: str = Field(max_length=100)
    actual: str = Field(default="", max_length=100)
    results: str = Field(default="", max_length=4000)
    start_date: date
    end_date: date
    status: PilotStatus = Field(default=PilotStatus.PLANNED, sa_type=enum_type(PilotStatus), index=True)
    decision: PilotDecision | None = Field(default=None, sa_type=enum_type(PilotDecision), nullable=True)
    decision_rationale: str = Field(default="", max_length=4000)
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    decided_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_version)

    plan: ActionPlan = Relationship()
    asset_versions: list[AssetVersion] = Relationship(link_model=PilotAssetVersion,
                                                      sa_relationship_kwargs={"order_by": "AssetVersion.id"})
    projects: list[Project] = Relationship(link_model=PilotProject, sa_relationship_kwargs={"order_by": "Project.code"})
    decided_by: User | None = Relationship()

    __mapper_args__ = versioned(_version)
