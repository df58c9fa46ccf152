"""The scheduler: APScheduler runs the reminder jobs in one process beside the web servers, and exactly one such
process acts at a time, on one machine or many.

Leadership is a database lock: on PostgreSQL a session-level advisory lock held on a connection of its own (it
goes the moment the process or its connection dies); on SQLite a lease row the leader renews, which another
scheduler takes once it has expired. A scheduler that is not the leader stands by and tries again every few
seconds. The leader checks it still leads before each job runs.

The jobs themselves are safe to run twice (the sweep's unique key; the mailer claims each email before sending
it), so leadership saves work and noise rather than guarding correctness. After downtime the leader's first run
catches up: the sweep finds everything that fell due meanwhile (it compares dates, it does not replay events), and
a digest day missed is sent at start.
"""

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy.pool import NullPool
from sqlmodel import Session

from tracker.db import utcnow
from tracker.reminders import jobs
from tracker.reminders.models import JobRun, SchedulerLease

log = logging.getLogger(__name__)
LOCK_KEY = 0x5EC1A5  # the advisory lock's number: any constant the app uses for nothing else
NAME = "scheduler"


class Leadership:
    """Whether this process is the one scheduler that acts; see the module's docstring."""

    def __init__(self, engine: sa.Engine, *, holder: str | None = None, lease: float = 30.0) -> None:
        self.engine, self.lease = engine, timedelta(seconds=lease)
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.postgres = engine.dialect.name == "postgresql"
        # The lock lives as long as its connection: one of its own, never returned to (and kept open by) a pool.
        # Autocommit: asking whether it still holds never leaves the session idle in a transaction.
        self._lock_engine = (sa.create_engine(engine.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
                             if self.postgres else None)
        self._lock_connection: sa.Connection | None = None
        self._mutex = threading.Lock()  # the main loop and the jobs' threads ask at once

    def hold(self) -> bool:
        """Take or keep the lead; False while another scheduler holds it."""
        with self._mutex:
            return self._hold()

    def _hold(self) -> bool:
        try:
            held = self._hold_lock() if self.postgres else True
            return held and self._hold_lease()
        except sa.exc.DBAPIError:
            log.exception("could not reach the database to hold the scheduler's lead")
            self._drop_lock()
            return False

    def release(self) -> None:
        with self._mutex:
            self._release()

    def _release(self) -> None:
        try:
            with Session(self.engine) as session:
                session.exec(sa.delete(SchedulerLease).where(SchedulerLease.name == NAME,
                                                             SchedulerLease.holder == self.holder))
                session.commit()
        finally:
            self._drop_lock()

    def _hold_lock(self) -> bool:
        if self._lock_connection is not None:
            self._lock_connection.execute(sa.text("SELECT 1"))  # still connected, so still holding the lock
            return True
        connection = self._lock_engine.connect()
        if connection.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}).scalar():
            self._lock_connection = connection
            return True
        connection.close()
        return False

    def _drop_lock(self) -> None:
        if self._lock_connection is not None:
            try:
                self._lock_connection.close()  # the session ends, and with it the advisory lock
            finally:
                self._lock_connection = None

    def _hold_lease(self) -> bool:
        """Renew our lease, or take one that expired, in one conditional write (one winner)."""
        now = utcnow()
        table = SchedulerLease.__table__
        ours_or_free = sa.or_(table.c.holder == self.holder, table.c.expires_at < now)
        if self.postgres:  # the advisory lock decides; the row only tells the admin page who holds it
            ours_or_free = sa.true()
        with Session(self.engine) as session:
            taken = session.exec(sa.update(table).where(table.c.name == NAME, ours_or_free).values(holder=self.holder, expires_at=now + self.lease,
                        acquired_at=sa.case((table.c.holder == self.holder, table.c.acquired_at), else_=now))
            ).rowcount
            if not taken:
                try:
                    session.add(SchedulerLease(name=NAME, holder=self.holder, acquired_at=now,
                                               expires_at=now + self.lease))
                    session.commit()
                    return True
                except sa.exc.IntegrityError:  # someone else's lease, not expired
                    session.rollback()
                    return False
            session.commit()
            return True


