"""The engine (built by create_app, never at import), a session per request, session_scope() for CLI and jobs."""

import logging
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy.engine import Engine
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session as SQLModelSession
from sqlmodel import SQLModel, create_engine, select

from tracker.errors import Conflict, ManyInvalid, NotFound, ValidationError


class Session(SQLModelSession):
    """A session in which a lost optimistic-lock race is a Conflict, whichever flush notices it.

    A stale version can surface at any autoflush (a query in the middle of a service function), not only at
    commit(); translating here, the one place every flush passes, turns every such race into the 409 view.
    The session is rolled back first, so whoever handles the Conflict can read the record as it is now.
    """

    _committing = False

    def flush(self, objects=None) -> None:
        try:
            super().flush(objects)
        except StaleDataError as error:
            if not self._committing:  # inside commit() the transaction rolls itself back; see commit()
                self.rollback()
            raise Conflict() from error

    def rollback(self) -> None:
        if self.info.get("held"):  # inside an import's run (imports.service.held) a service's rollback undoes its row
            row = self.get_nested_transaction()
            if row is not None and row.is_active:
                row.rollback()
                return
            self.info["held"] = "undone"  # no row of its own: the whole run is undone, and says so
        super().rollback()

    def commit(self) -> None:
        if self.info.get("held"):  # an import's run (imports.service.held): it commits once, at its end
            self.flush()
            return
        self._committing = True
        try:
            super().commit()
        except Conflict:
            self._committing = False
            self.rollback()
            raise
        finally:
            self._committing = False


def normalize_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator wrote."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str) -> Engine:
    """An engine with SQLite set up for a web app: WAL, foreign keys, a busy timeout."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    with suppress(sqlite3.OperationalError):  # a read-only file: readable still; the health check says read-only
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()
    # SQLite's lower() folds ASCII only ("Über" stays "Über"): searching for typed text beyond ASCII uses this one
    # (sql.unicode_lower), as PostgreSQL's lower() does.
    dbapi_connection.create_function("unicode_lower", 1, _lower, deterministic=True)


def _lower(text):
    return text.lower() if isinstance(text, str) else text


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names, or None (another database, one in memory, or a `file:` URI)."""
    parsed = sa.engine.make_url(normalize_url(url))
    name = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or name in ("", ":memory:") or name.startswith("file:"):
        return None
    return Path(name)


def make_private(path: Path, mode: int = 0o600) -> None:
    """Make an existing file (or directory: 0o700) readable by its owner only, with a one-line warning when it was not."""
    try:
        found = stat.S_IMODE(path.stat().st_mode)
        if found & 0o077:
            path.chmod(mode)
            logging.getLogger(__name__).warning("%s was readable by others (mode %o): now %o", path, found, mode)
    except FileNotFoundError:
        return
    except OSError as error:  # a read-only mount: say so, and go on
        logging.getLogger(__name__).warning("could not make %s private: %s", path, error)


def keep_sqlite_private(url: str) -> None:
    """The SQLite file holds password hashes: create it readable by its owner only (its -wal and -shm files take
    its mode from SQLite), and make an existing one so."""
    path = sqlite_file(url)
    if path is None or not path.parent.is_dir():  # a missing directory stays missing: the health check says so
        return
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # empty: SQLite takes it as new
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        make_private(each)


