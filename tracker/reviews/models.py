"""The steering committee's review meetings (GP 2.10): who met, over which period, the pack they saw (frozen as
they saw it), the decisions they took and the action items they gave (commitments with `meeting_id`)."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from tracker.auth.models import User
from tracker.db import UTCDateTime, enum_type, utcnow, version_column, versioned
from tracker.enums import Labelled


class MeetingStatus(Labelled):
    PLANNED = "planned"  # the agenda is built from the data as it is now
    HELD = "held"  # the pack is frozen as the committee saw it; decisions and action items are taken
    CLOSED = "closed"  # the minutes are written; nothing more is decided in it
    CANCELLED = "cancelled"


EDITABLE = frozenset({MeetingStatus.PLANNED})


class ReviewAttendee(SQLModel, table=True):
    __tablename__ = "review_attendee"
    meeting_id: int = Field(foreign_key="review_meeting.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE", index=True)


_version = version_column()


class ReviewMeeting(SQLModel, table=True):
    __tablename__ = "review_meeting"
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    held_on: date = Field(index=True)
    period_from: date
    period_to: date
    status: MeetingStatus = Field(default=MeetingStatus.PLANNED, sa_type=enum_type(MeetingStatus), index=True)
    minutes: str = Field(default="", max_length=8000)
    chair_id: int = Field(foreign_key="user.id")
    pack: str | None = Field(default=None, sa_type=sa.Text)  # the pack as shown when the meeting was held (HTML)
    frozen_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_version)

    chair: User = Relationship()
    attendees: list[User] = Relationship(link_model=ReviewAttendee, sa_relationship_kwargs={"order_by": "User.name"})
    decisions: list["MeetingDecision"] = Relationship(
        sa_relationship_kwargs={"order_by": "MeetingDecision.id", "viewonly": True})

    __mapper_args__ = versioned(_version)


class MeetingDecision(SQLModel, table=True):
    """A decision the committee took in the meeting, through the record's own workflow."""
    __tablename__ = "meeting_decision"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="review_meeting.id", index=True, ondelete="CASCADE")
    entity: str = Field(max_length=40)  # proposal, action_plan, pilot
    entity_id: int
    title: str = Field(max_length=200)  # the record's title when decided
    outcome: str = Field(max_length=100)  # e.g. "Accepted", "Approved", "Adopt"
    rationale: str = Field(default="", max_length=4000)
    decided_by_id: int = Field(foreign_key="user.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    decided_by: User = Relationship()
