"""Imports at scale (issue 15's budget: at least 2,000 rows a second): a 10,000-row spreadsheet of each kind read,
checked (a run rolled back), imported (a run kept), imported again unchanged, and again with every row changed,
on SQLite and PostgreSQL.

Run with `python -m bench.imports` (TRACKER_DATABASE_URL naming a PostgreSQL server: a scratch database on it;
BENCH_ROWS: another size; BENCH_KINDS: some kinds, e.g. "proposals,lessons"). Prints rows a second for each step
and appends them to bench/results/imports.md.
"""

import csv
import io
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlmodel import Session

from bench.reminders import database
from tracker import create_app
from tracker.assets.models import AssetKind, AssetVersion, ProcessAsset, VersionStatus
from tracker.auth.models import User, UserRole
from tracker.auth.roles import Role
from tracker.db import get_session, utcnow
from tracker.imports import service
from tracker.imports.models import ImportKind
from tracker.migrations import upgrade
from tracker.process_areas.service import seed_catalog
from tracker.projects.models import Phase, Project

ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
KINDS = os.environ.get("BENCH_KINDS", "proposals,projects,assets,lessons,tailoring").split(",")
RESULTS = Path(__file__).parent / "results"

# kind -> the header, and row n's cells (`changed`: what an edited spreadsheet adds to a text)
SHEETS = {
    "proposals": (["Key", "Title", "Problem", "Proposed change", "Source", "Expected benefit", "Estimated effort",
                   "Process areas"],
                  lambda n, changed: [f"SHEET-{n}", f"Proposal {n}{changed}", f"Problem {n},\nwith a second line",
                                      f"Change {n}", "Lesson learned" if n % 2 else "compliance_audit", 1 + n % 5,
                                      1 + n % 3, "VER; PPQA" if n % 3 else ""]),
    "projects": (["Code", "Name", "Phase", "Start date", "Description"],
                 lambda n, changed: [f"PX-{n}", f"Project {n}{changed}", "Planning" if n % 2 else "execution",
                                     "2026-01-05", f"Imported project {n}"]),
    "assets": (["Title", "Kind", "Owner", "Process areas", "Description"],
               lambda n, changed: [f"Procedure {n}", "Procedure", "sepg@example.org", "VER" if n % 2 else "",
                                   f"Imported asset {n}{changed}"]),
    "lessons": (["Key", "Title", "What happened", "Kind", "Process area", "Recommendation"],
                lambda n, changed: [f"L-{n}", f"Lesson {n}{changed}", f"What happened {n}", "negative" if n % 3 else
                                    "positive", "VER" if n % 2 else "", f"Recommendation {n}"]),
    "tailoring": (["Key", "Project", "Asset version", "Element tailored", "Type", "Rationale", "Tailored on"],
                  lambda n, changed: [f"T-{n}", "BENCH", "Bench procedure 1.0", f"Element {n}", "omit",
                                      f"Rationale {n}{changed}", "2026-02-01"]),
}


def spreadsheet(kind: str, rows: int, *, changed: str = "") -> bytes:
    header, row = SHEETS[kind]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for n in range(rows):
        writer.writerow(row(n, changed))
    return out.getvalue().encode("utf-8-sig")


def organization(session: Session) -> int:
    """The catalog, the process group member importing, and what tailoring rows name: a project and a release."""
    seed_catalog(session)
    user = User(email="sepg@example.org", name="SEPG", password_hash="x")
    session.add(user)
    session.flush()
    session.add(UserRole(user_id=user.id, role=Role.PROCESS_GROUP))
    asset = ProcessAsset(title="Bench procedure", kind=AssetKind.PROCEDURE, owner_id=user.id)
    session.add_all([Project(code="BENCH", name="Bench", phase=Phase.EXECUTION, start_date=date(2026, 1, 1)), asset])
    session.flush()
    session.add(AssetVersion(asset_id=asset.id, label="1.0", status=VersionStatus.RELEASED, release_date=date(2026, 1, 2),
                             created_at=utcnow()))
    session.commit()
    return user.id


def main() -> None:
    url, drop = database()
    try:
        upgrade(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "DATA_DIR": tempfile.mkdtemp()})
        with Session(app.extensions["tracker.engine"]) as session:
            user_id = organization(session)
        lines = [f"{app.extensions['tracker.engine'].dialect.name}, {ROWS:,} rows of each kind:"]
        for kind in KINDS:
            steps = (("check", spreadsheet(kind, ROWS), False), ("import", spreadsheet(kind, ROWS), True),
                     ("again, unchanged", spreadsheet(kind, ROWS), True),
                     ("again, every row changed", spreadsheet(kind, ROWS, changed=" (2)"), True))
            said = []
            for step, content, keep in steps:
                with app.test_request_context():
                    session = get_session()
                    importer = session.get(User, user_id)
                    batch = service.upload(session, kind=ImportKind(kind), filename=f"{kind}.csv", content=content,
                                           by=importer)
                    mapping = service.mapping_of(batch)
                    started = time.perf_counter()
                    outcome = service.run(session, batch=batch, mapping=mapping, by=importer, keep=keep)
                    seconds = time.perf_counter() - started
                assert outcome.ok, (kind, step, outcome.rows[:2])
                assert outcome.created + outcome.updated == ROWS, (kind, step, outcome.created, outcome.updated)
                said.append(f"{step} {ROWS / seconds:,.0f}/s ({seconds:.1f} s)")
            lines.append(f"- {kind}: " + "; ".join(said))
            print(lines[-1], flush=True)
        RESULTS.mkdir(exist_ok=True)
        with (RESULTS / "imports.md").open("a") as results:
            results.write("\n".join(lines) + "\n\n")
    finally:
        drop()


if __name__ == "__main__":
    sys.exit(main())
