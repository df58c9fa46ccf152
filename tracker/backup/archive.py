"""The backup file: one tar archive, `manifest.json` first, then the members it lists with their SHA-256.

A tar rather than a directory: one file is written under a temporary name and renamed into place (a backup is
whole or absent), is copied off the host as one thing, carries one mode (0600) and is pruned by its name.
Uncompressed: the PostgreSQL dump is compressed already, and uploaded files (PDF, Office) hardly shrink.
"""

import hashlib
import io
import json
import os
import re
import tarfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

FORMAT = 1  # the manifest's format version: a restore refuses any other
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
SECRET_KEY = "secret_key"
CONTENT = re.compile(r"^content/([0-9a-f]{2})/(\1[0-9a-f]{62})$")  # content/ab/ab…: a file kept by its checksum
NAME = re.compile(r"^tracker-backup-\d{8}T\d{6}\.\d{6}Z\.tar$")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup that cannot be taken or restored; the message says why in words (and never holds a password)."""


@dataclass(frozen=True)
class Manifest:
    revision: str  # the app's migration revision the database is at
    database: str  # sqlite or postgresql
    created_at: str  # ISO 8601, UTC
    files: list[dict] = field(default_factory=list)  # {"path", "sha256", "size"}, in the archive's order
    format: int = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=1).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> "Manifest":
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise BackupError(f"the manifest's format is {data.get('format')!r}; this tracker reads {FORMAT}")
            manifest = cls(revision=str(data["revision"]), database=str(data["database"]),
                           created_at=str(data["created_at"]), files=list(data["files"]))
            checksums = manifest.checksums  # every entry has a path and a checksum
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError(f"its manifest cannot be read ({error.__class__.__name__})") from error
        if manifest.database not in DATABASE_MEMBERS or DATABASE_MEMBERS[manifest.database] not in checksums:
            raise BackupError(f"its manifest names no database it could hold ({manifest.database!r})")
        for path, sha256 in checksums.items():
            content = CONTENT.match(path)
            if path not in (DATABASE_MEMBERS[manifest.database], SECRET_KEY) and not (content and
                                                                                    content.group(2) == sha256):
                raise BackupError(f"its manifest lists {path!r}, which a backup never holds")
        return manifest

    @property
    def checksums(self) -> dict[str, str]:
        return {str(entry["path"]): str(entry["sha256"]) for entry in self.files}

    @property
    def content_files(self) -> int:
        return sum(1 for path in self.checksums if path.startswith("content/"))


def archive_name(moment: datetime) -> str:
    """tracker-backup-20261122T031500.123456Z.tar: UTC, sorting as it was taken."""
    return f"tracker-backup-{moment.astimezone(UTC):%Y%m%dT%H%M%S.%f}Z.tar"


def private_directory(path: Path) -> Path:
    """The directory, created readable by its owner only (0700) if need be; one that exists keeps its mode (an
    operator's shared backup disk), as each archive in it is 0600 anyway."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"cannot use {path} for backups: {error.strerror}") from error
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _tarinfo(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(time.time())
    return info


def write(directory: Path, name: str, *, revision: str, database: str, created_at: datetime,
          members: dict[str, Path]) -> Path:
    """Write the archive under a temporary name (mode 0600), then rename it into place: whole or absent."""
    files = [{"path": arcname, "sha256": sha256_of(path), "size": path.stat().st_size}
             for arcname, path in members.items()]
    manifest = Manifest(revision=revision, database=database, files=files,
                        created_at=created_at.astimezone(UTC).isoformat().replace("+00:00", "Z")).to_json()
    final, temporary = directory / name, directory / f".{name}.partial"
    with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw:
        try:
            with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
                tar.addfile(_tarinfo(MANIFEST, len(manifest)), io.BytesIO(manifest))
                for entry, path in zip(files, members.values(), strict=True):
                    with path.open("rb") as handle:
                        tar.addfile(_tarinfo(entry["path"], entry["size"]), handle)
            raw.flush()
            os.fsync(raw.fileno())
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    os.replace(temporary, final)
    _sync_directory(directory)
    return final


def unpack(path: Path, place: Callable[[str], Path]) -> Manifest:
    """Copy every member to where `place` says, checking each against the manifest's checksum; BackupError on
    anything missing, extra, unreadable or different (the caller then removes what was placed)."""
    try:
        with tarfile.open(path, mode="r:") as tar:
            members = iter(tar)
            first = next(members, None)
            if first is None or first.name != MANIFEST or not first.isfile():
                raise BackupError(f"{path.name} does not begin with a manifest: it is not a tracker backup")
            manifest = Manifest.from_json(tar.extractfile(first).read())
            expected, seen = manifest.checksums, set()
            for member in members:
                if member.name not in expected or member.name in seen or not member.isfile():
                    raise BackupError(f"{path.name} holds {member.name!r}, which its manifest does not list")
                if _copy(tar.extractfile(member), place(member.name)) != expected[member.name]:
                    raise BackupError(f"{path.name} is damaged: {member.name} does not match its checksum")
                seen.add(member.name)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"{path.name} cannot be read as a backup ({error.__class__.__name__}: {error})") from error
    if missing := sorted(set(expected) - seen):
        raise BackupError(f"{path.name} is incomplete: {', '.join(missing[:3])} missing")
    return manifest


def _copy(source, target: Path) -> str:
    digest = hashlib.sha256()
    with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()


def backups_in(directory: Path) -> list[Path]:
    """The backups in a directory, oldest first (by the UTC time in their names)."""
    if not directory.is_dir():
        return []
    return sorted(path for path in directory.iterdir() if NAME.match(path.name) and path.is_file())


def prune(directory: Path, *, keep: int) -> list[Path]:
    """Delete all but the `keep` newest backups in the directory; other files there are never touched."""
    if keep < 1:
        raise BackupError("keep at least one backup")
    doomed = backups_in(directory)[:-keep]
    for path in doomed:
        path.unlink()
    return doomed


def content_members(directory: Path) -> Iterable[tuple[str, Path]]:
    """The directory store's files, as archive members (a half-written upload, named with a dot, is not one)."""
    if not directory.is_dir():
        return
    for path in sorted(directory.glob("??/*")):
        name = f"content/{path.parent.name}/{path.name}"
        if path.is_file() and CONTENT.match(name):
            yield name, path


def _sync_directory(directory: Path) -> None:
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
