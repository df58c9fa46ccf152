"""The whole organization as one JSON file, and back: every record of every table with its history (the audit
trail is a table like the others) and every kept file, in a versioned format that any database the tracker runs on
can load. It is how an organization moves (SQLite to PostgreSQL, one server to another) or takes its data away.

The format (FORMAT, version VERSION): {"format", "version", "revision" (the schema's migration), "exported_at",
"tables": {name: {"columns": [...], "rows": [[...], ...]}}, "files": {sha256: base64}}. Rows are in key order,
tables in the order their references allow; values as JSON has them, dates and times in ISO 8601, bytes in
base64. What only runs the server is left out (rate windows, the scheduler's lease and runs, sign-in throttling),
and kept files go by their checksum (`files`), whichever store kept them.

`flask export-organization` writes it (and an administrator downloads it from the users page);
`flask load-organization FILE` reads it into a database that holds no organization yet (migrated, no people)."""

import base64
import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

import tracker.models  # noqa: F401  (every table on the metadata)
from tracker.auth.models import User
from tracker.content import Upload, holders, keep, read
from tracker.db import UTCDateTime, utcnow

FORMAT = "pi-tracker-organization"
VERSION = 1
LEFT_OUT = frozenset({"api_rate_window", "scheduler_lease", "job_run", "sign_in_failure", "content_blob"})
CHUNK = 1000


class TransferError(Exception):
    """A file that cannot be loaded here, and why."""


def tables() -> list[sa.Table]:
    return [table for table in SQLModel.metadata.sorted_tables if table.name not in LEFT_OUT]


def revision(session: Session) -> str:
    """The schema's migration; TransferError when the database has none (not migrated yet)."""
    if not sa.inspect(session.connection()).has_table("alembic_version"):
        raise TransferError("This database has no tables yet: run `flask migrate` first, then load.")
    return session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()


def export(session: Session, rules, *, now: datetime | None = None) -> Iterator[str]:
    """The organization as JSON text, a piece at a time (a large one is never whole in memory)."""
    header = {"format": FORMAT, "version": VERSION, "revision": revision(session),
              "exported_at": (now or utcnow()).isoformat()}
    yield json.dumps(header)[:-1] + ', "tables": {'
    for n, table in enumerate(tables()):
        columns = [column.name for column in table.columns]
        yield f'{", " if n else ""}{json.dumps(table.name)}: {{"columns": {json.dumps(columns)}, "rows": ['
        first = True
        for row in session.execute(sa.select(table).order_by(*table.primary_key.columns)).yield_per(CHUNK):
            yield ("" if first else ", ") + json.dumps([_out(value) for value in row])
            first = False
        yield "]}"
    yield '}, "files": {'
    for n, sha256 in enumerate(_kept_files(session)):
        content = read(session, sha256, rules)
        data = content.read_bytes() if hasattr(content, "read_bytes") else content
        if data is not None:
            yield f'{", " if n else ""}{json.dumps(sha256)}: {json.dumps(base64.b64encode(data).decode())}'
    yield "}}\n"


def _kept_files(session: Session) -> list[str]:
    held = sa.union(*(sa.select(table.c.file_sha256).where(table.c.file_sha256 != "") for table in holders()))
    return sorted(session.execute(held).scalars())


def _out(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def load(session: Session, data: dict, rules) -> dict[str, int]:
    """Read an export into this database, which must hold no organization yet (migrated, nobody in it): the rows
    the migrations seed make way for the file's. Everything in one transaction; the rows loaded, by table."""
    if data.get("format") != FORMAT or not isinstance(data.get("tables"), dict):
        raise TransferError("This is not an export of the tracker.")
    if data.get("version") != VERSION:
        raise TransferError(f"The file is version {data.get('version')} of the format; this tracker reads {VERSION}.")
    if data.get("revision") != revision(session):
        raise TransferError(f"The file was written at schema {data.get('revision')}; this database is at "
                            f"{revision(session)}: load it into a tracker of the same version.")
    if session.exec(select(User.id).limit(1)).first() is not None:
        raise TransferError("This database already holds an organization: load into an empty one.")
    ordered = tables()
    for table in reversed(ordered):
        session.execute(table.delete())
    loaded, later = {}, []
    for position, table in enumerate(ordered):
        given = data["tables"].get(table.name, {"columns": [], "rows": []})
        unknown = set(given["columns"]) - set(table.c.keys())
        if unknown:
            raise TransferError(f"{table.name} has columns this tracker does not: {', '.join(sorted(unknown))}.")
        # A reference to a row not loaded yet (its own table's, or a later one's) is set once every row is in.
        ahead = {fk.parent.name for fk in table.foreign_keys if fk.column.table not in ordered[:position]}
        try:
            rows = [{name: _in(table.c[name], value) for name, value in zip(given["columns"], row, strict=True)}
                    for row in given["rows"]]
        except (ValueError, TypeError) as error:
            raise TransferError(f"{table.name} holds a value this tracker cannot read ({error}). Nothing was loaded.") \
                from error
        for start in range(0, len(rows), CHUNK):
            try:
                session.execute(table.insert(), [row | dict.fromkeys(ahead) for row in rows[start:start + CHUNK]])
            except (sa.exc.DBAPIError, ValueError, TypeError) as error:
                raise TransferError(f"{table.name}, rows {start + 1} to {start + len(rows[start:start + CHUNK])}: "
                                    f"{str(getattr(error, 'orig', error)).splitlines()[0]}. Nothing was loaded.") from error
        later += [(table, ahead, row) for row in rows if any(row.get(name) is not None for name in ahead)]
        loaded[table.name] = len(rows)
    for table, ahead, row in later:
        key = [table.c[column.name] == row[column.name] for column in table.primary_key.columns]
        session.execute(table.update().where(*key).values({name: row[name] for name in ahead}))
    for sha256, encoded in (data.get("files") or {}).items():
        upload = Upload(name="", media_type="", data=base64.b64decode(encoded))
        if upload.sha256 != sha256:
            raise TransferError(f"The file {sha256[:12]}… is not whole: its content does not match its checksum.")
        keep(session, upload, rules)
    _restart_numbering(session, ordered)
    session.commit()
    return loaded


def _in(column: sa.Column, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, UTCDateTime | sa.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, sa.Date):
        return date.fromisoformat(value)
    if isinstance(kind, sa.LargeBinary):
        return base64.b64decode(value)
    return value


def _restart_numbering(session: Session, ordered: list[sa.Table]) -> None:
    """PostgreSQL's sequences continue after the ids loaded (SQLite's rowids do by themselves)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ordered:
        if "id" in table.c and table.c.id.autoincrement in (True, "auto") and isinstance(table.c.id.type, sa.Integer):
            session.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'))

