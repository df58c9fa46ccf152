"""The dashboards and the steering review's pack at the size issue 11 names: 500 projects x 80 assets (40,000 status
rows), 20,000 proposals, and plans, pilots, tailoring, audits, lessons, objectives and appraisals around them.
Budget: each dashboard's server time p95 <= 100 ms, on SQLite and PostgreSQL, with a fixed number of statements.

Run with `make bench` (or `python bench/dashboards.py`; TRACKER_DATABASE_URL naming PostgreSQL benches a scratch
database on that server). Server time is the whole request through the WSGI stack (the client is in-process, so
no network), p50 and p95 over REQUESTS requests after a warm-up, with the app's CPU time and the statements each
request runs.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from reminders import database  # the throwaway database: SQLite, or a scratch one on the PostgreSQL server
from sqlmodel import Session

from tracker import create_app
from tracker.action_plans.models import ActionPlan, Commitment, CommitmentStatus, PlanProposal, PlanStatus
from tracker.appraisals.models import (
    Appraisal,
    AppraisalArea,
    AppraisalStatus,
    Method,
    Rating,
    RatingValue,
    ReferenceModel,
)
from tracker.assets.models import AssetKind, AssetVersion, ProcessAsset, VersionStatus
from tracker.auth.models import User
from tracker.auth.roles import Role
from tracker.compliance.models import AuditResult, AuditStatus, Compliance, ComplianceAudit
from tracker.db import utcnow
from tracker.deployments.models import Deployment, ProjectDeployment, RowStatus
from tracker.deployments.reach import mark_first_deployed
from tracker.deployments.status import mark_current
from tracker.lessons.models import Lesson, LessonStatus, Polarity
from tracker.migrations import upgrade
from tracker.objectives.models import BusinessObjective, Measurement
from tracker.pilots.models import Pilot, PilotAssetVersion, PilotDecision, PilotStatus
from tracker.process_areas.models import ProcessArea
from tracker.process_areas.service import seed_catalog
from tracker.projects.models import Phase, Project
from tracker.proposals.models import Proposal, ProposalSource, ProposalStatus
from tracker.reviews.models import ReviewMeeting
from tracker.tailoring.models import TailoringRecord, TailoringStatus, TailoringType

PROJECTS, ASSETS, PROPOSALS, PLANS = 500, 80, 20_000, 400
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
PAGES = ["/dashboards/", "/dashboards/deployment", "/dashboards/deployment?page=5", "/dashboards/flow",
         "/dashboards/plans", "/dashboards/experience", "/dashboards/appraisals", "/dashboards/flow?area=1",
         "/dashboards/heatmap.csv", "/reviews/1"]
FRAGMENTS = ["/dashboards/deployment?sort=code", "/dashboards/flow?from=2026-01-01&to=2026-06-30"]
RESULTS = Path(__file__).parent / "results"


def fill(engine) -> User:
    """The organization, seeded so every run builds the same one."""
    rng = random.Random(11)
    today = utcnow().date()
    with Session(engine, expire_on_commit=False) as session:
        seed_catalog(session)
        people = [User(email=f"p{i}@example.org", name=f"Person {i}", password_hash="x") for i in range(200)]
        for i, person in enumerate(people):
            person.roles = {list(Role)[i % 5]}
        session.add_all(people)
        session.flush()
        steering = next(p for p in people if Role.STEERING in p.roles)
        projects = [Project(code=f"P{i:04d}", name=f"Project {i}", phase=list(Phase)[i % 5],
                            start_date=date(2025, 1, 1)) for i in range(PROJECTS)]
        assets = [ProcessAsset(title=f"Asset {i:02d}", kind=list(AssetKind)[i % 7], owner_id=people[i].id,
                               review_due_on=today + timedelta(days=rng.randint(-60, 300))) for i in range(ASSETS)]
        session.add_all(projects + assets)
        session.flush()
        versions = [AssetVersion(asset_id=a.id, label=f"{j + 1}.0", status=VersionStatus.RELEASED,
                                 release_date=date(2025, 2, 1) + timedelta(days=200 * j + a.id))
                    for a in assets for j in range(2)]
        session.add_all(versions)
        session.flush()
        plans = [ActionPlan(title=f"Plan {i}", goal="g", success_measure="m", success_target="t",
                            owner_id=people[i % 200].id, planned_start=date(2025, 6, 1) + timedelta(days=i),
                            planned_end=date(2026, 3, 1) + timedelta(days=i), status=list(PlanStatus)[i % 6],
                            started_on=date(2025, 6, 5) + timedelta(days=i) if i % 6 in (3, 4) else None,
                            completed_on=date(2026, 4, 1) + timedelta(days=i % 90) if i % 6 == 4 else None)
                 for i in range(PLANS)]
        deployment = Deployment(title="Roll-out", target_date=date(2026, 6, 1), created_by_id=people[1].id)
        session.add_all([*plans, deployment])
        session.flush()
        deployments = [Deployment(title=f"Roll-out of plan {p.id}", target_date=date(2026, 6, 1),
                                  created_by_id=people[1].id, plan_id=p.id) for p in plans[:80]]
        session.add_all(deployments)
        session.flush()
        rows = []
        for i, project in enumerate(projects):
            for k in range(len(assets)):
                status = list(RowStatus)[(i + k) % 6]
                version = versions[2 * k + (i % 2)]
                deployed = version.release_date + timedelta(days=rng.randint(5, 200)) \
                    if status in (RowStatus.DEPLOYED, RowStatus.VERIFIED) else None
                rows.append(ProjectDeployment(
                    deployment_id=deployments[k].id if k < 80 else deployment.id, project_id=project.id,
                    asset_version_id=version.id, status=status, deployed_on=deployed,
                    verified_on=deployed + timedelta(days=30) if status == RowStatus.VERIFIED else None))
        session.bulk_save_objects(rows)
        mark_current(session, project_ids=[p.id for p in projects])
        start = datetime(2024, 12, 1, 9, tzinfo=UTC)
        proposals = [Proposal(title=f"Proposal {i}", problem="p", proposed_change="c",
                              source=list(ProposalSource)[i % len(ProposalSource)], expected_benefit=1 + i % 5,
                              estimated_effort=1 + i % 5, priority_score=i % 100,
                              status=list(ProposalStatus)[i % 10], submitter_id=people[i % 200].id,
                              created_at=start + timedelta(hours=i),
                              decided_on=(start + timedelta(hours=i, days=20)).date() if i % 10 >= 3 else None)
                     for i in range(PROPOSALS)]
        session.bulk_save_objects(proposals, return_defaults=True)
        session.bulk_save_objects(PlanProposal(plan_id=plans[i % PLANS].id, proposal_id=p.id)
                                  for i, p in enumerate(proposals[::10]))
        session.bulk_save_objects(Commitment(plan_id=plans[i % PLANS].id, description=f"Task {i}",
                                             owner_id=people[i % 200].id, due_date=today + timedelta(days=i % 90 - 45),
                                             status=list(CommitmentStatus)[i % 4]) for i in range(6000))
        pilots = [Pilot(plan_id=plans[i].id, title=f"Pilot {i}", measure="m", target="t", start_date=date(2026, 1, 1),
                        end_date=date(2026, 3, 1), status=list(PilotStatus)[i % 4],
                        decision=list(PilotDecision)[i % 4] if i % 4 == 3 else None,
                        decided_on=date(2026, 3, 10) if i % 4 == 3 else None) for i in range(100)]
        session.add_all(pilots)
        session.flush()
        session.bulk_save_objects(PilotAssetVersion(pilot_id=p.id, asset_version_id=versions[i * 2].id)
                                  for i, p in enumerate(pilots[:40]))
        mark_first_deployed(session, everything=True)
        session.bulk_save_objects(TailoringRecord(
            project_id=projects[i % PROJECTS].id, asset_version_id=versions[i % 160].id, element=f"Step {i % 30}",
            type=list(TailoringType)[i % 4], rationale="r", tailored_on=date(2025, 6, 1) + timedelta(days=i % 500),
            requester_id=people[i % 200].id, status=list(TailoringStatus)[i % 3]) for i in range(5000))
        audits = [ComplianceAudit(project_id=projects[i % PROJECTS].id, audit_date=date(2025, 3, 1) + timedelta(days=i),
                                  auditor_id=people[1].id, status=AuditStatus.COMPLETED) for i in range(600)]
        session.add_all(audits)
        session.flush()
        session.bulk_save_objects(AuditResult(audit_id=a.id, asset_version_id=versions[(i * 3 + j) % 160].id,
                                              result=list(Compliance)[(i + j) % 3])
                                  for i, a in enumerate(audits) for j in range(3))
        session.bulk_save_objects(Lesson(title=f"Lesson {i}", what_happened="w", polarity=list(Polarity)[i % 2],
                                         status=list(LessonStatus)[i % 5], author_id=people[i % 200].id,
                                         project_id=projects[i % PROJECTS].id) for i in range(3000))
        objectives = [BusinessObjective(name=f"Objective {i}", kpi="k", baseline=10, target=5 + i % 3 * 10,
                                        target_date=today + timedelta(days=200), owner_id=steering.id)
                      for i in range(12)]
        session.add_all(objectives)
        session.flush()
        session.bulk_save_objects(Measurement(objective_id=o.id, measured_on=today - timedelta(days=30 * j),
                                              value=10 - j, source="s", recorded_by_id=steering.id)
                                  for o in objectives for j in range(12))
        areas = session.exec(sa.select(ProcessArea.id)).scalars().all()
        appraisals = [Appraisal(title=f"Appraisal {i}", reference_model=ReferenceModel.CMMI_DEV, method=Method.SCAMPI_A,
                                sponsor_id=steering.id, lead_appraiser_id=people[1].id,
                                preparation_on=date(2020 + i, 1, 1), execution_on=date(2020 + i, 2, 1),
                                reporting_on=date(2020 + i, 3, 1), aftercare_on=date(2020 + i, 4, 1),
                                completion_on=date(2020 + i, 5, 1), completed_on=date(2020 + i, 5, 1),
                                status=AppraisalStatus.COMPLETED) for i in range(6)]
        session.add_all(appraisals)
        session.flush()
        session.bulk_save_objects(AppraisalArea(appraisal_id=a.id, area_id=area) for a in appraisals for area in areas[:22])
        session.bulk_save_objects(Rating(appraisal_id=a.id, area_id=area, value=list(RatingValue)[(a.id + n) % 4])
                                  for a in appraisals for n, area in enumerate(areas[:22]))
        session.add(ReviewMeeting(title="Quarterly review", held_on=today, period_from=today - timedelta(days=90),
                                  period_to=today, chair_id=people[1].id, attendees=[steering, people[1]]))
        session.commit()
        return steering


def measure(client, path: str, statements: list, *, fragment: bool = False) -> tuple[float, float, float, int]:
    """(CPU p50, server time p50, server time p95, statements) in ms: server time is the whole request, the
    database's share included (PostgreSQL's runs in its own process, which CPU time would leave out)."""
    headers = {"HX-Request": "true"} if fragment else {}
    for _ in range(3):
        client.get(path, headers=headers)
    cpu, wall = [], []
    for _ in range(REQUESTS):
        statements.clear()
        before, started = time.process_time(), time.perf_counter()
        response = client.get(path, headers=headers)
        response.get_data()
        cpu.append((time.process_time() - before) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(cpu), statistics.median(wall), statistics.quantiles(wall, n=20)[18], len(statements)


def main() -> None:
    url, drop = database()
    try:
        upgrade(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "DATA_DIR": tempfile.mkdtemp()})
        engine = app.extensions["tracker.engine"]
        started = time.perf_counter()
        person = fill(engine)
        if engine.dialect.name == "postgresql":  # statistics and the visibility map, as autovacuum keeps them on a
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:  # server in use:
                connection.execute(sa.text("VACUUM ANALYZE"))  # without them it guesses plans after a bulk load
        filled = time.perf_counter() - started
        statements: list[str] = []
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        client = app.test_client()
        with client.session_transaction() as cookie:
            cookie["_user_id"] = person.get_id()
            cookie["_fresh"] = True
            cookie["seen"] = time.time()
        backend = engine.dialect.name
        lines = [f"## Dashboards on {backend} ({date.today()}, Python {sys.version.split()[0]}, {os.cpu_count()} cores)",
                 "", f"{PROJECTS} projects x {ASSETS} assets ({PROJECTS * ASSETS:,} status rows), {PROPOSALS:,} "
                 f"proposals, {PLANS} plans, 6,000 commitments, 5,000 tailoring records, 600 audits, 3,000 lessons "
                 f"(filled in {filled:.0f} s). Server time per request (the in-process client: the whole request, "
                 f"the database included) over {REQUESTS} requests, and the app's own CPU; budget: server time p95 "
                 f"100 ms.", "", "| page | server p50 ms | server p95 ms | CPU p50 ms | statements |",
                 "|---|---:|---:|---:|---:|"]
        for path, fragment in [(p, False) for p in PAGES] + [(p, True) for p in FRAGMENTS]:
            cpu, p50, p95, count = measure(client, path, statements, fragment=fragment)
            lines.append(f"| {path}{' (htmx fragment)' if fragment else ''} | {p50:.1f} | {p95:.1f} | {cpu:.1f} "
                         f"| {count} |")
            print(lines[-1], flush=True)
        lines.append("")
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"dashboards-{backend}.md").write_text("\n".join(lines))
        print("\n".join(lines[:4]))
    finally:
        engine.dispose()
        drop()


if __name__ == "__main__":
    main()
