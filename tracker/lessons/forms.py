"""Input models for lessons learned and asset feedback."""

from typing import Annotated

from pydantic import Field

from tracker.lessons.models import LessonStatus, Polarity
from tracker.validation import AssetRef, FormModel, Id, ProjectRef, Version, text


class LessonInput(FormModel):
    title: text(200)
    project_id: ProjectRef | None = None
    area_id: Id | None = None
    asset_id: AssetRef | None = None
    pilot_id: Id | None = None  # what it was learned from (offered when the lesson is logged from it)
    deployment_id: Id | None = None
    audit_id: Id | None = None
    context: text(4000, required=False) = ""
    what_happened: text(4000)
    recommendation: text(4000, required=False) = ""
    polarity: Polarity
    version: Version | None = None  # when correcting one: the version the form showed


class AttachInput(FormModel):
    """A lesson attached to a proposal already raised."""
    proposal_id: Id
    version: Version


class LessonMoveInput(FormModel):
    to: LessonStatus
    rationale: text(4000, required=False) = ""
    incorporated_version_id: Id | None = None
    version: Version


class FeedbackInput(FormModel):
    rating: Annotated[int, Field(ge=1, le=5)]
    comment: text(2000, required=False) = ""
    asset_version_id: Id | None = None
    project_id: ProjectRef | None = None
