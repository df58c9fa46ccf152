"""Input models for compliance audits, their results and noncompliances."""


from werkzeug.datastructures import MultiDict

from tracker.compliance.models import AuditStatus, Compliance, NoncomplianceStatus
from tracker.errors import ValidationError
from tracker.validation import (
    Day,
    FormModel,
    Id,
    Person,
    ProjectRef,
    Version,
    digits,
    parse,
    text,
    web_address,
)


class AuditInput(FormModel):
    project_id: ProjectRef
    audit_date: Day
    auditor_id: Person
    scope_notes: text(4000, required=False) = ""


class AuditCorrection(AuditInput):
    """Correcting a logged audit: its project (while nothing is recorded against it), date, auditor, notes, and
    the summary it was completed with; its results are corrected on the audit (reopened, once completed)."""
    summary: text(4000, required=False) = ""
    version: Version


class EvidenceInput(FormModel):
    """Evidence for one of the audit's results: a note, and a link and/or a file (in the request's files)."""

    result_id: Id | None = None  # required: checked with the link and file, so both errors show at once
    note: text(2000, required=False) = ""
    link: web_address(1000) = ""


class AuditResultInput(FormModel):
    """One row of the results form: the result for one asset version in scope (blank: not graded yet)."""

    result: Compliance | None = None
    notes: text(2000, required=False) = ""

    @classmethod
    def raw_errors(cls, data: dict) -> dict[str, str]:
        # A note says why a result is what it is: without a result it would be dropped unseen.
        return {"result": "Choose a result for this note."} if data.get("notes", "").strip() and not data.get(
            "result") else {}


def parse_results(form: MultiDict) -> dict[int, AuditResultInput]:
    """The results form's rows, `result_<version id>` and `notes_<version id>`, each parsed by AuditResultInput;
    every row's errors at once, named after the row's fields."""
    rows: dict[int, AuditResultInput] = {}
    errors: dict[str, str] = {}
    for key in form:
        field, _, raw_id = key.partition("_")
        if field != "result" or not digits(raw_id) or int(raw_id) >= 2**31:
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
    owner_id: Person
    due_date: Day
    asset_version_id: Id | None = None
    version: Version | None = None  # when correcting one: the version the form showed


class NoncomplianceMoveInput(FormModel):
    to: NoncomplianceStatus
    rationale: text(4000, required=False) = ""
    version: Version
