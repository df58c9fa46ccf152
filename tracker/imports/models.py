"""Imports: a file uploaded to become records of one kind (`ImportBatch`), the mapping of its columns to the kind's
fields remembered for the next file of that kind (`ImportMapping`), and which record each imported row became
(`ImportedRecord`, by the row's external key), so that importing it again updates those records."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from tracker.auth.models import User
from tracker.db import UTCDateTime, enum_type, utcnow
from tracker.enums import Labelled, spoken


@spoken(projects="Projects", assets="Process assets", proposals="Improvement proposals",
        lessons="Lessons learned", tailoring="Tailoring records", redmine="Redmine issues (as proposals)")
class ImportKind(Labelled):
    PROJECTS = "projects"
    ASSETS = "assets"
    PROPOSALS = "proposals"
    LESSONS = "lessons"
    TAILORING = "tailoring"
    REDMINE = "redmine"


@spoken(uploaded="Uploaded", imported="Imported")
class BatchState(Labelled):
    UPLOADED = "uploaded"
    IMPORTED = "imported"


class ImportBatch(SQLModel, table=True):
    """A file someone uploaded to import, its columns' mapping, and what importing it did."""

    __tablename__ = "import_batch"
    id: int | None = Field(default=None, primary_key=True)
    kind: ImportKind = Field(sa_type=enum_type(ImportKind))
    filename: str = Field(max_length=255)
    content: bytes = Field(sa_type=sa.LargeBinary)
    uploaded_by_id: int = Field(foreign_key="user.id")
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    mapping: str = "{}"  # JSON: a column's name -> the field it fills (none: left out)
    state: BatchState = Field(default=BatchState.UPLOADED, sa_type=enum_type(BatchState))
    imported_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created: int = 0
    updated: int = 0

    uploaded_by: User = Relationship()


class ImportMapping(SQLModel, table=True):
    """The mapping last used for a kind, offered for its next file (columns of the same name map alike)."""

    __tablename__ = "import_mapping"
    kind: ImportKind = Field(sa_type=enum_type(ImportKind), primary_key=True)
    mapping: str = "{}"  # JSON, as ImportBatch.mapping
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ImportedRecord(SQLModel, table=True):
    """The record a row with this external key became: importing the key again updates it."""

    __tablename__ = "imported_record"
    __table_args__ = (sa.UniqueConstraint("kind", "key", name="uq_imported_record_key"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: ImportKind = Field(sa_type=enum_type(ImportKind))
    key: str = Field(max_length=255)
    record_id: int
    batch_id: int = Field(foreign_key="import_batch.id", index=True)  # the import that made it (or remade it)
