"""Input models for business objectives and their measurements."""

from pydantic import ValidationInfo, field_validator

from tracker.validation import (
    Day,
    FormModel,
    Id,
    Number,
    Person,
    Version,
    later_or_same,
    not_after_today,
    text,
)


class ObjectiveInput(FormModel):
    name: text(200)
    kpi: text(200)
    unit: text(40, required=False) = ""
    baseline: Number
    baseline_on: Day | None = None
    target: Number
    target_date: Day
    owner_id: Person
    description: text(4000, required=False) = ""
    active: bool = False
    version: Version | None = None

    _measured = field_validator("baseline_on")(not_after_today("A baseline is measured: it is not dated ahead."))
    _after_baseline = field_validator("target_date")(later_or_same(
        "baseline_on", "The target date must come after the baseline date."))

    @field_validator("target")
    @classmethod
    def _somewhere_to_go(cls, target: float, info: ValidationInfo) -> float:
        if target == info.data.get("baseline"):
            raise ValueError("the target is where the KPI should get to: it differs from the baseline")
        return target


class MeasurementInput(FormModel):
    objective_id: Id | None = None  # chosen when a plan's result is recorded against one of its objectives
    measured_on: Day
    value: Number
    source: text(200)

    _happened = field_validator("measured_on")(not_after_today("A measurement is dated when it was taken: "
                                                               "not ahead."))
