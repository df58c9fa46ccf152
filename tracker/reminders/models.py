"""Reminders: the rules an admin tunes, and the outbox of reminders made, one per (rule, subject, recipient,
period), read in the app and sent by email."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from tracker.auth.models import User
from tracker.db import UTCDateTime, enum_type, utcnow, version_column, versioned
from tracker.enums import Labelled, spoken


@spoken(owner="The people who own it (the process group when no one does)",
        owner_and_pg="Its owners and the process group", process_group="The process group")
class Recipients(Labelled):
    OWNER = "owner"
    OWNER_AND_PG = "owner_and_pg"
    PROCESS_GROUP = "process_group"


_rule_version = version_column()


class ReminderRule(SQLModel, table=True):
    """An admin's settings for one rule of the catalog (tracker/reminders/rules.py): on or off, its lead time in
    days (how long before, or after, the date it watches), and who is reminded."""

    __tablename__ = "reminder_rule"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=40, sa_column_kwargs={"unique": True})
    enabled: bool = True
    days: int
    recipients: Recipients = Field(sa_type=enum_type(Recipients))
    version: int = Field(default=1, sa_column=_rule_version)

    __mapper_args__ = versioned(_rule_version)


@spoken(sending="Sending (not confirmed)")
class Delivery(Labelled):
    PENDING = "pending"  # to be sent (now, or in the next digest)
    SENDING = "sending"  # handed to the SMTP server, marked sent on its answer (stays here if the mailer died)
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry
    SKIPPED = "skipped"  # no email wanted, or none configured


class Notification(SQLModel, table=True):
    """One reminder to one person. The unique key makes every sweep, restart or second scheduler idempotent."""

    __tablename__ = "notification"
    __table_args__ = (
        # The key; it also finds a rule's reminders (the sweep's open ones), as its first column is the rule.
        sa.UniqueConstraint("rule", "subject", "recipient_id", "period", name="uq_notification_key"),
        sa.Index("ix_notification_unread", "recipient_id", "closed_at", "read_at"),
        sa.Index("ix_notification_email", "email", "email_next_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    rule: str = Field(max_length=40)
    subject: str = Field(max_length=60)  # "<table>:<id>", e.g. "commitment:42"
    recipient_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    period: str = Field(max_length=60)  # what makes it one reminder: the date reminded of, the phase, "escalated:…"
    title: str = Field(max_length=300)
    link: str = Field(max_length=300)  # the subject's page, as a path
    due_on: date | None = None
    escalation: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # the subject is done, or no longer due
    email: Delivery = Field(default=Delivery.PENDING, sa_type=enum_type(Delivery))
    email_attempts: int = 0
    email_next_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # the next try (after a failure)
    email_sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    email_error: str = Field(default="", max_length=500)

    recipient: User = Relationship()


class SchedulerLease(SQLModel, table=True):
    """Who runs the scheduled jobs now. On SQLite this row is the lock (a lease the holder renews); on PostgreSQL
    an advisory lock is, and the row only says who holds it, for the admin page."""

    __tablename__ = "scheduler_lease"
    name: str = Field(primary_key=True, max_length=40)
    holder: str = Field(max_length=200)  # host, process and a random part
    acquired_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class JobRun(SQLModel, table=True):
    """The last run of each scheduled job, for the admin page."""

    __tablename__ = "scheduler_job"
    job: str = Field(primary_key=True, max_length=40)
    last_started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_result: str = Field(default="", max_length=500)
    last_error: str = Field(default="", max_length=2000)
    next_run_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    runs: int = 0
