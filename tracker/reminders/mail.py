"""Reminders by email, through the SMTP server configured in TRACKER_SMTP_* (none: no email, in the app only).

Each person chooses immediately (one email per reminder), a daily digest, or none. A reminder's email is sent
once: the message is handed to the SMTP server up to, not including, the dot that ends it; then the reminder is
marked *sending* in one conditional write (only if still pending) and committed; only then is the dot sent, the
moment the server takes the message, and on its 250 the reminder is marked sent. Two mailers racing for one
reminder both reach the dot, but only the one whose write won sends it; the other hangs up, and the server drops
its copy. A mailer that dies before its write leaves the reminder pending (the server dropped the unfinished
message) and the next run sends it. A refusal, before or after the dot, is retried with backoff (BACKOFF) and,
after the last try, marked failed. A mailer that dies between its write and the server's answer (a moment)
leaves the reminder *sending*: it may or may not have arrived, so it is not sent again, and the admin's outbox
shows it.
"""

import logging
import re
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, render_template
from sqlmodel import Session, select

from tracker.auth.models import ReminderEmail, User
from tracker.db import utcnow
from tracker.reminders.models import Delivery, Notification
from tracker.reminders.rules import path_for

log = logging.getLogger(__name__)
BACKOFF = (1, 5, 15, 60, 240)  # minutes before the 2nd, 3rd, ... try; after the last try the email has failed
BATCH = 500  # reminders per run of the mailer (the next run takes the rest)
CRLF = b"\r\n"


@dataclass
class MailResult:
    sent: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"{self.sent} emails sent, {self.retried} to retry, {self.failed} failed, {self.skipped} not needed"


class Refused(Exception):
    """The SMTP server refused a message; `permanent` when trying again will not help (a 5xx reply)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


def configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def send_immediate(session: Session, *, now: datetime | None = None) -> MailResult:
    """The mailer's run: the pending emails of people who want them at once (or none at all: skipped)."""
    now, result = now or utcnow(), MailResult()
    _skip_unwanted(session, result)
    due = session.exec(_pending(now).where(User.reminder_email == ReminderEmail.IMMEDIATE).limit(BATCH)).all()
    return _send_all(session, [([n.id], _message([n], user, digest=False)) for n, user in due], now, result)


def send_digests(session: Session, *, now: datetime | None = None, retries_only: bool = False) -> MailResult:
    """The daily digest: one email per person who chose it, with all their pending reminders; `retries_only`
    (the mailer's runs): only the digests that failed and whose wait is over."""
    now, result = now or utcnow(), MailResult()
    _skip_unwanted(session, result)
    wanted = _pending(now).where(User.reminder_email == ReminderEmail.DIGEST)
    if retries_only:
        wanted = wanted.where(Notification.email_attempts > 0)
    rows = session.exec(wanted).all()
    by_user: dict[int, tuple[User, list[Notification]]] = {}
    for notification, user in rows:
        by_user.setdefault(user.id, (user, []))[1].append(notification)
    return _send_all(session, [([n.id for n in notifications], _message(notifications, user, digest=True))
                               for user, notifications in by_user.values()], now, result)


def _send_all(session: Session, messages: list[tuple[list[int], EmailMessage]], now: datetime,
              result: MailResult) -> MailResult:
    """Send each message (carrying the reminders of these ids) over one connection, opening another when a
    message had to be abandoned half-sent (the only way to make the server drop it is to hang up)."""
    waiting = list(messages)
    while waiting:
        try:
            with _smtp() as smtp:
                while waiting:
                    ids, message = waiting[0]
                    try:
                        _send_once(smtp, message, commit=lambda ids=ids: _claim(session, ids))
                        _mark(session, ids, Delivery.SENT, email_sent_at=now, email_error="")
                        result.sent += 1
                    except Refused as error:
                        smtp.rset()
                        _retry_or_fail(session, ids, str(error), now, result, permanent=error.permanent)
                    waiting.pop(0)
        except _Lost:  # another mailer sent it first: this copy was cut off unfinished, and the server drops it
            waiting.pop(0)
        except (OSError, smtplib.SMTPException) as error:  # the connection failed: the rest wait for a retry
            log.warning("SMTP server unreachable: %s", error)
            for ids, _ in waiting:
                _retry_or_fail(session, ids, str(error), now, result, permanent=False)
            break
    return result


def _pending(now: datetime):
    return (select(Notification, User).join(User, User.id == Notification.recipient_id)
            .where(Notification.email == Delivery.PENDING, Notification.closed_at.is_(None),
                   sa.or_(Notification.email_next_at.is_(None), Notification.email_next_at <= now))
            .order_by(Notification.id))


def _skip_unwanted(session: Session, result: MailResult) -> None:
    """Pending emails no one will get: no SMTP server, the person wants none, or the reminder is done already."""
    table = Notification.__table__
    unwanted = table.c.closed_at.is_not(None) | table.c.recipient_id.in_(
        select(User.id).where(sa.or_(User.reminder_email == ReminderEmail.OFF, User.active.is_(False))))
    if not configured():
        unwanted = sa.true()
    result.skipped += session.exec(sa.update(table).where(table.c.email == Delivery.PENDING, unwanted)
                                   .values(email=Delivery.SKIPPED)).rowcount
    session.commit()


