"""Importing a file: upload it, map its columns to a kind's fields (the mapping last used for the kind offered
first), then run it. A run reads every row as its form would and writes it through the kind's own service
functions, each row in a savepoint, all in one transaction: the preview is a run rolled back (so it shows every
error the import would meet, beside its row), and the import is a run committed only when no row failed.
A row's external key (a column mapped as the key, else its row number in a file of that name) remembers the record
it became, so importing again updates that record instead of making another."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import commit, flush, utcnow
from tracker.errors import DomainError, NotFound, ValidationError
from tracker.history.models import AuditEvent
from tracker.history.service import record_create
from tracker.imports.kinds import TARGETS, Target, as_form
from tracker.imports.models import BatchState, ImportBatch, ImportedRecord, ImportKind, ImportMapping
from tracker.imports.read import Table, read_table
from tracker.validation import parse

KEY = "__key__"  # the mapping's name for the external key's column
PREVIEW_ROWS = 50  # rows shown beside the errors


@dataclass
class RowResult:
    number: int
    cells: list[str]
    action: str = ""  # "create" or "update"
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    rows: list[RowResult] = field(default_factory=list)  # the failed rows, then the first others
    created: int = 0
    updated: int = 0
    failed: int = 0
    stopped_at: int | None = None  # a row whose error undid the whole run: the rows after it were not read

    @property
    def ok(self) -> bool:
        return not self.failed and self.stopped_at is None


def upload(session: Session, *, kind: ImportKind, filename: str, content: bytes, by: User) -> ImportBatch:
    """Keep a file to import once it reads as a table; its columns mapped as the kind's last import mapped them."""
    authorize(by, "import.run")
    table = read_table(content)
    batch = ImportBatch(kind=kind, filename=filename[:255] or "upload", content=content, uploaded_by_id=by.id,
                        mapping=json.dumps(guess_mapping(session, kind, table.header)))
    session.add(batch)
    flush(session)
    record_create(session, batch, by=by, fields={"kind": kind, "filename": batch.filename})
    commit(session)
    return batch


def get_batch(session: Session, *, batch_id: int) -> ImportBatch:
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFound("No such import.")
    return batch


def table_of(batch: ImportBatch) -> Table:
    return read_table(batch.content)


def guess_mapping(session: Session, kind: ImportKind, header: list[str]) -> dict[str, str]:
    """Each column's field: as the kind's last import mapped a column of that name, else the field it names."""
    remembered = session.get(ImportMapping, kind)
    before = json.loads(remembered.mapping) if remembered else {}
    fields = TARGETS[kind].fields
    by_name = {name.casefold(): name for name in fields} | {label.casefold(): name for name, label in fields.items()}
    by_name |= {"key": KEY, "id": KEY, "external key": KEY}
    return {column: before.get(column) or by_name.get(column.strip().casefold(), "") for column in header}


