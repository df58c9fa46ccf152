"""SQLite: a snapshot through SQLite's online backup API (never a file copy, which would miss what is still in the
write-ahead log), checked with `PRAGMA integrity_check`; a restore renames a checked copy over the file."""

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from tracker.backup.archive import BackupError


def snapshot(source: Path, into: Path) -> str:
    """Copy the live database into a new file, consistent while others write, and return its migration revision.

    The copy is made in one backup step, which reads in one transaction: a snapshot, with everything committed
    before it began, WAL included. The copy keeps a rollback journal, so it is one self-contained file."""
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    live = sqlite3.connect(source, timeout=15)
    copy = sqlite3.connect(into)
    try:
        live.backup(copy)  # pages=-1: the whole database in one step
        copy.execute("PRAGMA journal_mode=DELETE")
        return check(copy, name=source.name)
    except sqlite3.Error as error:
        raise BackupError(f"the database could not be copied: {error}") from error
    finally:
        copy.close()
        live.close()


def check(connection: sqlite3.Connection, *, name: str) -> str:
    """The copy's migration revision, once `PRAGMA integrity_check` says it is sound; BackupError otherwise."""
    try:
        verdict = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
        if verdict != ["ok"]:
            raise BackupError(f"{name} fails SQLite's integrity check: {'; '.join(verdict[:3])}")
        revisions = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{name} is not a sound SQLite database: {error}") from error
    if len(revisions) != 1:
        raise BackupError(f"{name} has no migration revision: it is not the tracker's database")
    return str(revisions[0][0])


def check_file(path: Path, *, name: str) -> str:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return check(connection, name=name)
    finally:
        connection.close()


def staging_file(target: Path) -> Path:
    """A new private file beside the database (same file system: the rename into place is atomic)."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.restoring-{os.getpid()}")
    staged.unlink(missing_ok=True)
    return staged


def replace(staged: Path, target: Path) -> Path | None:
    """Rename the checked copy over the database; the previous one stays beside it (a hard link), named by the
    time of the restore, which is returned. Refused while another process has the database open."""
    kept = None
    if target.exists():
        _leave_wal(target)
        kept = _kept_name(target, f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
        os.link(target, kept)
    os.replace(staged, target)
    for suffix in ("-wal", "-shm"):  # none after _leave_wal; a stale one would be replayed into the new file
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    handle = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
    return kept


def _kept_name(target: Path, stamp: str) -> Path:
    """The free name the replaced database keeps: by the time of the restore, numbered when an earlier restore in
    the same second kept one already."""
    kept, number = target.with_name(f"{target.name}.before-restore-{stamp}"), 2
    while kept.exists():
        kept, number = target.with_name(f"{target.name}.before-restore-{stamp}-{number}"), number + 1
    return kept


def _leave_wal(target: Path) -> None:
    """Fold the write-ahead log into the file and stop using one. SQLite allows it only to the one connection
    open on the database, so this also proves that no web server or scheduler is still using it."""
    connection = sqlite3.connect(target, timeout=2)
    try:
        mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError as error:
        mode = str(error)
    finally:
        connection.close()
    if mode.lower() != "delete":  # still "wal" when another connection has it open: SQLite says no by not changing
        raise BackupError(f"{target} is in use ({mode}): stop the web servers and the scheduler, then restore "
                          "again. Nothing was replaced.")
