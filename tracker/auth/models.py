"""Accounts and the link between project leads and their projects."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from tracker.auth.roles import Role
from tracker.db import UTCDateTime, enum_type, utcnow
from tracker.enums import Labelled, spoken


@spoken(immediate="Immediately, one email per reminder", digest="Once a day, in a digest", off="Never (in the app only)")
class ReminderEmail(Labelled):
    IMMEDIATE = "immediate"
    DIGEST = "digest"
    OFF = "off"


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, sa_column_kwargs={"unique": True}, index=False)
    name: str = Field(max_length=120)
    role: Role = Field(sa_type=enum_type(Role))
    password_hash: str = Field(max_length=255)
    active: bool = True
    # Bumped on logout and deactivation: a cookie carrying an older generation is no longer a session.
    session_generation: int = 0
    reminder_email: ReminderEmail = Field(default=ReminderEmail.IMMEDIATE, sa_type=enum_type(ReminderEmail))
    calendar_token_hash: str | None = Field(default=None, max_length=64, index=True)  # sha256 of the feed's secret
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = 1

    # Flask-Login's protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_generation}"
