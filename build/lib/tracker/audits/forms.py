"""Input models for compliance audits, their results and noncompliances."""

from datetime import date

from pydantic import field_validator

from tracker.audits.models import AuditStatus, NoncomplianceStatus
from tracker.validation import FormModel, Id, Version, text


def _plausible(value: date | None) -> date | None:
    if value is not None and not 1900 <= value.year <= 2200:
        raise ValueError("enter a date between 1900 and 2200")
    return value


class AuditInput(FormModel):
    project_id: Id
    audit_date: date
    auditor_id: Id
    scope_notes: text(4000, required=False) = ""

    _date = field_validator("audit_date")(_plausible)


class AuditMoveInput(FormModel):
    to: AuditStatus
    rationale: text(4000, required=False) = ""
    summary: text(4000, required=False) = ""
    version: Version


class NoncomplianceInput(FormModel):
    description: text(2000)
    owner_id: Id
    due_date: date
    asset_version_id: Id | None = None

    _due = field_validator("due_date")(_plausible)


class NoncomplianceMoveInput(FormModel):
    to: NoncomplianceStatus
    rationale: text(4000, required=False) = ""
    version: Version
