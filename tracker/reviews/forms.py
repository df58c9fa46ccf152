"""Input models for steering reviews: the meeting, its moves, the decisions taken in it and its action items."""

from typing import Literal

from pydantic import ValidationInfo, field_validator

from tracker.action_plans.forms import CommitmentInput
from tracker.reviews.models import MeetingStatus
from tracker.validation import Day, FormModel, Id, Plan, Version, chosen, later_or_same, text


class MeetingInput(FormModel):
    title: text(200)
    held_on: Day
    period_from: Day
    period_to: Day
    attendee_ids: chosen("Choose who attends.", lookup="person")
    version: Version | None = None

    _period = field_validator("period_to")(later_or_same("period_from", "The period must end after it begins."))

    @field_validator("period_to")
    @classmethod
    def _reviewed_by_then(cls, period_to, info: ValidationInfo):
        held_on = info.data.get("held_on")
        if held_on is not None and period_to > held_on:
            raise ValueError("the period under review must end by the day the review is held")
        return period_to


class MeetingMoveInput(FormModel):
    to: MeetingStatus
    minutes: text(8000, required=False) = ""  # closing: what was discussed and agreed
    rationale: text(4000, required=False) = ""  # cancelling: why
    version: Version


# The records the committee decides in a meeting, by the name the decision form gives them.
Decided = Literal["proposal", "action_plan", "pilot"]


class DecisionInput(FormModel):
    """One decision on one record: its workflow's move (and, for a pilot, the decision), with the reason."""
    entity: Decided
    record_id: Id
    to: text(40)
    decision: text(40, required=False) = ""
    rationale: text(4000, required=False) = ""
    version: Version


class ActionItemInput(CommitmentInput):
    """An action item: a commitment with an owner and a due date, on one of the plans or on none."""
    plan_id: Plan | None = None
