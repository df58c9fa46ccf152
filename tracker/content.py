"""Files people upload (an asset version's content, training material, evidence): what may be kept (its type,
size, and the virus scanner's word), where its bytes are kept, and how it is served back (always as a download,
never run or shown in the tracker's own origin). A record that holds a file has the columns `file_name`,
`file_type`, `file_size` and `file_sha256` (`FileColumns`); its bytes are found by the checksum.

The type is the file's extension, and its content must agree: `filetype` (a maintained library reading the
signatures, and inside OOXML and OpenDocument packages) must find that very type in a binary file, and nothing in a
text file. A rename (a program called report.pdf) is refused.
"""

import contextlib
import hashlib
import io
import os
import shlex
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import filetype
import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request, send_file
from flask_login import current_user
from sqlmodel import Field, Session, SQLModel, select
from werkzeug.exceptions import RequestEntityTooLarge

from tracker.errors import NotFound, ValidationError, render_error

# extension -> (media type served, the types filetype may find in it; empty for text)
KNOWN_TYPES: dict[str, tuple[str, frozenset[str]]] = {
    "pdf": ("application/pdf", frozenset({"pdf"})),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", frozenset({"docx"})),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", frozenset({"xlsx"})),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", frozenset({"pptx"})),
    "odt": ("application/vnd.oasis.opendocument.text", frozenset({"odt"})),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", frozenset({"ods"})),
    "odp": ("application/vnd.oasis.opendocument.presentation", frozenset({"odp"})),
    # The binary Office formats share one container; which of the three a file is, filetype may not tell.
    "doc": ("application/msword", frozenset({"doc", "xls", "ppt"})),
    "xls": ("application/vnd.ms-excel", frozenset({"doc", "xls", "ppt"})),
    "ppt": ("application/vnd.ms-powerpoint", frozenset({"doc", "xls", "ppt"})),
    "md": ("text/markdown", frozenset()),
    "txt": ("text/plain", frozenset()),
    "csv": ("text/csv", frozenset()),
    "png": ("image/png", frozenset({"png"})),
    "jpg": ("image/jpeg", frozenset({"jpg"})),
    "jpeg": ("image/jpeg", frozenset({"jpg"})),
    "gif": ("image/gif", frozenset({"gif"})),
    "webp": ("image/webp", frozenset({"webp"})),
}
STORES = ("database", "directory")
MAX_NAME = 200  # characters of a kept file's name
# The endpoints that take a file: they may receive more than other forms.
UPLOADS = frozenset({"assets.upload", "deployments.add_material", "deployments.move_row", "compliance.add_evidence",
                     "imports.upload"})


class ContentBlob(SQLModel, table=True):
    """A file kept in the database (when the content store is the database), by its SHA-256: the same file uploaded
    twice is kept once."""

    __tablename__ = "content_blob"

    sha256: str = Field(primary_key=True, max_length=64)
    data: bytes = Field(sa_type=sa.LargeBinary)


class FileColumns(SQLModel):
    """The columns of a record that holds a kept file (empty when it holds none)."""

    file_name: str = Field(default="", max_length=200)  # as the uploader named it, made safe
    file_type: str = Field(default="", max_length=120)  # the media type it is served as (from the allowed types)
    file_size: int | None = None  # bytes
    file_sha256: str = Field(default="", max_length=64, index=True)



@dataclass(frozen=True)
class Rules:
    """What may be kept and where (from the configuration: TRACKER_CONTENT_*)."""

    max_bytes: int
    types: tuple[str, ...]  # allowed extensions
    store: str = "database"
    directory: str = ""
    scan_command: str = ""
    scan_seconds: int = 60

    @classmethod
    def of(cls, config) -> "Rules":
        types = tuple(t.strip().lower().lstrip(".") for t in str(config["CONTENT_TYPES"]).split(",") if t.strip())
        if unknown := [t for t in types if t not in KNOWN_TYPES]:
            raise ValueError(f"TRACKER_CONTENT_TYPES names {', '.join(unknown)}: the tracker can check only "
                             f"{', '.join(KNOWN_TYPES)}")
        if config["CONTENT_STORE"] not in STORES:
            raise ValueError(f"TRACKER_CONTENT_STORE is {config['CONTENT_STORE']!r}: database or directory")
        return cls(max_bytes=int(config["CONTENT_MAX_MB"]) * 1024 * 1024, types=types,
                   store=str(config["CONTENT_STORE"]), directory=str(config["CONTENT_DIR"]),
                   scan_command=str(config["CONTENT_SCAN_COMMAND"]), scan_seconds=int(config["CONTENT_SCAN_SECONDS"]))

    # Worked out once per request (`rules()`), however many file inputs a page shows.
    @cached_property
    def accept(self) -> str:
        """For the file input's `accept`: what the picker offers."""
        return ",".join(f".{t}" for t in self.types)

    @cached_property
    def max_text(self) -> str:
        return size_text(self.max_bytes)

    @cached_property
    def described(self) -> str:
        return f"{', '.join(t.upper() for t in self.types)}; up to {self.max_text}"