def init_app(app: Flask) -> None:
    """Build the app's engine and close the request's session when the request ends."""
    keep_sqlite_private(app.config["DATABASE_URL"])
    app.extensions["tracker.engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions["tracker.engine"]


def get_session() -> Session:
    """The session of the current request (or app context)."""
    if "db_session" not in g:
        # Expire on commit: whatever a request renders after it saved is read back from the database, so a
        # page or section re-rendered in place shows the new record and every relation it changed.
        g.db_session = Session(engine(), expire_on_commit=True)
    return g.db_session


def _close_session(_exc) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def session_scope(bind: Engine | None = None) -> Iterator[Session]:
    """A session for work outside a request: commits on success, rolls back on error."""
    with Session(bind or engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise


def database_health(session: Session) -> str:
    """"ok", "unreachable" (cannot read) or "read-only" (cannot write: read-only file, full disk, a standby).

    The write is a real, committed no-op on Alembic's own one-row table, so a full disk or a read-only file
    shows here, not first in a user's save. Driver messages go to the log, never into the answer.
    """
    try:
        session.exec(sa.text("SELECT 1")).one()
    except sa.exc.DBAPIError as error:
        session.rollback()
        logging.getLogger(__name__).error("health: database unreachable: %s", error)
        return "unreachable"
    try:
        session.exec(sa.text("UPDATE alembic_version SET version_num = version_num"))
        session.commit()
    except sa.exc.DBAPIError as error:
        session.rollback()
        logging.getLogger(__name__).error("health: database cannot be written: %s", error)
        return "read-only"
    return "ok"


def refresh_statistics(session: Session) -> str:
    """Refresh what the query planner knows of each table's rows (ANALYZE) and commit.

    Without statistics SQLite guesses, and guesses wrong once tables are large: a plan's commitments were read by
    the status index (every commitment of three statuses) instead of by plan, 30× slower at 30,000 commitments.
    SQLite samples at most ANALYSIS_ROWS rows per index, so this stays well under a second at any size;
    PostgreSQL's autovacuum also analyzes, this makes it certain after a bulk load or a restore."""
    if session.get_bind().dialect.name == "sqlite":
        session.exec(sa.text(f"PRAGMA analysis_limit={ANALYSIS_ROWS}"))
    session.exec(sa.text("ANALYZE"))
    session.commit()
    return "statistics refreshed"


ANALYSIS_ROWS = 2000


_story_now: ContextVar[datetime | None] = ContextVar("tracker_story_now", default=None)


def utcnow() -> datetime:
    """The current time: the clock's, or inside clock_at() the moment it was set to."""
    return _story_now.get() or datetime.now(UTC)


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Run the enclosed work as if it were `moment`: every record and history entry it writes is stamped then
    (the demo organization tells its year this way; tests travel in time with it)."""
    token = _story_now.set(moment)
    try:
        yield
    finally:
        _story_now.reset(token)


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite stores no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def version_column() -> sa.Column:
    """A fresh optimistic-lock column; pair it with `versioned()` in the model's __mapper_args__."""
    return sa.Column("version", sa.Integer, nullable=False, default=1)


def versioned(column: sa.Column) -> dict:
    """Mapper arguments that make every UPDATE check the version the editor loaded.

    The application bumps the version itself (audit.apply_changes), so link-only changes count too;
    SQLAlchemy adds `WHERE version = <loaded>` and raises StaleDataError when someone got there first.
    """
    return {"version_id_col": column, "version_id_generator": False}


def insert_all(session: Session, model: type[SQLModel], rows: list[dict]) -> list[int]:
    """New records of a model in a few statements (a form's one, or an import's thousands): each row its values,
    the model's own defaults for the rest; their ids, in order."""
    columns = model.__table__.c
    defaults = {name: value for name, info in model.model_fields.items() if name != "id" and not info.is_required()
                and ((value := info.get_default(call_default_factory=True)) is not None
                     or name not in columns or columns[name].default is None)}  # else the column's own default
    if not rows:
        return []
    # render_nulls: a None is written as NULL, so that rows whose empty fields differ are still one batch
    return list(session.scalars(sa.insert(model).returning(model.id, sort_by_parameter_order=True),
                                [defaults | row for row in rows], execution_options={"render_nulls": True}))


def link_all(session: Session, model: type[SQLModel], owner: str, ids: list[int], chosen: list[list[int]],
             column: str) -> None:
    """The many-to-many links of records just made (`ids`): each one's `chosen` ids, as `model`'s rows."""
    pairs = [{owner: record_id, column: other} for record_id, others in zip(ids, chosen, strict=True) for other in others]
    if pairs:
        session.execute(sa.insert(model), pairs)


def created_one(session: Session, model: type[SQLModel], make: Callable[[], list[int]]):
    """The one record a service that makes many (`make`) made, its refusal said as a form's (ValidationError)."""
    try:
        [record_id] = make()
    except ManyInvalid as refused:
        raise ValidationError(refused.errors[0]) from refused
    return session.get(model, record_id)


def commit(session: Session, *, unique: dict[str, str] | None = None) -> None:
    """Commit; a unique-key race becomes the `unique` field errors (a lost version race is a Conflict anyway)."""
    with _translated(session, unique):
        session.commit()


def flush(session: Session, *, unique: dict[str, str] | None = None) -> None:
    """Flush (to get ids) with the same translation of races as commit()."""
    with _translated(session, unique):
        session.flush()


@contextmanager
def _translated(session: Session, unique: dict[str, str] | None) -> Iterator[None]:
    try:
        yield  # a lost optimistic-lock race is already a Conflict (Session.flush)
    except sa.exc.IntegrityError as error:
        session.rollback()
        if unique is None:
            raise
        raise ValidationError(unique) from error


COUNT_LIMIT = 1000  # a list counts its rows up to this many; past it, it says "1,000+" (counting stays cheap at any size)
PAGE_DEPTH = 10 * COUNT_LIMIT  # and pages this deep at most: past it, the filters narrow it (a page 100,000 rows deep
# read them all to skip them, seconds of a server's time for anyone who types the address)


@dataclass(frozen=True)
class Page:
    items: list
    total: int  # the rows counted: all of them, or the limit counted to (COUNT_LIMIT; PAGE_DEPTH deep) when `more`
    number: int
    size: int
    more: bool = False  # there are more rows than counted

    @property
    def counted(self) -> str:
        """The count as a list shows it: "37", or "1,000+" past the limit."""
        return f"{self.total:,}+" if self.more else f"{self.total:,}"

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size), self.number)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages or (self.more and len(self.items) == self.size
                                            and self.number * self.size < PAGE_DEPTH)


