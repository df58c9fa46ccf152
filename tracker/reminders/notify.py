"""Reminders as their recipients see them: the unread count, the list, marking read, and closing the reminders
of a subject that is done (so they leave the count at once, not at the next sweep)."""

from collections.abc import Callable, Iterable

from sqlmodel import Session, SQLModel, select, update

from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import Page, commit, count_to, paginate, utcnow
from tracker.errors import NotFound
from tracker.history.service import apply_changes
from tracker.reminders.forms import PreferenceInput
from tracker.reminders.models import Notification


def subject_of(record: SQLModel) -> str:
    """How a reminder names its subject: "<table>:<id>"."""
    return f"{record.__tablename__}:{record.id}"


BADGE_LIMIT = 100  # the badge counts this many at most, and says "99+" from there


def unread_count(session: Session, *, user: User) -> int:
    """What the navigation badge shows: the unread count, up to BADGE_LIMIT (one indexed read of at most that many
    entries, on every page, however many a person has left unread)."""
    return session.scalar(count_to(select(Notification.id).where(
        Notification.recipient_id == user.id, Notification.closed_at.is_(None), Notification.read_at.is_(None)),
        BADGE_LIMIT))


def list_notifications(session: Session, *, user: User, show: str, page: int, size: int) -> Page:
    """A page of the user's reminders, newest first: "unread" (the default), or "all" (read and closed too)."""
    statement = select(Notification).where(Notification.recipient_id == user.id) \
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    if show != "all":
        statement = statement.where(Notification.closed_at.is_(None), Notification.read_at.is_(None))
    return paginate(session, statement, page=page, size=size)


def mark_read(session: Session, *, notification_id: int, user: User) -> Notification:
    """Mark one of the user's own reminders read (someone else's is not found, as if it did not exist)."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.recipient_id != user.id:
        raise NotFound("No such reminder.")
    if notification.read_at is None:
        notification.read_at = utcnow()
        session.add(notification)
        commit(session)
    return notification


def mark_all_read(session: Session, *, user: User) -> int:
    result = session.exec(update(Notification).where(
        Notification.recipient_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow()))
    commit(session)
    return result.rowcount


def set_reminder_email(session: Session, *, user: User, data: PreferenceInput) -> None:
    """A person chooses how their reminders reach them by email: immediately, in a daily digest, or not at all."""
    authorize(user, "notification.read")
    apply_changes(session, user, by=user, changes={"reminder_email": data.reminder_email})
    commit(session)


def close(session: Session, *, subject: str, rules: Iterable[str] | None = None, recipient_id: int | None = None) -> None:
    """The subject's work is done: its open reminders (of these rules, to this recipient) leave the unread count.
    The caller commits, with the change that did the work."""
    statement = update(Notification).where(Notification.subject == subject, Notification.closed_at.is_(None))
    if rules is not None:
        statement = statement.where(Notification.rule.in_(list(rules)))
    if recipient_id is not None:
        statement = statement.where(Notification.recipient_id == recipient_id)
    session.exec(statement.values(closed_at=utcnow()))


# Filled by tracker.reminders.rules: a record type -> (the rules that remind of it, is its work done?)
SETTLERS: dict[type, list[tuple[str, Callable[[SQLModel], bool]]]] = {}


def settle(session: Session, record: SQLModel) -> None:
    """After a status change (tracker.workflow.make_move): close the reminders whose work the record has done."""
    done = [rule for rule, is_done in SETTLERS.get(type(record), ()) if is_done(record)]
    if done:
        close(session, subject=subject_of(record), rules=done)
