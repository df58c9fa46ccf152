"""Importing a file: upload it, map its columns to a kind's fields (the mapping last used for the kind offered
first), then run it. A run reads every row as its form would and writes it through the kind's own service
functions, all in one transaction: new records many at once (every one checked before any is written), a row that
updates its record in a savepoint of its own. The check is a run rolled back (so it shows every error the import
would meet, beside its row); the import is a run committed only when no row failed. A row's external key (a column
mapped as the key; else the field that names a record uniquely, as a project's code; else its row number in a file
of that name) remembers the record it became, so importing again updates that record instead of making another."""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import defer, selectinload
from sqlmodel import Session, select

from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import commit, flush, utcnow
from tracker.errors import DomainError, ManyInvalid, NotFound, ValidationError
from tracker.history.service import record_create, record_create_many
from tracker.imports.kinds import TARGETS, Target, as_form, in_import_words
from tracker.imports.models import BatchState, ImportBatch, ImportedRecord, ImportKind, ImportMapping
from tracker.imports.read import Table
from tracker.imports.redmine import DATE_ORDERS, Row, date_order
from tracker.validation import FormModel, parse

KEY = "__key__"  # the mapping's name for the external key's column
PREVIEW_ROWS = 50  # rows shown beside the errors


@dataclass
class RowResult:
    number: int
    cells: list[str]
    action: str = ""  # "create" or "update"
    record_id: int | None = None  # the record it updates
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
    table = TARGETS[kind].read(content)
    batch = ImportBatch(kind=kind, filename=filename[:255] or "upload", content=content, uploaded_by_id=by.id,
                        mapping=json.dumps(guess_mapping(session, kind, table)))
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


def mapping_of(batch: ImportBatch) -> dict:
    """The batch's mapping as last chosen: each column's field, each translated field's table."""
    chosen = json.loads(batch.mapping or "{}")
    return {"columns": chosen.get("columns", {}), "values": chosen.get("values", {}),
            "dates": chosen.get("dates", "mdy")}


def table_of(batch: ImportBatch) -> Table:
    return TARGETS[batch.kind].read(batch.content)


def guess_mapping(session: Session, kind: ImportKind, table: Table) -> dict:
    """Each column's field (as the kind's last import mapped a column of that name, else the field it names), and
    the translations of a file's words into a field's values (as the last import chose, else the kind's own)."""
    remembered = session.get(ImportMapping, kind)
    before = json.loads(remembered.mapping) if remembered else {}
    target = TARGETS[kind]
    by_name = {name.casefold(): name for name in target.fields} | {
        spelling.casefold(): name for name, label in target.fields.items() for spelling in _spellings(label)}
    by_name |= {"key": KEY, "id": KEY, "external key": KEY, "#": KEY}
    columns = {column: before.get("columns", {}).get(column) or by_name.get(column.strip().casefold(), "")
               for column in table.header}
    values = {name: {text: str(value) for text, value in table_.items()} | before.get("values", {}).get(name, {})
              for name, table_ in target.translations.items()}
    return {"columns": columns, "values": values, "dates": date_order(table) if target.dated else "mdy"}


def _spellings(label: str) -> list[str]:
    """The column names a label answers to: itself, without its parenthesis, and each name inside it ("Comments
    (Journals, Last notes)": also "Comments", "Journals" and "Last notes")."""
    inside = re.search(r"\((.*)\)$", label)
    return [label, re.sub(r"\s*\(.*\)$", "", label), *(inside.group(1).split(", ") if inside else [])]


def translated_texts(target: Target, table: Table, columns: dict[str, str], most: int = 30) -> dict[str, list[str]]:
    """For each translated field a column fills, the texts the file holds there (each once, in the order met)."""
    found: dict[str, list[str]] = {}
    for position, name in enumerate(columns.values()):
        if name in target.translations:
            texts = dict.fromkeys(cells[position].strip() for _, cells in table.rows if cells[position].strip())
            found[name] = list(texts)[:most]
    return found


