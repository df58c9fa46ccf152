"""The scheduled jobs, run by the scheduler (tracker/reminders/scheduler.py), the admin page's "run now" and the
command line alike, each run recorded for the admin page: when it started and finished, what it did, its error."""

import logging
import traceback
from collections.abc import Callable
from datetime import datetime

from flask import current_app
from sqlmodel import Session

from tracker.db import refresh_statistics, utcnow
from tracker.reminders.mail import send_digests, send_immediate
from tracker.reminders.models import JobRun
from tracker.reminders.sweep import sweep

log = logging.getLogger(__name__)

# job -> what it does, given a session and the moment it runs as; returns a line for the admin page.
JOBS: dict[str, tuple[str, Callable[[Session, datetime], object]]] = {
    "sweep": ("Make the reminders that are due, close those that are done",
              lambda session, now: sweep(session, now=now)),
    "mail": ("Email the reminders of people who want them at once (and retry failed digests)",
             lambda session, now: _mail(session, now)),
    "digest": ("Email the daily digest to people who chose it", lambda session, now: send_digests(session, now=now)),
    "statistics": ("Refresh the database's statistics, so queries keep their fast plans as data grows (daily)",
                   lambda session, now: refresh_statistics(session)),
    "backup": ("Back up the database and files, keep the newest TRACKER_BACKUP_KEEP (daily at TRACKER_BACKUP_HOUR)",
               lambda session, now: _backup()),
}


WEB_RUNNABLE = frozenset({"sweep", "mail", "digest", "statistics"})  # the backup runs in the scheduler only, never a web worker


def _backup() -> str:
    from tracker.backup import scheduled  # the scheduler's process only: not imported by every web worker

    return scheduled(current_app.config)


def _mail(session: Session, now: datetime) -> str:
    immediate, retried = send_immediate(session, now=now), send_digests(session, now=now, retries_only=True)
    return f"{immediate}; digests retried: {retried.sent} sent" if retried.sent or retried.retried else str(immediate)


def run(session: Session, job: str, *, now: datetime | None = None, next_run_at: datetime | None = None) -> str:
    """Run a job now and record the run; an error is recorded and logged, never raised (the scheduler goes on)."""
    now = now or utcnow()
    record = session.get(JobRun, job) or JobRun(job=job)
    record.last_started_at, record.runs = now, record.runs + 1
    session.add(record)
    session.commit()
    try:
        outcome, error = str(JOBS[job][1](session, now)), ""
    except Exception:
        session.rollback()
        log.exception("job %s failed", job)
        outcome, error = "failed", traceback.format_exc(limit=3)[-2000:]
    record = session.get(JobRun, job)
    record.last_finished_at, record.last_result, record.last_error = utcnow(), outcome[:500], error
    if next_run_at is not None:
        record.next_run_at = next_run_at
    session.add(record)
    session.commit()
    return outcome