class _Lost(Exception):
    """Another mailer claimed these reminders first."""


def _claim(session: Session, ids: list[int]) -> None:
    """Pending -> sending, for all of them or none (another mailer has them): committed before the final dot."""
    table = Notification.__table__
    claimed = session.exec(sa.update(table).where(table.c.id.in_(ids), table.c.email == Delivery.PENDING)
                           .values(email=Delivery.SENDING)).rowcount
    if claimed != len(ids):
        session.rollback()
        raise _Lost()
    session.commit()


def _mark(session: Session, ids: list[int], state: Delivery, **values) -> None:
    table = Notification.__table__
    session.exec(sa.update(table).where(table.c.id.in_(ids)).values(email=state, **values))
    session.commit()


def _retry_or_fail(session: Session, ids: list[int], error: str, now: datetime, result: MailResult, *,
                   permanent: bool) -> None:
    """Try again after the next wait, or give up: for the reminders not sent (a refusal after the dot leaves them
    claimed, sending)."""
    session.rollback()
    table = Notification.__table__
    unsent = (Delivery.PENDING, Delivery.SENDING)
    for notification in session.exec(select(Notification).where(Notification.id.in_(ids))).all():
        if notification.email not in unsent:
            continue  # sent before the connection failed
        attempts = notification.email_attempts + 1
        gives_up = permanent or attempts > len(BACKOFF)
        session.exec(sa.update(table).where(table.c.id == notification.id, table.c.email.in_(unsent)).values(
            email_attempts=attempts, email_error=error[:500],
            email=Delivery.FAILED if gives_up else Delivery.PENDING,
            email_next_at=None if gives_up else now + timedelta(minutes=BACKOFF[attempts - 1])))
        if gives_up:
            result.failed += 1
        else:
            result.retried += 1
    session.commit()


def _send_once(smtp: smtplib.SMTP, message: EmailMessage, *, commit) -> None:
    """SMTP's DATA split at its last step: the message, then `commit()`, then the dot that has the server accept
    it. A refusal before the dot raises Refused and nothing is committed."""
    smtp.ehlo_or_helo_if_needed()
    _expect(smtp.mail(message["From"]), 250)
    _expect(smtp.rcpt(message["To"]), 250, 251)
    _expect(smtp.docmd("data"), 354)
    body = re.sub(rb"(?m)^\.", b"..", re.sub(rb"(?:\r\n|\n|\r(?!\n))", CRLF, message.as_bytes()))
    if not body.endswith(CRLF):
        body += CRLF
    smtp.send(body)
    commit()
    smtp.send(b"." + CRLF)
    code, reply = smtp.getreply()
    if code != 250:  # refused after all: not delivered, so it is tried again (or has failed)
        log.warning("SMTP server refused a message after its end: %s %s", code, reply)
        raise Refused(f"{code} {reply.decode(errors='replace')}", permanent=code >= 500)


def _expect(answer: tuple[int, bytes], *codes: int) -> None:
    code, reply = answer
    if code not in codes:
        raise Refused(f"{code} {reply.decode(errors='replace')}", permanent=code >= 500)


@contextmanager
def _smtp() -> Iterator[smtplib.SMTP]:
    config = current_app.config
    host, port, tls = config["SMTP_HOST"], int(config["SMTP_PORT"]), str(config["SMTP_TLS"]).lower()
    timeout = float(config["SMTP_TIMEOUT"])
    if tls == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
        yield smtp
    except BaseException:
        smtp.close()  # hang up, without QUIT: a message cut off in DATA is dropped by the server
        raise
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _message(notifications: list[Notification], user: User, *, digest: bool) -> EmailMessage:
    """Plain text and HTML, each reminder with a link to its subject and a link to change the preference."""
    base = current_app.config["BASE_URL"].rstrip("/")
    items = [{"title": n.title, "due_on": n.due_on, "escalation": n.escalation,
              "link": base + path_for("reminders.open_subject", notification_id=n.id)} for n in notifications]
    context = {"user": user, "items": items, "digest": digest, "settings": base + path_for("reminders.settings"),
               "centre": base + path_for("reminders.index")}
    message = EmailMessage()
    subject = f"Your reminders: {len(items)} waiting" if digest else items[0]["title"]
    message["Subject"] = " ".join(subject.split())[:200]  # one line, whatever the reminder's title holds
    message["From"] = current_app.config["SMTP_FROM"]
    message["To"] = user.email
    message["Date"] = formatdate(utcnow().timestamp(), usegmt=True)
    domain = urlsplit(base).hostname or "tracker"
    first = notifications[0]
    message["Message-ID"] = (f"<digest-{user.id}-{first.id}@{domain}>" if digest else f"<reminder-{first.id}@{domain}>")
    message.set_content(render_template("reminders/email.txt", **context))
    message.add_alternative(render_template("reminders/email.html", **context), subtype="html")
    return message
