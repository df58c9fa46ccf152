"""Attaching evidence or material to a record, in the caller's transaction: the file checked, scanned and kept,
the evidence in the history of the record it is attached to."""

from sqlmodel import Session, SQLModel

from tracker import content
from tracker.auth.models import User
from tracker.db import flush, get_or_not_found
from tracker.errors import ValidationError
from tracker.evidence.models import Evidence, EvidenceKind
from tracker.history.service import record_create, record_values

NOTHING = "Give a link, a file, or both."


def check_upload(name: str, data: bytes, link: str, rules: content.Rules, *, required: bool = True,
                 field: str = "file") -> content.Upload | None:
    """The upload, checked and scanned (not kept yet), or None when there is none; a link or a file is needed if
    `required`. A refusal is reported beside `field`."""
    if not name:
        if required and not link:
            raise ValidationError({field: NOTHING})
        return None
    try:
        upload = content.check(name, data, rules)
        content.scan(upload, rules)
    except ValidationError as refused:
        raise ValidationError({field: refused.errors["file"]}) from refused
    return upload


def attach(session: Session, *, to: SQLModel, kind: EvidenceKind, note: str, link: str,
           upload: content.Upload | None, by: User, rules: content.Rules,
           told: tuple[SQLModel, str] | None = None) -> Evidence:
    """Attach a note with a link and/or a checked file (check_upload) to `to` (a deployment, a status row or an
    audit result), keeping the file; the caller commits. `told`: the record whose history page tells of it and
    the field it names there (an audit result's: its audit's), when not `to` under the kind's name."""
    if upload is not None:
        content.keep(session, upload, rules)
    target = {"deployment": "deployment_id", "project_deployment": "row_id", "audit_result": "audit_result_id"}[
        to.__tablename__]
    evidence = Evidence(kind=kind, note=note, link=link, added_by_id=by.id, **{target: to.id},
                        **(content.as_fields(upload) if upload else {}))
    session.add(evidence)
    flush(session)
    record_create(session, evidence, by=by, fields={"kind": kind, "note": note, "link": link,
                                                    "file_name": evidence.file_name, "file_sha256": evidence.file_sha256})
    shown_on, field = told or (to, kind.label.lower())
    record_values(session, shown_on, by=by, changed={field[:60]: (None, evidence.title)})
    return evidence


def get_evidence(session: Session, *, evidence_id: int) -> Evidence:
    return get_or_not_found(session, Evidence, evidence_id, missing="No such evidence.")
