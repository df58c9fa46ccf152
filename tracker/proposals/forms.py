"""Input models for proposals, their moves, comments and the priority weights."""

from typing import Annotated

from pydantic import Field

from tracker.proposals.models import ProposalSource, ProposalStatus, SourceEntity
from tracker.validation import Assets, FormModel, Id, Objectives, ProposalRef, Version, text

Scale = Annotated[int, Field(ge=1, le=5)]
Weight = Annotated[int, Field(ge=0, le=10)]


class ProposalInput(FormModel):
    title: text(200)
    problem: text(4000)
    proposed_change: text(4000)
    source: ProposalSource
    source_ref: text(200, required=False) = ""
    source_entity: SourceEntity | None = None  # a record in this tracker it came from, with source_id
    source_id: Id | None = None
    area_ids: list[Id] = Field(default_factory=list)
    asset_ids: Assets = Field(default_factory=list)
    objective_ids: Objectives = Field(default_factory=list)
    expected_benefit: Scale
    estimated_effort: Scale
    version: Version | None = None


class ProposalMoveInput(FormModel):
    to: ProposalStatus
    rationale: text(4000, required=False) = ""
    duplicate_of_id: ProposalRef | None = None
    version: Version


class CommentInput(FormModel):
    body: text(4000)


class WeightsInput(FormModel):
    benefit: Weight
    alignment: Weight
    effort: Weight
    version: Version


class AttachSourceInput(FormModel):
    """A record attached to a proposal already raised: the proposal's number."""

    proposal_id: Id
