"""Input models for action plans and the work under them."""

from datetime import date
from typing import Literal

from pydantic import Field, field_validator

from tracker.action_plans.models import CommitmentStatus, IssueStatus, PlanStatus, Verdict
from tracker.validation import (
    CommitmentRef,
    Day,
    FormModel,
    Objectives,
    People,
    Person,
    Version,
    chosen,
    later_or_same,
    not_after_today,
    text,
    whole_number,
)


class PlanInput(FormModel):
    title: text(200)
    goal: text(4000)
    success_measure: text(200)
    success_target: text(100)
    strategy: text(4000, required=False) = ""
    owner_id: Person
    planned_start: Day
    planned_end: Day
    proposal_ids: chosen("A plan addresses at least one accepted proposal.", lookup="proposal")
    objective_ids: Objectives = Field(default_factory=list)
    joint_review_weeks: whole_number(1, 52) | None = None
    version: Version | None = None

    _ends_after_start = field_validator("planned_end")(later_or_same("planned_start", "the planned end cannot be before the planned start"))


class PlanMoveInput(FormModel):
    to: PlanStatus
    rationale: text(4000, required=False) = ""
    success_actual: text(100, required=False) = ""
    result_notes: text(4000, required=False) = ""
    version: Version


class TeamMemberInput(FormModel):
    user_id: Person
    team_role: text(80)


class ReviewInput(FormModel):
    verdict: Verdict
    comment: text(4000, required=False) = ""


class CommitmentInput(FormModel):
    description: text(500)
    owner_id: Person
    due_date: Day
    version: Version | None = None  # when correcting one: the version the form showed



class TermsInput(FormModel):
    """Other terms for a commitment (a counter-offer, or a renegotiation): what, by when, and why."""
    description: text(500)
    due_date: Day
    reason: text(2000)
    version: Version


class AnswerInput(FormModel):
    """The awaited party's answer to a commitment's pending terms."""
    answer: Literal["agree", "decline"]
    comment: text(2000, required=False) = ""
    version: Version

    @classmethod
    def raw_errors(cls, data: dict) -> dict[str, str]:
        return {"comment": "Say why you decline: the other party reads it."} if (
            data.get("answer") == "decline" and not data.get("comment", "").strip()) else {}


class LinkInput(FormModel):
    depends_on_id: CommitmentRef


class CommitmentMoveInput(FormModel):
    to: CommitmentStatus
    version: Version


class IssueInput(FormModel):
    title: text(200)
    description: text(4000, required=False) = ""
    owner_id: Person
    version: Version | None = None  # when correcting one: the version the form showed


class IssueMoveInput(FormModel):
    to: IssueStatus
    rationale: text(4000, required=False) = ""  # the resolution, when resolving
    version: Version


FOLLOWUP_ROWS = 3


class JointReviewFields(FormModel):
    """A joint review as its forms give it."""
    held_on: Day
    summary: text(4000)
    decisions: text(4000, required=False) = ""
    attendee_ids: People = Field(default_factory=list)

    _held = field_validator("held_on")(not_after_today("Record a joint review once it has been held."))


class JointReviewCorrection(JointReviewFields):
    """What correcting a recorded review changes (its follow-ups are commitments, corrected on their own)."""
    version: Version


class JointReviewInput(JointReviewFields):
    # Follow-up commitments made at the review: up to three rows, blank rows ignored.
    f1_description: text(500, required=False) = ""
    f1_owner_id: Person | None = None
    f1_due: Day | None = None
    f2_description: text(500, required=False) = ""
    f2_owner_id: Person | None = None
    f2_due: Day | None = None
    f3_description: text(500, required=False) = ""
    f3_owner_id: Person | None = None
    f3_due: Day | None = None

    _after_review = field_validator("f1_due", "f2_due", "f3_due")(
        later_or_same("held_on", "A follow-up is due on or after the review it came from."))

    @classmethod
    def raw_errors(cls, data: dict) -> dict[str, str]:
        """A follow-up row given in part names what it lacks, whatever else is wrong with the form."""
        errors = {}
        for row in range(1, FOLLOWUP_ROWS + 1):
            names = [f"f{row}_{name}" for name in ("description", "owner_id", "due")]
            if any(data.get(name) for name in names):
                errors |= {name: "A follow-up needs a description, an owner and a due date."
                           for name in names if not data.get(name)}
        return errors

    def followups(self) -> list[tuple[int, str, int | None, date | None]]:
        """(row, description, owner id, due date) of the rows that say anything."""
        rows = []
        for row in range(1, FOLLOWUP_ROWS + 1):
            description, owner, due = (getattr(self, f"f{row}_{name}") for name in ("description", "owner_id", "due"))
            if description or owner or due:
                rows.append((row, description, owner, due))
        return rows