def check_mapping(kind: ImportKind, header: list[str], mapping: dict) -> dict:
    """The mapping as chosen, or the errors that stop it: a field filled by two columns, a required one by none, a
    translation to a value the field does not have."""
    target = TARGETS[kind]
    chosen = {column: mapping.get("columns", {}).get(column, "") for column in header}
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
    values = {name: {str(text).casefold(): str(value) for text, value in table.items()}
              for name, table in mapping.get("values", {}).items() if name in target.translations}
    for name, table in values.items():
        allowed = {value for value, _ in target.options(name)}
        if any(value not in allowed for value in table.values()):
            errors[f"values-{name}"] = "Choose one of the listed options."
    dates = mapping.get("dates") or "mdy"
    if dates not in DATE_ORDERS:
        errors["dates"] = "Choose one of the listed options."
    if errors:
        raise ValidationError(errors)
    return {"columns": chosen, "values": values, "dates": dates}


def run(session: Session, *, batch: ImportBatch, mapping: dict, by: User, keep: bool) -> Outcome:
    """Read and write every row of the batch through the kind's services; keep it all (`keep`, and no row failed)
    or none of it. New records are made together by the kind's service (checked together, then a few statements
    for thousands of rows); a row whose key was imported before updates its record, in a savepoint of its own. The
    mapping is remembered for the kind when the import is kept."""
    authorize(by, "import.run", batch)
    table = table_of(batch)
    mapping = check_mapping(batch.kind, table.header, mapping)
    target = TARGETS[batch.kind]
    # A statement before the first savepoint, so that SQLite's driver has begun the transaction they nest in.
    session.execute(sa.update(ImportBatch).where(ImportBatch.id == batch.id).values(mapping=json.dumps(mapping)))
    known = dict(session.exec(select(ImportedRecord.key, ImportedRecord.record_id)
                              .where(ImportedRecord.kind == batch.kind)).all())
    records = _records(session, target, known.values())
    fields = list(mapping["columns"].values())
    results: list[RowResult] = []
    creating: list[tuple[RowResult, FormModel, dict, str]] = []
    done: list[tuple[RowResult, int, str]] = []  # each row written: its record and key
    seen: dict[str, int] = {}
    with held(session):
        for number, cells in table.rows:
            values = {name: cells[i] for i, name in enumerate(fields) if name}
            values = target.defaults | {name: mapping["values"].get(name, {}).get(text.strip().casefold(), text)
                                        for name, text in values.items() if text.strip() or name not in target.defaults}
            key = values.pop(KEY, "").strip() or _natural_key(target, values) or f"{batch.filename}, row {number}"
            result = RowResult(number=number, cells=cells)
            results.append(result)
            if number in table.overflow:
                result.errors = {"__all__": "This row has more cells than the first row names columns: name the "
                                            "column or empty the cells."}
                continue
            if key in seen:
                result.errors = {KEY: f"Row {seen[key]} has this key too."}
                continue
            seen[key] = number
            record = records.get(known[key]) if key in known else None
            if record is None:
                try:
                    creating.append((result, parse(target.model, as_form(session, target.model, values)), values, key))
                except ValidationError as error:
                    result.errors = error.errors
                continue
            row = Row(values, key, False, mapping["dates"])
            if (record_id := _write_row(session, target, record, row, result, by)) is not None:
                done.append((result, record_id, key))
            if session.info.get("held") == "undone":  # a row's error rolled everything back: nothing is left to keep
                return _outcome(target, results, stopped_at=number)
        done += _create_all(session, target, creating, by, mapping["dates"])
    _mark(session, batch, done, known, by)
    outcome = _outcome(target, results)
    if keep and outcome.ok:
        batch.state, batch.imported_at = BatchState.IMPORTED, utcnow()
        batch.created, batch.updated = outcome.created, outcome.updated
    else:
        session.rollback()
    _remember(session, batch, mapping)
    return outcome


def _remember(session: Session, batch: ImportBatch, mapping: dict) -> None:
    """The mapping a run used, kept with its file and for the kind's next file, whether the run was kept or not
    (checking, fixing the file and uploading it again is the usual way)."""
    batch = session.merge(batch)
    remembered = session.get(ImportMapping, batch.kind) or ImportMapping(kind=batch.kind)
    batch.mapping = remembered.mapping = json.dumps(mapping)
    remembered.updated_at = utcnow()
    session.add_all([batch, remembered])
    commit(session)


