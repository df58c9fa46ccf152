"""Input models for appraisal plans, their moves, findings, ratings and reappraisal cadences."""


from pydantic import Field, field_validator

from tracker.appraisals.models import (
    AppraisalStatus,
    CadenceScope,
    FindingKind,
    Method,
    RatingValue,
    ReferenceModel,
)
from tracker.validation import (
    Day,
    FormModel,
    Id,
    People,
    Person,
    Projects,
    Version,
    later_or_same,
    text,
    whole_number,
)


class AppraisalInput(FormModel):
    title: text(200)
    reference_model: ReferenceModel
    method: Method
    sponsor_id: Person
    lead_appraiser_id: Person
    team_ids: People = Field(default_factory=list)
    project_ids: Projects = Field(default_factory=list)
    area_ids: list[Id] = Field(default_factory=list)
    scope_notes: text(4000, required=False) = ""
    resources: text(4000, required=False) = ""
    logistics: text(4000, required=False) = ""
    preparation_on: Day
    execution_on: Day
    reporting_on: Day
    aftercare_on: Day
    completion_on: Day
    version: Version | None = None

    # The timeline runs forward: each phase begins no earlier than the one before it.
    _execution = field_validator("execution_on")(later_or_same("preparation_on", "execution cannot begin before "
                                                                                 "preparation"))
    _reporting = field_validator("reporting_on")(later_or_same("execution_on", "reporting cannot begin before "
                                                                               "execution"))
    _aftercare = field_validator("aftercare_on")(later_or_same("reporting_on", "aftercare cannot begin before "
                                                                               "reporting"))
    _completion = field_validator("completion_on")(later_or_same("aftercare_on", "completion cannot come before "
                                                                                 "aftercare begins"))


class AppraisalMoveInput(FormModel):
    to: AppraisalStatus
    rationale: text(4000, required=False) = ""
    maturity_level: whole_number(1, 5) | None = None
    version: Version


class FindingInput(FormModel):
    kind: FindingKind
    area_id: Id
    project_id: Id | None = None
    statement: text(2000)
    evidence: text(4000, required=False) = ""


class RatingInput(FormModel):
    area_id: Id
    value: RatingValue
    capability_level: whole_number(0, 5) | None = None


Months = whole_number(1, 120)


class CadenceInput(FormModel):
    scope: CadenceScope
    area_id: Id | None = None
    months: Months


class CadenceMonthsInput(FormModel):
    months: Months
    version: Version


class QuestionInput(FormModel):
    area_id: Id
    text: text(1000)


class SeenInput(FormModel):
    """A button on a record: only the version the person saw (retire a question)."""
    version: Version


class ParticipantInput(FormModel):
    user_id: Person
    project_id: Id | None = None


class AnswerInput(FormModel):
    """One row of the questionnaire: a rating from 1 (never) to 5 (always), 0 for "don't know", or none: not
    answered (yet)."""
    rating: whole_number(0, 5) | None = None
    comment: text(2000, required=False) = ""
