"""Input models for pilots and their decisions."""

from datetime import date

from pydantic import Field, ValidationInfo, field_validator

from tracker.pilots.models import PilotDecision, PilotStatus
from tracker.validation import FormModel, Id, Version, text


class PilotInput(FormModel):
    plan_id: Id
    title: text(200)
    version_ids: list[Id] = Field(default_factory=list)
    project_ids: list[Id] = Field(default_factory=list)
    measure: text(200)
    baseline: text(100, required=False) = ""
    target: text(100)
    actual: text(100, required=False) = ""
    results: text(4000, required=False) = ""
    start_date: date
    end_date: date
    version: Version | None = None

    @field_validator("start_date", "end_date")
    @classmethod
    def _plausible(cls, value: date) -> date:
        if not 1900 <= value.year <= 2200:
            raise ValueError("enter a date between 1900 and 2200")
        return value

    @field_validator("end_date")
    @classmethod
    def _ends_after_start(cls, value: date, info: ValidationInfo) -> date:
        start = info.data.get("start_date")
        if start is not None and value < start:
            raise ValueError("the end date cannot be before the start date")
        return value


class PilotMoveInput(FormModel):
    to: PilotStatus
    decision: PilotDecision | None = None
    rationale: text(4000, required=False) = ""
    version: Version
