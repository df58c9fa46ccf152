"""Input model for projects."""

import re

from pydantic import Field, field_validator

from tracker.projects.models import Phase, ProjectStatus
from tracker.validation import Day, FormModel, People, Version, later_or_same, text

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class ProjectInput(FormModel):
    code: text(20)
    name: text(200)
    description: text(4000, required=False) = ""
    phase: Phase
    status: ProjectStatus = ProjectStatus.ACTIVE
    start_date: Day
    end_date: Day | None = None
    lead_ids: People = Field(default_factory=list)
    version: Version | None = None

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not re.fullmatch(CODE_PATTERN, value):
            raise ValueError("use letters, digits, '.', '_' or '-' only, starting with a letter or digit")
        return value.upper()

    _ends_after_start = field_validator("end_date")(later_or_same("start_date", "the end date cannot be before the start date"))
