"""Evidence and material attached to a record: a note with a link and/or a kept file (tracker/content.py)."""

from datetime import datetime

from sqlmodel import Field, Relationship

from tracker.auth.models import User
from tracker.content import FileColumns
from tracker.db import UTCDateTime, enum_type, utcnow
from tracker.enums import Labelled


class EvidenceKind(Labelled):
    TRAINING_MATERIAL = "training_material"  # a deployment's: how people learn the new version
    SUPPORT_MATERIAL = "support_material"  # a deployment's: what helps them use it
    ADOPTION = "adoption"  # a status row's: the project really uses it (with Deployed or Verify)
    AUDIT = "audit"  # an audit result's: what the auditor saw


class Evidence(FileColumns, table=True):
    """One piece of evidence or material, attached to exactly one record (the others None): a deployment, a
    deployment status row, or an audit result. It goes when its record goes."""

    __tablename__ = "evidence"

    id: int | None = Field(default=None, primary_key=True)
    kind: EvidenceKind = Field(sa_type=enum_type(EvidenceKind))
    deployment_id: int | None = Field(default=None, foreign_key="deployment.id", index=True, ondelete="CASCADE")
    row_id: int | None = Field(default=None, foreign_key="project_deployment.id", index=True, ondelete="CASCADE")
    audit_result_id: int | None = Field(default=None, foreign_key="audit_result.id", index=True, ondelete="CASCADE")
    note: str = Field(default="", max_length=2000)
    link: str = Field(default="", max_length=1000)  # an http(s) address
    added_by_id: int = Field(foreign_key="user.id")
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    added_by: User = Relationship()

    @property
    def title(self) -> str:
        """How a list names it: its file, else its note, else its link."""
        return self.file_name or self.note or self.link
