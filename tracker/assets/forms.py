"""Input models for process assets and their versions."""

from pydantic import Field, field_validator

from tracker.assets.models import AssetKind, ReviewOutcome, VersionStatus
from tracker.validation import (
    Day,
    FormModel,
    Id,
    Person,
    Version,
    not_after_today,
    text,
    web_address,
    whole_number,
)


class AssetInput(FormModel):
    title: text(200)
    kind: AssetKind
    owner_id: Person
    description: text(4000, required=False) = ""
    area_ids: list[Id] = Field(default_factory=list)
    review_interval_months: whole_number(1, 120) | None = None
    version: Version | None = None


class VersionInput(FormModel):
    """A draft version: what changed is said before anyone signs it off."""

    label: text(40)
    change_notes: text(4000)
    link: web_address(1000) = ""


class VersionCorrection(VersionInput):
    version: Version


class ApprovalInput(FormModel):
    comment: text(2000, required=False) = ""
    version: Version


class FileInput(FormModel):
    """The version the uploader saw (the file itself comes in the request's files)."""

    version: Version


class MoveInput(FormModel):
    to: VersionStatus
    version: Version


class AssetReviewInput(FormModel):
    reviewed_on: Day
    outcome: ReviewOutcome
    notes: text(4000, required=False) = ""

    _happened = field_validator("reviewed_on")(not_after_today("A review is dated when it was held: not ahead."))
