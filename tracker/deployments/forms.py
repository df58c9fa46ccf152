"""Input models for deployments, status rows and the standard set."""


from typing import Literal

from pydantic import Field, field_validator

from tracker.assets.models import ReviewOutcome
from tracker.deployments.models import RowStatus
from tracker.evidence.models import EvidenceKind
from tracker.projects.models import Phase
from tracker.validation import (
    AssetRef,
    Day,
    FormModel,
    Id,
    Plan,
    Version,
    chosen,
    not_after_today,
    text,
    web_address,
)


class DeploymentFields(FormModel):
    """A deployment as its forms give it, but for the versions it deploys (fixed once planned)."""
    title: text(200)
    project_ids: chosen("Choose the target projects.", lookup="project")
    target_date: Day
    approach: text(4000, required=False) = ""
    training_required: bool = False
    training_material: text(2000, required=False) = ""
    support_material: text(2000, required=False) = ""
    plan_id: Plan | None = None
    override_reason: text(2000, required=False) = ""


class DeploymentInput(DeploymentFields):
    version_ids: chosen("Choose the asset versions to deploy.", lookup="version")


class DeploymentCorrection(DeploymentFields):
    """Correcting a planned deployment: its projects (gained or lost), dates, training and support; another
    version is another deployment."""
    version: Version


class RowMoveInput(FormModel):
    to: RowStatus
    rationale: text(2000, required=False) = ""  # the reason, for not applicable
    notes: text(2000, required=False) = ""
    evidence_link: web_address(1000) = ""  # evidence of adoption (with a file, or instead of one)
    version: Version


class TrainingInput(FormModel):
    """A training session the deployment held: the version taught, the project (none: all of its projects)."""

    held_on: Day
    asset_version_id: Id
    project_id: Id | None = None
    attendee_ids: chosen("Name who attended.", lookup="person")
    notes: text(2000, required=False) = ""

    _held = field_validator("held_on")(not_after_today("A session is recorded once held: not dated ahead."))


class MaterialInput(FormModel):
    """Training or support material for a deployment: a note, and a link and/or a file (in the request's files)."""

    kind: Literal[EvidenceKind.TRAINING_MATERIAL, EvidenceKind.SUPPORT_MATERIAL]
    note: text(2000, required=False) = ""
    link: web_address(1000) = ""


class StandardSetInput(FormModel):
    asset_id: AssetRef
    phases: list[Phase] = Field(default_factory=list)
    guidance: text(4000, required=False) = ""


class OverrideInput(FormModel):
    """A one-step deployment (standard set, drift): the reason, if a piloted version has no adopt decision."""

    override_reason: text(2000, required=False) = ""


class SetReviewInput(FormModel):
    reviewed_on: Day
    outcome: ReviewOutcome
    notes: text(4000, required=False) = ""
    next_review_on: Day

    _happened = field_validator("reviewed_on")(not_after_today("A review is dated when it was held: not ahead."))


class ReviewDateInput(FormModel):
    review_on: Day
    version: Version
