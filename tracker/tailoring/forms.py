"""Input models for tailoring records, their review and the pattern threshold."""

from typing import Annotated

from pydantic import Field, field_validator

from tracker.tailoring.models import TailoringStatus, TailoringType
from tracker.validation import (
    Day,
    FormModel,
    ProjectRef,
    Version,
    VersionRef,
    later_or_same,
    not_after_today,
    text,
)


class TailoringFields(FormModel):
    """A tailoring record as its forms give it, but for its project (fixed once logged)."""
    asset_version_id: VersionRef
    element: text(200)
    type: TailoringType
    rationale: text(4000)
    tailored_on: Day
    review_by: Day | None = None

    _decided = field_validator("tailored_on")(not_after_today("A tailoring decision is dated when it was made: "
                                                              "today at the latest."))
    _review_after = field_validator("review_by")(
        later_or_same("tailored_on", "the review date cannot be before the tailoring date"))


class TailoringInput(TailoringFields):
    project_id: ProjectRef


class TailoringCorrection(TailoringFields):
    version: Version


class TailoringReviewInput(FormModel):
    to: TailoringStatus
    rationale: text(4000, required=False) = ""
    version: Version


class ThresholdInput(FormModel):
    pattern_threshold: Annotated[int, Field(ge=2, le=1000)]
    version: Version
