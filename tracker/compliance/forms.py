"""Input models for compliance audits, their results and noncompliances."""

from datetime import date

from pydantic import field_validator
from werkzeug.datastructures import MultiDict

from tracker.compliance.models import AuditStatus, Compliance, NoncomplianceStatus
from tracker.errors import ValidationError
from tracker.validation import FormModel, Id, Version, parse, text


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


class AuditResultInput(FormModel):
    """One row of the results form: the result for one asset version in scope (blank: not graded yet)."""

    result: Compliance | None = None
    notes: text(2000, required=False) = ""


def parse_results(form: MultiDict) -> dict[int, AuditResultInput]:
    """The results form's rows, `result_<version id>` and `notes_<version id>`, each parsed by AuditResultInput;
    every row's errors at once, named after the row's fields."""
    rows: dict[int, AuditResultInput] = {}
    errors: dict[str, str] = {}
    for key in form:
        field, _, raw_id = key.partition("_")
        if field != "result" or not raw_id.isdigit() or int(raw_id) >= 2**31:
            continue
        try:
            rows[int(raw_id)] = parse(AuditResultInput, MultiDict({"result": form[key],
                                                                   "notes": form.get(f"notes_{raw_id}", "")}))
        except ValidationError as error:
            errors |= {f"{name}_{raw_id}": message for name, message in error.errors.items()}
    if errors:
        raise ValidationError(errors)
    return rows


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