def rules() -> Rules:
    """The configuration's rules, read once per request (a page with a file input per row asks for each)."""
    if "content_rules" not in g:
        g.content_rules = Rules.of(current_app.config)
    return g.content_rules


def request_limit(max_bytes: int) -> int:
    """How large a request an upload endpoint reads: a file somewhat over the limit is read and refused beside
    its field; a larger one is cut off unread (413, with the same words)."""
    return 2 * max_bytes + 1024 * 1024


def init_app(app: Flask) -> None:
    """The upload endpoints' own request limit, set before anything reads the form (CSRF protection does: call
    this first), and a too-large upload's answer in words."""
    Rules.of(app.config)  # a content type the tracker cannot check is refused at start, not at the first upload

    @app.before_request
    def allow_uploads() -> None:
        if request.endpoint in UPLOADS and current_user.is_authenticated:  # nobody else gets past 1 MiB
            request.max_content_length = request_limit(rules().max_bytes)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge):
        if request.endpoint not in UPLOADS:
            return render_error(413, error.description)
        return render_error(413, f"The file is larger than the {rules().max_text} allowed. "
                                 "Nothing was kept.")


@dataclass(frozen=True)
class Upload:
    """A file that passed the rules: its safe name, the media type it is served as, its bytes and checksum."""

    name: str
    media_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def size_text(size: int) -> str:
    """A size as people read it: 820 bytes, 14.2 KiB, 3.1 MiB."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / 1024 / 1024:.1f} MiB"


def safe_name(raw: str) -> str:
    """The file name as the uploader gave it, without folders, control or direction-changing characters, leading
    dots or spaces; at most MAX_NAME characters, keeping the extension."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] not in "CZ" or c == " ")
    name = name.strip(" .")
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        name = (stem[:MAX_NAME - len(extension) - 1] + dot + extension) if dot and len(extension) < 10 \
            else name[:MAX_NAME]
    return name


def _refused(message: str) -> ValidationError:
    return ValidationError({"file": message})


def check(raw_name: str, data: bytes, rules: Rules) -> Upload:
    """The upload as it will be kept, or a ValidationError beside the file field saying why not."""
    name = safe_name(raw_name or "")
    if not name:
        raise _refused("Choose a file to upload.")
    if not data:
        raise _refused(f"{name} is empty.")
    if len(data) > rules.max_bytes:
        raise _refused(f"{name} is larger than the {rules.max_text} allowed.")
    stem, dot, extension = name.rpartition(".")
    extension = extension.lower() if dot and stem else ""
    if extension not in rules.types:
        kind = f"A .{extension} file" if extension else "A file without an extension"
        raise _refused(f"{kind} cannot be kept here. Allowed: {rules.described}.")
    media_type, signatures = KNOWN_TYPES[extension]
    found = filetype.guess_extension(data)
    if signatures and found not in signatures:
        looks = f" (it looks like {found.upper()})" if found else ""
        raise _refused(f"The content of {name} is not {extension.upper()}{looks}. Upload the file itself.")
    if not signatures:
        if found or b"\x00" in data:
            raise _refused(f"{name} is not a text file{f' (it looks like {found.upper()})' if found else ''}.")
        with contextlib.suppress(UnicodeDecodeError):
            data.decode("utf-8")
            media_type += "; charset=utf-8"  # said only when true: other text goes out with no charset claimed
    return Upload(name=name, media_type=media_type, data=data)


