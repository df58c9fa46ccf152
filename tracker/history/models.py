"""The audit trail: one row per changed field, written in the transaction that made the change."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tracker.db import UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    entity: str = Field(max_length=40)
    entity_id: int
    action: str = Field(max_length=10)  # create / update / delete
    field: str = Field(default="", max_length=60)
    old: str | None = None
    new: str | None = None
