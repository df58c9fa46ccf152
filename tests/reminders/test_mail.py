"""Reminders by email through a real SMTP server on loopback (aiosmtpd). From the requirement (issue 10):

- each person chooses immediately, a daily digest, or off; no SMTP server configured: no email;
- an email has plain-text and HTML parts, a link to the subject and a link to change the preference;
- a failed send is retried with backoff and never lost or doubled; a permanent refusal is given up on;
- the digest groups a person's reminders into one email.
"""

import email
import socket
import time
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session, select

from tracker.auth.models import ReminderEmail
from tracker.auth.roles import Role
from tracker.reminders import mail
from tracker.reminders.models import Delivery, Notification

NOW = datetime(2027, 3, 10, 8, tzinfo=UTC)


class Inbox:
    """What the SMTP server accepted; refuses recipients whose address starts with "nobody", and a whole message
    once it has it when `refuse_data` says so (a full mailbox: 452; a policy refusal: 554)."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse_data = ""

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith("nobody"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_data:
            return self.refuse_data
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(app):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_TLS="none",
                      SMTP_FROM="tracker@example.org", BASE_URL="https://tracker.example.org")
    yield handler
    controller.stop()


@pytest.fixture
def remind(db, make_user):
    def make(*, to=None, title="Commitment due 2027-03-12: Draft the checklist", choice=ReminderEmail.IMMEDIATE,
             **fields):
        user = to or make_user(Role.MEMBER, reminder_email=choice, email=fields.pop("email", None) or
                               f"person{len(db.exec(select(Notification)).all())}@example.org")
        n = Notification(rule="commitment_due", subject=f"commitment:{fields.pop('subject', 1)}",
                         recipient_id=user.id, period=fields.pop("period", "due:2027-03-12"), title=title,
                         link="/plans/1#commitment-1", **fields)
        db.add(n)
        db.commit()
        return n
    return make


def run(app, db, job=mail.send_immediate, now=NOW):
    with app.app_context():
        result = job(db, now=now)
    db.expire_all()
    return result


def test_an_immediate_reminder_is_one_email_with_its_links_in_text_and_html(app, db, inbox, remind):
    reminder = remind(email="mo@example.org")
    assert run(app, db).sent == 1
    [message] = inbox.messages
    assert message["To"] == "mo@example.org" and message["From"] == "tracker@example.org"
    assert message["Subject"] == "Commitment due 2027-03-12: Draft the checklist"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (text, html):
        assert f"https://tracker.example.org/notifications/{reminder.id}/open" in part
        assert "https://tracker.example.org/notifications/settings" in part
    assert db.get(Notification, reminder.id).email == Delivery.SENT
    assert run(app, db).sent == 0 and len(inbox.messages) == 1  # never twice


def test_digest_people_get_one_email_a_day_with_all_their_reminders(app, db, inbox, remind, make_user):
    person = make_user(Role.MEMBER, email="di@example.org", reminder_email=ReminderEmail.DIGEST)
    for n in range(3):
        remind(to=person, subject=n, title=f"Reminder {n}")
    assert run(app, db).sent == 0  # not with the immediate ones
    assert run(app, db, mail.send_digests).sent == 1
    [digest] = inbox.messages
    assert digest["Subject"] == "Your reminders: 3 waiting"
    text = digest.get_body(("plain",)).get_content()
    assert all(f"Reminder {n}" in text for n in range(3))
    assert run(app, db, mail.send_digests).sent == 0


def test_people_who_chose_no_email_get_none(app, db, inbox, remind):
    reminder = remind(choice=ReminderEmail.OFF)
    run(app, db)
    run(app, db, mail.send_digests)
    assert inbox.messages == [] and db.get(Notification, reminder.id).email == Delivery.SKIPPED


def test_without_an_smtp_server_no_email_is_tried(app, db, remind):
    app.config["SMTP_HOST"] = ""
    reminder = remind()
    assert run(app, db).skipped == 1
    assert db.get(Notification, reminder.id).email == Delivery.SKIPPED


def test_a_reminder_done_before_its_email_went_gets_none(app, db, inbox, remind):
    reminder = remind(closed_at=NOW)
    run(app, db)
    assert inbox.messages == [] and db.get(Notification, reminder.id).email == Delivery.SKIPPED


def test_a_failed_send_is_retried_with_backoff_then_sent_once(app, db, inbox, remind):
    port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()  # nobody listens there
    reminder = remind()
    assert run(app, db).retried == 1
    pending = db.get(Notification, reminder.id)
    assert (pending.email, pending.email_attempts) == (Delivery.PENDING, 1)
    assert pending.email_next_at == NOW + timedelta(minutes=1)  # the first wait
    app.config["SMTP_PORT"] = port
    assert run(app, db, now=NOW + timedelta(seconds=59)).sent == 0  # not before its time
    assert run(app, db, now=NOW + timedelta(minutes=1)).sent == 1
    assert len(inbox.messages) == 1


def test_after_the_last_retry_the_email_has_failed(app, db, inbox, remind):
    app.config["SMTP_PORT"] = free_port()
    reminder = remind()
    moment = NOW
    for wait in (1, 5, 15, 60, 240):  # minutes, as the backoff goes
        run(app, db, now=moment)
        moment += timedelta(minutes=wait)
    assert run(app, db, now=moment).failed == 1
    failed = db.get(Notification, reminder.id)
    assert (failed.email, failed.email_attempts) == (Delivery.FAILED, 6)


def test_a_refused_recipient_is_given_up_on_at_once_and_the_others_still_go(app, db, inbox, remind):
    refused = remind(email="nobody@example.org", subject=1)
    remind(email="mo@example.org", subject=2)
    result = run(app, db)
    assert (result.sent, result.failed) == (1, 1)
    assert db.get(Notification, refused.id).email == Delivery.FAILED
    assert "550" in db.get(Notification, refused.id).email_error
    assert [m["To"] for m in inbox.messages] == ["mo@example.org"]


def test_a_mailer_that_loses_the_race_sends_nothing(app, db, inbox, remind, monkeypatch):
    """Another mailer marks the reminder sent while this one is handing the message over: the server drops this
    copy (it never gets the final dot)."""
    reminder = remind()
    real = mail._claim

    def someone_else_first(session, ids):
        with Session(session.get_bind()) as other:  # another mailer, on its own connection, claims it first
            other.exec(Notification.__table__.update().where(Notification.id.in_(ids))
                       .values(email=Delivery.SENDING))
            other.commit()
        return real(session, ids)
    monkeypatch.setattr(mail, "_claim", someone_else_first)
    run(app, db)
    time.sleep(0.3)  # the server's thread would have taken a finished message by now
    assert inbox.messages == []
    assert db.get(Notification, reminder.id).email == Delivery.SENDING  # the other mailer's, to finish


def test_a_mailer_that_dies_before_marking_sends_nothing_and_the_next_run_sends_once(app, db, inbox, remind,
                                                                                     monkeypatch):
    reminder = remind()

    def die(session, ids):
        raise KeyboardInterrupt  # killed mid-send, before the reminder was claimed
    monkeypatch.setattr(mail, "_claim", die)
    with pytest.raises(KeyboardInterrupt):
        run(app, db)
    time.sleep(0.3)
    assert inbox.messages == []
    monkeypatch.undo()
    db.rollback()
    assert db.get(Notification, reminder.id).email == Delivery.PENDING
    assert run(app, db).sent == 1 and len(inbox.messages) == 1


@pytest.mark.parametrize("reply, state, attempts", [("452 4.2.2 Mailbox full", Delivery.PENDING, 1),
                                                    ("554 5.7.1 Refused by policy", Delivery.FAILED, 1)])
def test_a_message_refused_after_its_end_is_retried_or_given_up_not_taken_for_sent(app, db, inbox, remind, reply,
                                                                                  state, attempts):
    inbox.refuse_data = reply
    reminder = remind()
    run(app, db)
    refused = db.get(Notification, reminder.id)
    assert (refused.email, refused.email_attempts) == (state, attempts)
    assert reply[:3] in refused.email_error


def test_a_title_over_several_lines_makes_a_one_line_subject(app, db, inbox, remind):
    remind(title="Noncompliance due 2027-03-12: No review records\nfor the design\r\nbaseline")
    assert run(app, db).sent == 1
    subject = inbox.messages[0]["Subject"].strip()  # (a long header is folded: the parser keeps a leading space)
    assert subject == "Noncompliance due 2027-03-12: No review records for the design baseline"


def test_a_failed_digest_is_retried_by_the_mailer_after_its_wait(app, db, inbox, remind, make_user):
    person = make_user(Role.MEMBER, reminder_email=ReminderEmail.DIGEST)
    remind(to=person)
    port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()
    assert run(app, db, mail.send_digests).retried == 1
    app.config["SMTP_PORT"] = port
    assert run(app, db, lambda session, now: mail.send_digests(session, now=now, retries_only=True),
               now=NOW + timedelta(minutes=1)).sent == 1
