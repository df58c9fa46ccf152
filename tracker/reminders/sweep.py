"""The sweep: every rule's due items become reminders, exactly once.

Each reminder is keyed by (rule, subject, recipient, period) under a unique constraint, so a re-run, a restart or a
second scheduler never makes one twice: the sweep inserts only the keys it does not hold open, and the database
keeps a key another sweep inserted meanwhile once. A reminder whose item is no longer due (done, moved, decided) is
closed; one whose item is due again is reopened (its email is not sent again). Each rule commits on its own, and a
rule that fails is logged and skipped while the sweep goes on with the rest.
"""

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.auth.models import User, holding
from tracker.auth.roles import Role
from tracker.db import utcnow
from tracker.reminders.models import Delivery, Notification, Recipients, ReminderRule
from tracker.reminders.rules import ESCALATE, ESCALATION, RULES, Item, Rule, plain_rows

log = logging.getLogger(__name__)
CHUNK = 5000  # ids per IN (...) list: well under SQLite's limit on bound parameters
KEY = ("rule", "subject", "recipient_id", "period")


@dataclass
class SweepResult:
    created: int = 0  # made, or made again (a closed reminder whose item is due again)
    closed: int = 0
    failed: list[str] = field(default_factory=list)  # "rule: error" per rule or item that failed
    seconds: float = 0.0

    def __str__(self) -> str:
        failed = f", {len(self.failed)} failed" if self.failed else ""
        return f"{self.created} reminders made, {self.closed} closed{failed} in {self.seconds:.2f} s"


@dataclass(frozen=True)
class Setting:
    enabled: bool
    days: int
    recipients: Recipients


def settings(session: Session) -> dict[str, Setting]:
    """Every rule's settings: the admin's, else the catalog's defaults."""
    saved = {row.key: row for row in session.exec(select(ReminderRule)).all()}
    return {rule.key: Setting(saved[rule.key].enabled, saved[rule.key].days, saved[rule.key].recipients)
            if rule.key in saved else Setting(True, rule.days, rule.recipients) for rule in (*RULES, ESCALATE)}


def sweep(session: Session, *, now: datetime | None = None) -> SweepResult:
    """Make the reminders due `now` (default: the app's clock), close those no longer due; commit rule by rule."""
    started, now = time.perf_counter(), now or utcnow()
    result = SweepResult()
    rules = settings(session)
    active = set(session.exec(select(User.id).where(User.active)).all())
    process_group = tuple(sorted(session.exec(select(User.id).where(User.active, holding(Role.PROCESS_GROUP)))))
    escalation = rules[ESCALATION]
    for rule in RULES:
        setting = rules[rule.key]
        try:
            if not setting.enabled:  # switched off: what it reminded of leaves the unread counts
                _apply(session, rule.key, {}, now, result)
                session.commit()
                continue
            items = list(rule.find(session, now.date(), setting.days))
            wanted = _wanted(rule, items, setting, escalation, now, active, process_group, result)
            _apply(session, rule.key, wanted, now, result)
            session.commit()
        except Exception as error:  # one rule's failure must not stop the others
            session.rollback()
            log.exception("reminder rule %s failed", rule.key)
            result.failed.append(f"{rule.key}: {error}")
    result.seconds = time.perf_counter() - started
    return result


def _wanted(rule: Rule, items: Iterable[Item], setting: Setting, escalation: Setting, now: datetime,
            active: set[int], process_group: tuple[int, ...], result: SweepResult) -> dict[tuple, tuple]:
    """The reminders the rule's items call for today, by key."""
    wanted: dict[tuple, tuple] = {}
    escalate_before = now.date() - timedelta(days=escalation.days)
    for item in items:
        try:
            owners = tuple(user for user in item.owners if user in active)
            row = _row(item, escalation=False)
            for recipient in _recipients(setting.recipients, owners, process_group):
                wanted[(rule.key, item.subject, recipient, item.period)] = row
            if escalation.enabled and item.overdue_since is not None and item.overdue_since < escalate_before:
                above = tuple(user for user in item.escalate_to if user in active) or process_group
                for recipient in above:
                    wanted[(rule.key, item.subject, recipient, f"escalated:{item.period}")] = _row(item, escalation=True)
        except Exception as error:
            log.exception("reminder rule %s failed on %s", rule.key, item.subject)
            result.failed.append(f"{rule.key} {item.subject}: {error}")
    return wanted