def get_or_not_found(session: Session, model: type, record_id: int, *options, missing: str):
    """The record with these loader options applied, or NotFound(missing) (a 404 with that sentence)."""
    if not options:
        record = session.get(model, record_id)
    else:
        record = session.exec(select(model).where(model.id == record_id).options(*options)).first()
    if record is None:
        raise NotFound(missing)
    return record


def referrers(session: Session, record) -> list[str]:
    """The tables with rows that refer to this record by a foreign key (one count per referring table): what a
    delete would break, or silently take with it through a cascade."""
    table = type(record).__table__
    found = []
    for other in record.metadata.sorted_tables:
        for key in other.foreign_keys:
            if key.column.table is table and session.exec(
                    select(sa.func.count()).select_from(other).where(key.parent == record.id)).one():
                found.append(other.name)
    return found


def paginate(session: Session, statement, *, page: int, size: int) -> Page:
    """One page of a select, and how many rows it selects, counted up to COUNT_LIMIT (two queries, whatever the
    data; neither reads more than the limit's and the page's rows when an index gives the order). A page asked past
    the rows counted is counted again up to PAGE_DEPTH: one past the end is its last page, one past the depth the
    deepest page."""
    limit = COUNT_LIMIT
    counted = session.scalar(count_to(statement, limit + 1))
    if counted > limit and page * size > limit:  # a page past the rows counted: count as deep as a list pages
        limit = PAGE_DEPTH
        counted = session.scalar(count_to(statement, limit + 1))
    more = counted > limit
    total = min(counted, limit)
    number = min(max(page, 1), max(1, -(-total // size)))  # past the end, or past the depth: the last page
    items = list(session.exec(statement.limit(size).offset((number - 1) * size)).all())
    return Page(items=items, total=total, number=number, size=size, more=more)


def count_to(statement, most: int) -> sa.Select:
    """A select of how many rows the statement selects, `most` at most: it reads no more rows than that, however many
    there are (a list's count, a board column's, the unread badge's)."""
    return sa.select(sa.func.count()).select_from(_rows_only(statement.order_by(None)).limit(most).subquery())


def _rows_only(statement):
    """The select's rows, without reading their columns, to count them (a select of whole records read every column
    of up to COUNT_LIMIT rows: 1.5 ms of a list's 8 at ten times the synthetic organization). A select whose rows are
    defined by its columns (DISTINCT, GROUP BY) is counted as it is."""
    if statement._distinct or statement._group_by_clauses:
        return statement
    return statement.with_only_columns(sa.literal_column("1"), maintain_column_froms=True)


def cut(records: list, shown: int) -> tuple[list, bool]:
    """A list asked for `shown` + 1 records, cut to `shown`, and whether there were more."""
    return records[:shown], len(records) > shown


def enum_type(enum: type, length: int = 30) -> sa.Enum:
    """A VARCHAR holding an enum's values, read back as the enum (no native enum: migrations stay simple)."""
    return sa.Enum(enum, native_enum=False, length=length, validate_strings=True,
                   values_callable=lambda members: [m.value for m in members])