def _natural_key(target: Target, values: dict[str, str]) -> str:
    """A row's key when no column is the key: the field that names its record uniquely, where the kind has one (a
    project's code), so that its row may move in the file."""
    return f"{target.natural_key}: {values[target.natural_key].strip()}" if values.get(target.natural_key, "").strip() \
        and target.natural_key else ""


def _records(session: Session, target: Target, ids, chunk: int = 5000) -> dict[int, Any]:
    """The records earlier imports made (those still there), with what an update reads of them, a chunk at a time."""
    ids, model = sorted(ids), target.model_type
    return {record.id: record for start in range(0, len(ids), chunk) for record in session.exec(
        select(model).where(model.id.in_(ids[start:start + chunk])).options(*target.load)).all()}


def _create_all(session: Session, target: Target, creating: list, by: User, dates: str) -> list[tuple[RowResult, int, str]]:
    """The new records of rows read without error, made together; each refused one's errors beside its row."""
    if not creating:
        return []
    try:
        ids = target.create(session, [data for _, data, _, _ in creating], by)
    except ManyInvalid as refused:
        for n, errors in refused.errors.items():
            creating[n][0].errors = errors
        return []
    made = []
    for (result, _, values, key), record_id in zip(creating, ids, strict=True):
        try:
            if target.then is not None:  # (a row it refuses stays written until the whole run is rolled back)
                target.then(session, session.get(target.model_type, record_id), Row(values, key, True, dates), by=by)
        except ValidationError as error:
            result.errors = error.errors
            continue
        result.action = "create"
        made.append((result, record_id, key))
    return made


def _write_row(session: Session, target: Target, record, row: Row, result: RowResult, by: User) -> int | None:
    """A row that updates its record, through the kind's service in a savepoint: the record's id, or None with the
    row's errors. A row as it was imported is left as it is."""
    savepoint = session.begin_nested()
    try:
        result.record_id = record.id
        model = target.update_model or target.model
        now = target.current(record) | {"version": record.version}
        data = parse(model, as_form(session, model, now | row.values))
        if _as_compared(data) != _as_compared(parse(model, as_form(session, model, now))):
            record = target.update(session, record, data, by)
        result.action = "update"
        if target.then is not None:
            target.then(session, record, row, by=by)
        savepoint.commit()
        return record.id
    except DomainError as error:
        if savepoint.is_active:
            savepoint.rollback()
        result.action = ""
        result.errors = error.errors if isinstance(error, ValidationError) else {"__all__": str(error)}
        return None


def _as_compared(data: FormModel) -> dict:
    """An input's values, those that take several in any order (a row lists areas as it likes)."""
    return {name: sorted(value) if isinstance(value, list) else value for name, value in data.model_dump().items()}


def _mark(session: Session, batch: ImportBatch, done: list[tuple[RowResult, int, str]], known: dict, by: User) -> None:
    """Each written row's history ("imported from FILE, row N") and its key's record, for the next import."""
    target = TARGETS[batch.kind]
    record_create_many(session, entity=target.model_type.__tablename__, action="import", by=by, created=[
        (record_id, {"": f"imported from {batch.filename}, row {result.number}"}) for result, record_id, _ in done])
    new = [{"kind": batch.kind, "key": key, "record_id": record_id, "batch_id": batch.id}
           for _, record_id, key in done if key not in known]
    if new:
        session.execute(sa.insert(ImportedRecord), new)
    for _, record_id, key in done:
        if key in known and known[key] != record_id:  # its record was removed since: the key names the new one
            session.execute(sa.update(ImportedRecord).where(ImportedRecord.kind == batch.kind, ImportedRecord.key == key)
                            .values(record_id=record_id, batch_id=batch.id))


def _outcome(target: Target, results: list[RowResult], *, stopped_at: int | None = None) -> Outcome:
    outcome = Outcome(stopped_at=stopped_at)
    for result in results:
        result.errors = in_import_words(target, result.errors)
        _count(outcome, result)
    return outcome


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


RECENT = 50


def recent_batches(session: Session) -> list[ImportBatch]:
    """The newest imports, newest first, with who uploaded them (their files are not read)."""
    return list(session.exec(select(ImportBatch).options(defer(ImportBatch.content), selectinload(
        ImportBatch.uploaded_by)).order_by(ImportBatch.id.desc()).limit(RECENT)).all())
