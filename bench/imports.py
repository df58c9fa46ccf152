"""Imports at scale (issue 15's budget: at least 2,000 rows a second): a 10,000-row spreadsheet of proposals, read,
previewed (a run rolled back) and imported (a run kept), then imported again (every row an update), on SQLite and
PostgreSQL.

Run with `python bench/imports.py` (TRACKER_DATABASE_URL naming a PostgreSQL server: a scratch database on it;
BENCH_ROWS: another size). Prints rows a second for each step and appends them to bench/results/imports.md.
"""

import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

from sqlmodel import Session

from bench.reminders import database
from tracker import create_app
from tracker.auth.models import User, UserRole
from tracker.auth.roles import Role
from tracker.db import get_session
from tracker.imports import service
from tracker.imports.models import ImportKind
from tracker.migrations import upgrade
from tracker.process_areas.service import seed_catalog

ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
RESULTS = Path(__file__).parent / "results"


def spreadsheet(rows: int, *, changed: str = "") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Key", "Title", "Problem", "Proposed change", "Source", "Expected benefit",
                     "Estimated effort", "Process areas"])
    for n in range(rows):
        writer.writerow([f"SHEET-{n}", f"Proposal {n}{changed}", f"Problem {n},\nwith a second line",
                         f"Change {n}", "Lesson learned" if n % 2 else "compliance_audit", 1 + n % 5, 1 + n % 3,
                         "VER; PPQA" if n % 3 else ""])
    return out.getvalue().encode("utf-8-sig")


def main() -> None:
    url, drop = database()
    try:
        upgrade(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "DATA_DIR": tempfile.mkdtemp()})
        engine = app.extensions["tracker.engine"]
        with Session(engine) as session:
            seed_catalog(session)
            user = User(email="sepg@example.org", name="SEPG", password_hash="x")
            session.add(user)
            session.flush()
            session.add(UserRole(user_id=user.id, role=Role.PROCESS_GROUP))
            session.commit()
            user_id = user.id
        lines = [f"{engine.dialect.name}, {ROWS:,} rows:"]
        for step, content, keep in (("preview", spreadsheet(ROWS), False), ("import", spreadsheet(ROWS), True),
                                    ("import again, unchanged", spreadsheet(ROWS), True),
                                    ("import again, every row changed", spreadsheet(ROWS, changed=" (2)"), True)):
            with app.test_request_context():
                session = get_session()
                importer = session.get(User, user_id)
                batch = service.upload(session, kind=ImportKind.PROPOSALS, filename="proposals.csv",
                                       content=content, by=importer)
                mapping = service.guess_mapping(session, ImportKind.PROPOSALS, service.table_of(batch))
                started = time.perf_counter()
                outcome = service.run(session, batch=batch, mapping=mapping, by=importer, keep=keep)
                seconds = time.perf_counter() - started
            assert outcome.ok, outcome.rows[:3]
            done = outcome.created + outcome.updated
            assert done == ROWS, (outcome.created, outcome.updated)
            lines.append(f"- {step}: {seconds:.1f} s, {ROWS / seconds:,.0f} rows/s")
        print("\n".join(lines))
        RESULTS.mkdir(exist_ok=True)
        with (RESULTS / "imports.md").open("a") as results:
            results.write("\n".join(lines) + "\n\n")
    finally:
        drop()


if __name__ == "__main__":
    sys.exit(main())
