"""Reminders at scale (issue 10's budgets): a sweep over 100,000 due items in under 2 s, and the unread badge in
under 5 ms of server time, on SQLite and PostgreSQL.

Run with `make bench` (or `python bench/reminders.py`). Builds a throwaway database (SQLite, or a scratch database
on TRACKER_DATABASE_URL's PostgreSQL server) with ITEMS commitments due within the reminder lead time, owned by
OWNERS people, then times: the first sweep (it makes every reminder), a second sweep (nothing new: the steady
state every few minutes), and the badge request of one person, in process CPU time per request.
"""

import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from tracker import create_app
from tracker.action_plans.models import ActionPlan, Commitment, PlanStatus
from tracker.auth.models import User, UserRole
from tracker.auth.roles import Role
from tracker.db import normalize_url, utcnow
from tracker.migrations import upgrade
from tracker.reminders.sweep import sweep

ITEMS = int(os.environ.get("BENCH_ITEMS", "100000"))
OWNERS = 2000
BADGE_REQUESTS = 300
RESULTS = Path(__file__).parent / "results"


def database() -> tuple[str, callable]:
    server = os.environ.get("TRACKER_DATABASE_URL", "")
    if not server.startswith("postgres"):
        path = Path(tempfile.mkdtemp()) / "bench.db"
        return f"sqlite:///{path}", lambda: None
    name = f"tracker_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(normalize_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return sa.engine.make_url(normalize_url(server)).set(database=name).render_as_string(hide_password=False), drop


def fill(engine) -> User:
    today = utcnow().date()
    with Session(engine, expire_on_commit=False) as session:
        owners = [{"email": f"owner{i}@example.org", "name": f"Owner {i}",
                   "password_hash": "x", "active": True, "session_generation": 0, "reminder_email": "off",
                   "version": 1, "created_at": utcnow()} for i in range(OWNERS)]
        session.connection().execute(sa.insert(User.__table__), owners)
        ids = list(session.exec(sa.select(User.id).order_by(User.id)).scalars())
        session.connection().execute(sa.insert(UserRole.__table__), [{"user_id": i, "role": Role.MEMBER.value}
                                                                       for i in ids])
        plan = ActionPlan(title="Bench plan", goal="g", success_measure="m", success_target="t", owner_id=ids[0],
                          planned_start=date(2026, 1, 1), planned_end=date(2027, 1, 1), status=PlanStatus.IN_PROGRESS)
        session.add(plan)
        session.flush()
        rows = [{"plan_id": plan.id, "description": f"Task {n}", "owner_id": ids[n % OWNERS],
                 "due_date": today + timedelta(days=n % 3), "status": "open", "created_at": utcnow(), "version": 1}
                for n in range(ITEMS)]
        session.connection().execute(sa.insert(Commitment.__table__), rows)
        session.commit()
        return session.get(User, ids[1])


def main() -> None:
    url, drop = database()
    try:
        upgrade(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "DATA_DIR": tempfile.mkdtemp()})
        engine = app.extensions["tracker.engine"]
        started = time.perf_counter()
        person = fill(engine)
        filled = time.perf_counter() - started
        with app.app_context(), Session(engine) as session:
            first = sweep(session)
            second = sweep(session)
        client = app.test_client()
        with client.session_transaction() as cookie:
            cookie["_user_id"] = person.get_id()
            cookie["_fresh"] = True
            cookie["seen"] = time.time()
        for _ in range(20):
            client.get("/notifications/badge")
        cpu = []
        for _ in range(BADGE_REQUESTS):
            before = time.process_time()
            response = client.get("/notifications/badge")
            cpu.append((time.process_time() - before) * 1000)
            assert response.status_code == 200
        badge = statistics.median(cpu)
        p95 = statistics.quantiles(cpu, n=20)[18]
        backend = engine.dialect.name
        lines = [
            f"## Reminders on {backend} ({date.today()}, Python {sys.version.split()[0]}, {os.cpu_count()} cores)",
            "",
            f"- {ITEMS:,} commitments due within the lead time, {OWNERS:,} owners (filled in {filled:.1f} s)",
            f"- first sweep: {first.created:,} reminders made in **{first.seconds:.2f} s** (budget 2 s)",
            f"- second sweep (steady state): {second.created} made in **{second.seconds:.2f} s**",
            f"- badge: **{badge:.2f} ms** CPU per request at the median, {p95:.2f} ms at p95, "
            f"{BADGE_REQUESTS} requests (budget 5 ms)",
            "",
        ]
        print("\n".join(lines))
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"reminders-{backend}.md").write_text("\n".join(lines))
    finally:
        drop()


if __name__ == "__main__":
    main()