def scan(upload: Upload, rules: Rules) -> None:
    """The virus-scan hook: the configured command reads the file on its standard input; exit 0 means clean,
    1 refused (its first output line says why), anything else (or no answer in time) means it could not scan."""
    if not rules.scan_command:
        return
    try:
        done = subprocess.run(shlex.split(rules.scan_command), input=upload.data, capture_output=True,
                              timeout=rules.scan_seconds, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        current_app.logger.error("content scan failed: %s", error)
        raise _refused("The virus scanner did not answer, so the file was not kept. Try again later, or tell "
                       "the administrator.") from error
    said = (done.stdout or done.stderr).decode("utf-8", "replace").strip().splitlines()
    if done.returncode == 1:
        raise _refused(f"The virus scanner refused {upload.name}: {said[0] if said else 'no reason given'}.")
    if done.returncode != 0:
        current_app.logger.error("content scan exited %s: %s", done.returncode, said[:3])
        raise _refused("The virus scanner could not check the file, so it was not kept. Try again later, or "
                       "tell the administrator.")


def _path(rules: Rules, sha256: str) -> Path:
    return Path(rules.directory) / sha256[:2] / sha256


def keep(session: Session, upload: Upload, rules: Rules) -> None:
    """Keep the bytes by their checksum: a row in the caller's transaction, or a file written whole (a temporary
    file renamed into place) before the caller commits. A file left by a transaction that failed is harmless: it
    is only ever found by the checksum of a version that holds it."""
    if rules.store == "database":
        # Locked while this transaction holds it: a removal forgetting the same bytes waits, and then finds it held.
        if session.get(ContentBlob, upload.sha256, with_for_update=True) is None:
            session.add(ContentBlob(sha256=upload.sha256, data=upload.data))
        return
    path = _path(rules, upload.sha256)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    with os.fdopen(handle, "wb") as out:
        out.write(upload.data)
        out.flush()
        os.fsync(out.fileno())  # on disk before its name says it is there: a crash leaves no half file behind it
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def read(session: Session, sha256: str, rules: Rules) -> bytes | Path | None:
    """The bytes (from the database) or the file's path (from the directory), wherever they were kept, or None."""
    blob = session.get(ContentBlob, sha256)
    if blob is not None:
        return blob.data
    path = _path(rules, sha256)
    return path if path.is_file() else None


def holders() -> list[sa.Table]:
    """Every table whose rows may hold a kept file."""
    return [table for table in SQLModel.metadata.sorted_tables if "file_sha256" in table.c]


def forget(session: Session, sha256: str) -> None:
    """Drop a database-kept file no record holds any more (the caller has already let go of it, and flushed).
    Files in the directory stay: another transaction may be about to hold them."""
    if not sha256:
        return
    blob = session.get(ContentBlob, sha256, with_for_update=True)  # first: an upload keeping the same bytes waits
    if blob is None or any(session.exec(select(sa.literal(1)).select_from(table).where(
            table.c.file_sha256 == sha256)).first() for table in holders()):
        return
    session.delete(blob)


def as_fields(upload: Upload) -> dict:
    """The columns a record keeps for a kept file."""
    return {"file_name": upload.name, "file_type": upload.media_type, "file_size": len(upload.data),
            "file_sha256": upload.sha256}


def accept(session: Session, name: str, data: bytes, rules: Rules) -> Upload:
    """Check, scan and keep an upload (in the caller's transaction): the one way a file comes in."""
    upload = check(name, data, rules)
    scan(upload, rules)
    keep(session, upload, rules)
    return upload


def read_upload(upload, rules: Rules) -> tuple[str, bytes]:
    """A request's uploaded file (a werkzeug FileStorage, or None): its name and bytes, reading no more than one
    byte past the limit (enough to say it is too large without holding a huge file)."""
    if upload is None or not upload.filename:
        return "", b""
    return upload.filename, upload.stream.read(rules.max_bytes + 1)


def download(session: Session, record: FileColumns) -> Response:
    """A record's file as a download with the type it was allowed as (a sandboxing CSP too, should a browser open
    it anyway); NotFound when it holds none or the store has lost it."""
    kept = read(session, record.file_sha256, rules()) if record.file_sha256 else None
    if kept is None:
        raise NotFound("There is no file here." if not record.file_sha256 else
                       "The file is missing from the content store; tell the administrator.")
    response = send_file(kept if isinstance(kept, Path) else io.BytesIO(kept), mimetype=record.file_type,
                         as_attachment=True, download_name=record.file_name, etag=record.file_sha256,
                         conditional=True, max_age=0)
    # As it was allowed, whole: send_file adds "; charset=utf-8" to any text type, a second time to one that says it
    # (a walk-through's "text/plain; charset=utf-8; charset=utf-8"), and claims UTF-8 of text that is not.
    response.headers["Content-Type"] = record.file_type
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
