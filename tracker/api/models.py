"""Personal access tokens: how a program acts for a person through the JSON API (tracker/api/); and the windows
its rate limits count requests in (tracker/api/rate.py)."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from tracker.auth.models import User
from tracker.db import UTCDateTime, enum_type, utcnow
from tracker.enums import Labelled, spoken


@spoken(read="Read", write="Read and write")
class Scope(Labelled):
    READ = "read"
    WRITE = "write"


class ApiToken(SQLModel, table=True):
    """A token a person made, named and scoped, until it expires or they revoke it. Only its SHA-256 is kept: the
    token is shown once, when it is made."""

    __tablename__ = "api_token"
    __table_args__ = (sa.Index("ix_api_token_user", "user_id", "id"),)  # a person's tokens, newest first
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    name: str = Field(max_length=100)
    scope: Scope = Field(sa_type=enum_type(Scope))
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    shown: str = Field(max_length=16)  # its first characters, so that its owner can tell it from the others
    expires_on: date  # the last day it works
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    user: User = Relationship()


class RateWindow(SQLModel, table=True):
    """The requests counted under one key (a token's limit) in its window, which ends at `ends_at`."""

    __tablename__ = "api_rate_window"
    key: str = Field(primary_key=True, max_length=200)
    hits: int
    ends_at: float  # seconds since the epoch
