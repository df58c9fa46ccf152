"""Input models for pilots and their decisions."""


from pydantic import Field, field_validator

from tracker.pilots.models import PilotDecision, PilotStatus
from tracker.validation import Day, FormModel, Plan, Projects, Version, chosen, later_or_same, text


class PilotInput(FormModel):
    plan_id: Plan
    title: text(200)
    version_ids: chosen("Choose the asset versions on trial.", lookup="version")
    project_ids: Projects = Field(default_factory=list)
    measure: text(200)
    baseline: text(100, required=False) = ""
    target: text(100)
    actual: text(100, required=False) = ""
    results: text(4000, required=False) = ""
    start_date: Day
    end_date: Day
    version: Version | None = None

    _ends_after_start = field_validator("end_date")(later_or_same("start_date", "the end date cannot be before the start date"))


class PilotMoveInput(FormModel):
    to: PilotStatus
    decision: PilotDecision | None = None
    rationale: text(4000, required=False) = ""
    version: Version
