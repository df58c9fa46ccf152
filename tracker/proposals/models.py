"""Process improvement proposals, where they came from, and the talk about them."""

from datetime import date, datetime
from enum import StrEnum
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from tracker.assets.models import ProcessAsset
from tracker.auth.models import User
from tracker.db import UTCDateTime, enum_type, utcnow, version_column, versioned
from tracker.enums import Labelled
from tracker.objectives.models import BusinessObjective
from tracker.process_areas.models import ProcessArea


class ProposalSource(Labelled):
    APPRAISAL_FINDING = "appraisal_finding"
    LESSON_LEARNED = "lesson_learned"
    PROJECT_FEEDBACK = "project_feedback"
    MEASUREMENT = "measurement"
    BENCHMARKING = "benchmarking"
    CUSTOMER_SATISFACTION = "customer_satisfaction"
    COMPLIANCE_AUDIT = "compliance_audit"
    TAILORING_PATTERN = "tailoring_pattern"
    OTHER = "other"


class SourceEntity(StrEnum):
    """The kinds of record in this tracker a proposal can name as its source (see proposals/sources.py)."""

    LESSON = "lesson"
    NONCOMPLIANCE = "noncompliance"
    ASSET_FEEDBACK = "asset_feedback"
    PROCESS_ASSET = "process_asset"  # a tailoring pattern: the asset whose element projects tailor out
    FINDING = "finding"  # an appraisal's weakness or improvement opportunity


class ProposalStatus(Labelled):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    ESCALATED = "escalated"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DEFERRED = "deferred"
    PLANNED = "planned"
    IMPLEMENTED = "implemented"
    CLOSED = "closed"
    DUPLICATE = "duplicate"


# Statuses in which the submitter may still edit their own proposal.
EDITABLE_BY_SUBMITTER = frozenset({ProposalStatus.SUBMITTED})
# Statuses in which the proposal is finished with: only the workflow changes it then, never the edit form.
FINAL = frozenset({ProposalStatus.REJECTED, ProposalStatus.CLOSED, ProposalStatus.DUPLICATE})
EDITABLE = frozenset(ProposalStatus) - FINAL


class ProposalArea(SQLModel, table=True):
    __tablename__ = "proposal_area"
    proposal_id: int = Field(foreign_key="proposal.id", primary_key=True, ondelete="CASCADE")
    area_id: int = Field(foreign_key="process_area.id", primary_key=True, ondelete="CASCADE", index=True)


class ProposalAsset(SQLModel, table=True):
    __tablename__ = "proposal_asset"
    __table_args__ = (sa.Index("ix_proposal_asset_asset", "asset_id"),)  # an asset's proposals
    proposal_id: int = Field(foreign_key="proposal.id", primary_key=True, ondelete="CASCADE")
    asset_id: int = Field(foreign_key="process_asset.id", primary_key=True, ondelete="CASCADE")


class ProposalObjective(SQLModel, table=True):
    __tablename__ = "proposal_objective"
    proposal_id: int = Field(foreign_key="proposal.id", primary_key=True, ondelete="CASCADE")
    objective_id: int = Field(foreign_key="business_objective.id", primary_key=True, ondelete="CASCADE", index=True)


_version = version_column()


class Proposal(SQLModel, table=True):
    # The dashboards count proposals by these without reading the wide rows (covering indexes).
    __table_args__ = (sa.Index("ix_proposal_flow", "source", "status", "created_at"),
                      # a status's proposals by priority (the board's columns, a status-filtered list): read in order
                      sa.Index("ix_proposal_status_priority", "status", "priority_score", "id"),
                      # the list's order (by priority, ties by id the same way): read from the index either way
                      sa.Index("ix_proposal_priority", "priority_score", "id"),
                      sa.Index("ix_proposal_status_created", "status", "created_at"),
                      sa.Index("ix_proposal_created_at", "created_at"),
                      sa.Index("ix_proposal_decided_on", "decided_on"),
                      sa.Index("ix_proposal_source_record", "source_entity", "source_id"))  # raised from a record
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    problem: str = Field(max_length=4000)
    proposed_change: str = Field(max_length=4000)
    source: ProposalSource = Field(sa_type=enum_type(ProposalSource), index=True)
    source_ref: str = Field(default="", max_length=200)  # e.g. "SCAMPI B 2026, weakness W-3"
    source_entity: str | None = Field(default=None, max_length=40)  # a record in this tracker, when one exists
    source_id: int | None = None
    expected_benefit: int = Field(ge=1, le=5)
    estimated_effort: int = Field(ge=1, le=5)
    priority_score: int = 0
    status: ProposalStatus = Field(default=ProposalStatus.SUBMITTED, sa_type=enum_type(ProposalStatus), index=True)
    decision_rationale: str = Field(default="", max_length=4000)
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    decided_on: date | None = None
    escalated_on: date | None = None  # when it last went to the steering committee
    submitter_id: int = Field(foreign_key="user.id", index=True)
    duplicate_of_id: int | None = Field(default=None, foreign_key="proposal.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_version)

    submitter: User = Relationship(sa_relationship_kwargs={"foreign_keys": "Proposal.submitter_id"})
    decided_by: User | None = Relationship(sa_relationship_kwargs={"foreign_keys": "Proposal.decided_by_id"})
    duplicate_of: Optional["Proposal"] = Relationship(sa_relationship_kwargs={"remote_side": "Proposal.id"})
    areas: list[ProcessArea] = Relationship(link_model=ProposalArea,
                                            sa_relationship_kwargs={"order_by": "ProcessArea.code"})
    assets: list[ProcessAsset] = Relationship(link_model=ProposalAsset,
                                              sa_relationship_kwargs={"order_by": "ProcessAsset.title"})
    objectives: list[BusinessObjective] = Relationship(
        link_model=ProposalObjective, sa_relationship_kwargs={"order_by": "BusinessObjective.name"})

    __mapper_args__ = versioned(_version)


class ProposalEvidence(SQLModel, table=True):
    """Another record behind a proposal, attached after it was raised (the one it was raised from is its
    source_entity/source_id): a lesson, a noncompliance, a finding, a piece of feedback (proposals.sources)."""
    __tablename__ = "proposal_evidence"
    __table_args__ = (sa.Index("ix_proposal_evidence_entity", "entity", "entity_id"),)
    proposal_id: int = Field(foreign_key="proposal.id", primary_key=True, ondelete="CASCADE")
    entity: str = Field(max_length=40, primary_key=True)  # a SourceEntity value
    entity_id: int = Field(primary_key=True)
    linked_by_id: int = Field(foreign_key="user.id")
    linked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProposalComment(SQLModel, table=True):
    __tablename__ = "proposal_comment"

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True, ondelete="CASCADE")
    author_id: int = Field(foreign_key="user.id")
    body: str = Field(max_length=4000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    author: User = Relationship()


_weights_version = version_column()


class PriorityWeights(SQLModel, table=True):
    """How much benefit, objective alignment and (low) effort count in a proposal's priority score."""

    __tablename__ = "priority_weights"

    id: int | None = Field(default=None, primary_key=True)
    benefit: int = 5
    alignment: int = 3
    effort: int = 2
    version: int = Field(default=1, sa_column=_weights_version)

    __mapper_args__ = versioned(_weights_version)
