"""Accounts and the link between project leads and their projects."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from tracker.auth.roles import Role
from tracker.db import UTCDateTime, enum_type, utcnow
from tracker.enums import Labelled, spoken


@spoken(immediate="Immediately, one email per reminder", digest="Once a day, in a digest", off="Never (in the app only)")
class ReminderEmail(Labelled):
    IMMEDIATE = "immediate"
    DIGEST = "digest"
    OFF = "off"


class UserRole(SQLModel, table=True):
    """One of the roles a user holds: a person may wear several hats (the head of the process group on the
    steering committee); the policy allows what any of them allows."""

    __tablename__ = "user_role"
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    role: Role = Field(sa_type=enum_type(Role), primary_key=True)


def holding(role: Role) -> sa.ColumnElement:
    """SQL: the user holds this role (among others, perhaps)."""
    return User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == role))


class User(SQLModel, table=True):
    __table_args__ = (sa.Index("ix_user_name", "name", "id"),)  # pickers and the list, by name
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, sa_column_kwargs={"unique": True}, index=False)
    name: str = Field(max_length=120)
    password_hash: str = Field(max_length=255)
    active: bool = True
    # Bumped on logout and deactivation: a cookie carrying an older generation is no longer a session.
    session_generation: int = 0
    reminder_email: ReminderEmail = Field(default=ReminderEmail.IMMEDIATE, sa_type=enum_type(ReminderEmail))
    calendar_token_hash: str | None = Field(default=None, max_length=64, index=True)  # sha256 of the feed's secret
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = 1

    role_rows: list[UserRole] = Relationship(sa_relationship_kwargs={
        "cascade": "all, delete-orphan", "passive_deletes": True, "order_by": "UserRole.role"})

    @property
    def roles(self) -> frozenset[Role]:
        """Every role the user holds."""
        return frozenset(row.role for row in self.role_rows)

    @roles.setter
    def roles(self, roles) -> None:
        """Hold exactly these roles (rows kept for the roles that stay)."""
        wanted = set(roles)
        self.role_rows = [row for row in self.role_rows if row.role in wanted] + [
            UserRole(role=role) for role in sorted(wanted - self.roles)]

    @property
    def roles_label(self) -> str:
        """The roles as people read them, in the order of the Role enum."""
        return ", ".join(role.label for role in Role if role in self.roles)

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
