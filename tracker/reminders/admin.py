"""The admin's view of reminders: the rules' settings, the outbox, the scheduler's leader and jobs."""

from dataclasses import dataclass

from sqlmodel import Session, func, select

from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import utcnow
from tracker.editing import editing
from tracker.errors import NotFound
from tracker.reminders import jobs
from tracker.reminders.forms import RuleInput
from tracker.reminders.models import Delivery, JobRun, Notification, ReminderRule, SchedulerLease
from tracker.reminders.rules import BY_KEY, Rule


@dataclass(frozen=True)
class Outbox:
    by_delivery: dict[Delivery, int]  # emails by state
    unread: int  # reminders open and unread, everyone's
    failures: list[Notification]  # the latest emails given up on


@dataclass(frozen=True)
class Status:
    rules: list[tuple[Rule, ReminderRule]]
    outbox: Outbox
    leader: SchedulerLease | None
    leader_alive: bool
    jobs: list[tuple[str, str, JobRun | None]]  # job, what it does, its last run


def status(session: Session) -> Status:
    saved = {row.key: row for row in session.exec(select(ReminderRule)).all()}
    counts = dict(session.exec(select(Notification.email, func.count()).group_by(Notification.email)).all())
    unread = session.exec(select(func.count()).select_from(Notification).where(
        Notification.closed_at.is_(None), Notification.read_at.is_(None))).one()
    failures = list(session.exec(select(Notification).where(Notification.email == Delivery.FAILED)
                                 .order_by(Notification.id.desc()).limit(10)).all())
    leader = session.exec(select(SchedulerLease)).first()
    runs = {run.job: run for run in session.exec(select(JobRun)).all()}
    return Status(rules=[(BY_KEY[key], saved[key]) for key in BY_KEY if key in saved],
                  outbox=Outbox({state: counts.get(state, 0) for state in Delivery}, unread, failures),
                  leader=leader, leader_alive=leader is not None and leader.expires_at > utcnow(),
                  jobs=[(job, what, runs.get(job)) for job, (what, _) in jobs.JOBS.items()])


def get_rule(session: Session, *, key: str) -> ReminderRule:
    rule = session.exec(select(ReminderRule).where(ReminderRule.key == key)).first()
    if rule is None:
        raise NotFound("No such reminder rule.")
    return rule


def update_rule(session: Session, *, rule: ReminderRule, data: RuleInput, by: User) -> ReminderRule:
    """Switch a rule on or off, change its lead time or its recipients (in the history)."""
    with editing(session, rule, action="reminders.manage", seen=data.version, by=by) as edit:
        edit.fields(data.model_dump(include={"enabled", "days", "recipients"}))
    return rule


def run_now(session: Session, *, job: str, by: User) -> str:
    authorize(by, "reminders.manage")
    if job not in jobs.WEB_RUNNABLE:
        raise NotFound("No such job.")
    return jobs.run(session, job)