class Scheduler:
    """Stand by until this process leads, then run the jobs on their triggers; stand down if the lead is lost."""

    def __init__(self, app: Flask, *, holder: str | None = None, lease: float = 30.0,
                 triggers: dict[str, object] | None = None) -> None:
        self.app = app
        self.leadership = Leadership(app.extensions["tracker.engine"], holder=holder, lease=lease)
        self.triggers = triggers or default_triggers(app)
        self.poll = lease / 3
        self._jobs: BackgroundScheduler | None = None
        self.stopped = threading.Event()

    def run(self) -> None:
        """Until stopped (SIGTERM, Ctrl-C, or `stop()`)."""
        log.info("scheduler %s standing by", self.leadership.holder)
        try:
            while not self.stopped.is_set():
                if self.leadership.hold():
                    if self._jobs is None:
                        self._start_jobs()
                elif self._jobs is not None:
                    log.warning("scheduler %s lost the lead", self.leadership.holder)
                    self._stop_jobs()
                self.stopped.wait(self.poll)
        finally:
            self._stop_jobs()
            self.leadership.release()

    def stop(self) -> None:
        self.stopped.set()

    def _start_jobs(self) -> None:
        log.info("scheduler %s leads", self.leadership.holder)
        self._jobs = BackgroundScheduler(timezone="UTC", job_defaults={
            # A run missed while the process was busy or down is run once when it can be, however late: the
            # jobs catch up by themselves (they read what is due now), so one late run is all that is needed.
            "coalesce": True, "misfire_grace_time": None, "max_instances": 1})
        now = datetime.now(UTC)
        for job, trigger in self.triggers.items():
            # The sweep and the mailer run at once on taking the lead: whatever fell due while no one led.
            first = now if not isinstance(trigger, CronTrigger) or self._missed(job, trigger) else None
            self._jobs.add_job(self._guarded(job), trigger, id=job, name=job, next_run_time=first)
        self._jobs.start()

    def _stop_jobs(self) -> None:
        if self._jobs is not None:
            self._jobs.shutdown(wait=True)
            self._jobs = None

    def _missed(self, job: str, trigger: CronTrigger) -> bool:
        """Whether a daily job's last run is older than its last scheduled time (the process was down then)."""
        with self.app.app_context(), Session(self.app.extensions["tracker.engine"]) as session:
            last = session.get(JobRun, job)
        now = utcnow()
        previous = trigger.get_next_fire_time(None, now - timedelta(days=1))
        return previous is not None and previous <= now and (last is None or last.last_started_at is None
                                                              or last.last_started_at < previous)

    def _guarded(self, job: str) -> Callable[[], None]:
        def run_if_leading() -> None:
            if not self.leadership.hold():
                log.warning("scheduler %s skipped %s: not the leader", self.leadership.holder, job)
                return
            following = self.triggers[job].get_next_fire_time(None, datetime.now(UTC))  # (no scheduler lock taken)
            with self.app.app_context(), Session(self.app.extensions["tracker.engine"]) as session:
                jobs.run(session, job, next_run_at=following)
        return run_if_leading


def default_triggers(app: Flask) -> dict[str, object]:
    """The sweep every few minutes (TRACKER_SWEEP_SECONDS), the mailer every half minute (TRACKER_MAIL_SECONDS),
    the digest daily at TRACKER_DIGEST_HOUR (UTC), the planner's statistics daily at TRACKER_STATISTICS_HOUR, and
    the backup daily at TRACKER_BACKUP_HOUR (UTC) when set."""
    triggers = {"sweep": IntervalTrigger(seconds=int(app.config["SWEEP_SECONDS"]), timezone="UTC"),
                "mail": IntervalTrigger(seconds=int(app.config["MAIL_SECONDS"]), timezone="UTC"),
                "digest": CronTrigger(hour=int(app.config["DIGEST_HOUR"]), timezone="UTC"),
                "statistics": CronTrigger(hour=int(app.config["STATISTICS_HOUR"]), timezone="UTC")}
    if str(app.config.get("BACKUP_HOUR", "")).strip():
        triggers["backup"] = CronTrigger(hour=int(app.config["BACKUP_HOUR"]), timezone="UTC")
    return triggers