def _recipients(recipients: Recipients, owners: tuple[int, ...], process_group: tuple[int, ...]) -> tuple[int, ...]:
    if recipients == Recipients.PROCESS_GROUP:
        return process_group
    if recipients == Recipients.OWNER_AND_PG:
        return tuple(sorted({*owners, *process_group}))
    return owners or process_group


def _row(item: Item, *, escalation: bool) -> tuple:
    """The reminder's own columns: title, link, due_on, escalation."""
    title = " ".join((f"Escalated: {item.title}" if escalation else item.title).split())  # one line
    return title[:300], item.link[:300], item.due_on, escalation


def _apply(session: Session, rule: str, wanted: dict[tuple, tuple], now: datetime, result: SweepResult) -> None:
    table = Notification.__table__
    open_rows = {(rule, subject, recipient, period): id_ for id_, subject, recipient, period in plain_rows(session,
        select(Notification.id, Notification.subject, Notification.recipient_id, Notification.period)
        .where(Notification.rule == rule, Notification.closed_at.is_(None)))}
    stale = [id_ for key, id_ in open_rows.items() if key not in wanted]
    for ids in _chunks(stale):
        result.closed += session.exec(sa.update(table).where(table.c.id.in_(ids)).values(closed_at=now)).rowcount
    _insert(session, [(*key, *row) for key, row in wanted.items() if key not in open_rows], now, result)


COLUMNS = (*KEY, "title", "link", "due_on", "escalation", "created_at", "email", "email_attempts", "email_error")
POSTGRES_TYPES = ("text", "text", "int4", "text", "text", "text", "date", "bool", "timestamptz", "text", "int4", "text")


def _insert(session: Session, rows: list[tuple], now: datetime, result: SweepResult) -> None:
    """INSERT ... ON CONFLICT (the reminder's key): a key another sweep made meanwhile is kept once, a closed one
    is reopened; the row count is the rows made or reopened. One driver call for all the rows (COPY on
    PostgreSQL), the values as the column types store them: a hundred thousand rows through the ORM's parameter
    handling cost seconds."""
    if not rows:
        return
    connection = session.connection()
    table = Notification.__table__
    dialect = connection.dialect
    stored = {name: table.c[name].type.dialect_impl(dialect).bind_processor(dialect) or (lambda value: value)
              for name in COLUMNS}
    constant = (stored["created_at"](now), stored["email"](Delivery.PENDING.value), 0, "")
    day, flag = stored["due_on"], stored["escalation"]
    values = [(rule, subject, recipient, period, title, link, day(due_on), flag(escalation), *constant)
              for rule, subject, recipient, period, title, link, due_on, escalation in rows]
    names = ", ".join(COLUMNS)
    # A reminder made before and closed since is due again: reopened (its email is not sent again).
    # (Not one closed while this sweep ran: its work was done after the sweep read what is due.)
    upsert = (f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET closed_at = NULL "
              "WHERE notification.closed_at IS NOT NULL AND notification.closed_at < excluded.created_at")
    if dialect.name == "postgresql":  # COPY into a scratch table, then one INSERT: no round trip per row
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE notification_new ON COMMIT DROP AS "
                           f"SELECT {names} FROM notification WITH NO DATA")
            with cursor.copy(f"COPY notification_new ({names}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(POSTGRES_TYPES)
                for row in values:
                    copy.write_row(row)
            cursor.execute(f"INSERT INTO notification ({names}) SELECT {names} FROM notification_new {upsert}")
            result.created += cursor.rowcount
            cursor.execute("DROP TABLE notification_new")
        return
    sql = f"INSERT INTO notification ({names}) VALUES ({', '.join('?' * len(COLUMNS))}) {upsert}"
    result.created += connection.exec_driver_sql(sql, values).rowcount


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