def check_mapping(kind: ImportKind, header: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """The mapping as chosen, or the errors that stop it: a field filled by two columns, a required one by none."""
    target = TARGETS[kind]
    chosen = {column: mapping.get(column, "") for column in header}
    errors: dict[str, str] = {}
    for column, name in chosen.items():
        if name and name != KEY and name not in target.fields:
            errors[column] = "Choose one of the listed fields."
    used = [name for name in chosen.values() if name]
    for column, name in chosen.items():
        if name and used.count(name) > 1:
            errors[column] = "Another column fills this field too."
    missing = [target.fields[name] for name in sorted(target.required) if name not in used]
    if missing:
        errors["__all__"] = f"Map a column to each required field: {', '.join(missing)}."
    if errors:
        raise ValidationError(errors)
    return chosen


def run(session: Session, *, batch: ImportBatch, mapping: dict[str, str], by: User, keep: bool) -> Outcome:
    """Read and write every row of the batch through the kind's services; keep it all (`keep`, and no row failed)
    or none of it. The mapping is remembered for the kind when the import is kept."""
    authorize(by, "import.run", batch)
    table = table_of(batch)
    mapping = check_mapping(batch.kind, table.header, mapping)
    target = TARGETS[batch.kind]
    outcome = Outcome()
    # A statement before the first savepoint, so that SQLite's driver has begun the transaction they nest in.
    session.execute(sa.update(ImportBatch).where(ImportBatch.id == batch.id).values(mapping=json.dumps(mapping)))
    known = dict(session.exec(select(ImportedRecord.key, ImportedRecord.record_id)
                              .where(ImportedRecord.kind == batch.kind)).all())
    seen: dict[str, int] = {}
    with held(session):
        for number, cells in table.rows:
            values = {name: cells[i] for i, name in enumerate(mapping.values()) if name}
            key = values.pop(KEY, "").strip() or f"{batch.filename}, row {number}"
            result = RowResult(number=number, cells=cells)
            if key in seen:
                result.errors = {KEY: f"Row {seen[key]} has this key too."}
            else:
                seen[key] = number
                _write_row(session, target, batch, values, key, known, result, by)
            if session.info.get("held") == "undone":  # a row's error rolled everything back: nothing is left to keep
                outcome.stopped_at = number
            _count(outcome, result)
            if outcome.stopped_at is not None:
                break
    if keep and outcome.ok:
        batch.state, batch.imported_at = BatchState.IMPORTED, utcnow()
        batch.created, batch.updated = outcome.created, outcome.updated
        remembered = session.get(ImportMapping, batch.kind) or ImportMapping(kind=batch.kind)
        remembered.mapping, remembered.updated_at = json.dumps(mapping), utcnow()
        session.add_all([batch, remembered])
        commit(session)
    else:
        session.rollback()
    return outcome


def _write_row(session, target: Target, batch, values, key, known, result: RowResult, by) -> None:
    record_id = known.get(key)
    record = session.get(target.model_type, record_id) if record_id else None
    savepoint = session.begin_nested()
    try:
        if record is None:
            data = parse(target.model, as_form(session, target.model, values))
            record = target.create(session, data, by)
            result.action = "create"
        else:
            model = target.update_model or target.model
            data = parse(model, as_form(session, model, target.current(record) | values | {
                "version": record.version}))
            record = target.update(session, record, data, by)
            result.action = "update"
        session.add(AuditEvent(user_id=by.id, entity=record.__tablename__, entity_id=record.id, action="import",
                               field="", new=f"imported from {batch.filename}, row {result.number}"))
        if record_id != record.id:
            _remember(session, batch, key, record.id)
            known[key] = record.id
        savepoint.commit()
    except DomainError as error:
        if savepoint.is_active:
            savepoint.rollback()
        result.action = ""
        result.errors = error.errors if isinstance(error, ValidationError) else {"__all__": str(error)}


def _remember(session: Session, batch: ImportBatch, key: str, record_id: int) -> None:
    mark = session.exec(select(ImportedRecord).where(ImportedRecord.kind == batch.kind,
                                                     ImportedRecord.key == key)).first()
    mark = mark or ImportedRecord(kind=batch.kind, key=key, record_id=record_id, batch_id=batch.id)
    mark.record_id, mark.batch_id = record_id, batch.id
    session.add(mark)


def _count(outcome: Outcome, result: RowResult) -> None:
    if result.errors:
        outcome.failed += 1
        outcome.rows.insert(outcome.failed - 1, result)
    else:
        outcome.created += result.action == "create"
        outcome.updated += result.action == "update"
        if len(outcome.rows) - outcome.failed < PREVIEW_ROWS:
            outcome.rows.append(result)


@contextmanager
def held(session: Session) -> Iterator[None]:
    """The services' commits become flushes while the run holds the session: the run commits once, or not."""
    session.info["held"] = True
    try:
        yield
    finally:
        session.info.pop("held", None)
