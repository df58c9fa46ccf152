"""Take a backup while the app runs, restore one after checking it whole, and prune old ones."""

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory

from tracker.backup import archive
from tracker.backup.archive import DATABASE_MEMBERS, SECRET_KEY, BackupError, Manifest
from tracker.backup.postgres import Server
from tracker.backup.sqlite import check_file, replace, snapshot, staging_file
from tracker.db import sqlite_file
from tracker.migrations import alembic_config, upgrade


def destination(config: Mapping) -> Path:
    """Where backups go unless told: TRACKER_BACKUP_DIR, or DATA_DIR/backups."""
    return Path(str(config.get("BACKUP_DIR") or Path(str(config["DATA_DIR"])) / "backups"))


def database_kind(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def take(config: Mapping, *, to: Path | None = None, now: datetime | None = None) -> Path:
    """Write one archive (0600, in a 0700 directory): a consistent copy of the database, then the files the
    directory store keeps and the secret key file. The files are copied after the database: a file is written
    before the record that holds it commits and is never removed from the directory, so every file the copy
    refers to is there."""
    url, now = str(config["DATABASE_URL"]), now or datetime.now(UTC)
    directory = archive.private_directory(Path(to) if to else destination(config))
    kind = database_kind(url)
    with tempfile.TemporaryDirectory(dir=directory, prefix=".taking-") as staging:
        copy = Path(staging) / DATABASE_MEMBERS[kind]
        if kind == "sqlite":
            source = sqlite_file(url)
            if source is None:
                raise BackupError("the configured SQLite database is not a plain file: it cannot be backed up")
            revision = snapshot(source, copy)
        else:
            revision = Server(url, str(config.get("BACKUP_PG_BINDIR", ""))).dump(copy)
        members = {copy.name: copy, **dict(archive.content_members(Path(str(config["CONTENT_DIR"]))))}
        if (secret := Path(str(config["DATA_DIR"])) / SECRET_KEY).is_file():
            members[SECRET_KEY] = secret
        return archive.write(directory, archive.archive_name(now), revision=revision, database=kind,
                             created_at=now, members=members)


def prune(config: Mapping, *, keep: int, directory: Path | None = None) -> list[Path]:
    """Delete all but the `keep` newest backups in the directory (only files named as backups)."""
    return archive.prune(Path(directory) if directory else destination(config), keep=keep)


def scheduled(config: Mapping) -> str:
    """The scheduler's daily job: a backup, then only the TRACKER_BACKUP_KEEP newest kept."""
    path = take(config)
    removed = prune(config, keep=int(config["BACKUP_KEEP"]), directory=path.parent)
    return f"{path.name}; {len(removed)} older removed"


@dataclass
class Restored:
    manifest: Manifest
    upgraded_from: str | None  # the backup's revision when it was older than this code's head
    kept: Path | None  # SQLite: the database that was replaced, kept beside it


class Staging:
    """Where a restore's members wait, checked, for the rename into place: the database beside the database, the
    files in the content directory, the key in the data directory (each on the file system it is renamed in)."""

    def __init__(self, config: Mapping) -> None:
        self.url = str(config["DATABASE_URL"])
        self.content_dir = Path(str(config["CONTENT_DIR"]))
        self.data_dir = Path(str(config["DATA_DIR"]))
        self.places: dict[str, Path] = {}
        self.scratch = Path(tempfile.mkdtemp(dir=archive.private_directory(self.data_dir), prefix=".restoring-"))

    def place(self, name: str) -> Path:
        if name in DATABASE_MEMBERS.values() and (target := sqlite_file(self.url)) is not None:
            path = staging_file(target)
        elif name.startswith("content/"):
            self.content_dir.mkdir(parents=True, exist_ok=True)
            path = self.content_dir / f".restoring-{os.getpid()}-{name.rsplit('/', 1)[1]}"
        else:
            path = self.scratch / name
        self.places[name] = path
        return path

    def clean(self) -> None:
        for path in self.places.values():
            path.unlink(missing_ok=True)
        shutil.rmtree(self.scratch, ignore_errors=True)


def check(config: Mapping, path: Path, staging: Staging) -> Manifest:
    """Every check a restore makes before it replaces anything; BackupError says which failed."""
    url = str(config["DATABASE_URL"])
    manifest = archive.unpack(Path(path), staging.place)
    if manifest.database != database_kind(url):
        raise BackupError(f"{Path(path).name} is a {manifest.database} backup; the configured database is "
                          f"{database_kind(url)}")
    scripts = ScriptDirectory.from_config(alembic_config(url))
    head = scripts.get_current_head()
    if manifest.revision not in {script.revision for script in scripts.walk_revisions()}:
        raise BackupError(f"{Path(path).name} was made at migration {manifest.revision}, which this version of the "
                          f"tracker does not know (its newest is {head}): restore it with the version that made it, "
                          "or a newer one")
    database = staging.places[DATABASE_MEMBERS[manifest.database]]
    inside = (check_file(database, name=Path(path).name) if manifest.database == "sqlite" else
              Server(url, str(config.get("BACKUP_PG_BINDIR", ""))).check(database))
    if inside != manifest.revision:
        raise BackupError(f"{Path(path).name}: its database is at migration {inside}, its manifest says "
                          f"{manifest.revision}")
    return manifest


def restore(config: Mapping, path: Path, *, confirm: Callable[[Manifest], bool]) -> Restored | None:
    """Check the backup whole, ask `confirm`, then replace the database, the content files and the secret key,
    and upgrade the database when the backup is older than this code. None when not confirmed."""
    url = str(config["DATABASE_URL"])
    staging = Staging(config)
    try:
        manifest = check(config, path, staging)
        if not confirm(manifest):
            return None
        database = staging.places.pop(DATABASE_MEMBERS[manifest.database])
        kept = None
        try:
            if manifest.database == "sqlite":
                kept = replace(database, sqlite_file(url))
            else:
                Server(url, str(config.get("BACKUP_PG_BINDIR", ""))).replace(database)
        finally:  # renamed into place, or refused (the database in use): no copy of it stays (a walk-through found
            database.unlink(missing_ok=True)  # a full copy, password hashes and all, left behind by each refusal)
        _put_files(staging, Path(str(config["CONTENT_DIR"])), Path(str(config["DATA_DIR"])))
    finally:
        staging.clean()
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    if manifest.revision != head:
        upgrade(url)
    return Restored(manifest=manifest, upgraded_from=None if manifest.revision == head else manifest.revision,
                    kept=kept)


def _put_files(staging: Staging, content_dir: Path, data_dir: Path) -> None:
    """Rename the staged content files and key into place. Files the backup does not hold stay: the directory
    store is found by checksum, so a file no record holds is harmless."""
    for name, path in list(staging.places.items()):
        if name.startswith("content/"):
            target = content_dir / name.removeprefix("content/")
            target.parent.mkdir(parents=True, exist_ok=True)
        else:
            target = data_dir / name
        os.replace(path, target)
        del staging.places[name]
