"""How list pages behave as data grows: milliseconds per request and SQL statements per request.

Run with `make bench`. Builds throwaway SQLite databases of increasing size (or uses TRACKER_DATABASE_URL's
server when it names PostgreSQL) and requests each list page through the WSGI stack.
"""

import os
import statistics
import tempfile
import time
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session

from tracker import create_app
from tracker.assets.models import AssetKind, AssetVersion, ProcessAsset, VersionStatus
from tracker.auth.models import User
from tracker.auth.roles import Role
from tracker.deployments.models import Deployment, ProjectDeployment, RowStatus
from tracker.deployments.status import mark_current
from tracker.migrations import upgrade
from tracker.process_areas.service import seed_catalog
from tracker.projects.models import Phase, Project, ProjectLead
from tracker.proposals.models import Proposal, ProposalSource, ProposalStatus

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "100,1000,10000").split(",")]  # projects; assets and leads a tenth of that, 10 status rows and 1 proposal each
PAGES = ["/dashboards/", "/dashboards/?sort=code", "/projects/", "/projects/?q=7&phase=execution", "/projects/?page=3",
         "/assets/", "/", "/proposals/", "/proposals/?view=board", "/deployments/status", "/deployments/status?page=3",
         "/deployments/status.csv"]
REPEAT = 20


def fill(engine, n: int) -> User:
    with Session(engine, expire_on_commit=False) as session:
        seed_catalog(session)
        user = User(email="bench@example.org", name="Bench", password_hash="x")
        user.roles = {Role.PROCESS_GROUP}
        session.add(user)
        session.flush()
        leads = [User(email=f"lead{i}@example.org", name=f"Lead {i}", password_hash="x")
                 for i in range(max(1, n // 10))]
        for lead in leads:
            lead.roles = {Role.PROJECT_LEAD}
        session.add_all(leads)
        session.flush()
        projects = [Project(code=f"P{i:06d}", name=f"Project {i}", phase=list(Phase)[i % 5],
                            start_date=date(2026, 1, 1)) for i in range(n)]
        session.add_all(projects)
        session.flush()
        session.add_all(ProjectLead(project_id=p.id, user_id=leads[i % len(leads)].id) for i, p in enumerate(projects))
        assets = [ProcessAsset(title=f"Asset {i}", kind=list(AssetKind)[i % 7], owner_id=user.id)
                  for i in range(max(1, n // 10))]
        session.add_all(assets)
        session.flush()
        versions = [AssetVersion(asset_id=a.id, label=f"1.{j}", status=VersionStatus.RELEASED,
                                 release_date=date(2025, 1, 1 + j)) for a in assets for j in range(3)]
        session.add_all(versions)
        session.flush()
        deployment = Deployment(title="Bench roll-out", target_date=date(2026, 6, 1), created_by_id=user.id)
        session.add(deployment)
        session.flush()
        # Every project runs the first version of up to ten assets: n x 10 status rows.
        session.add_all(ProjectDeployment(deployment_id=deployment.id, project_id=p.id, asset_version_id=v.id,
                                          status=list(RowStatus)[(i + k) % 6])
                        for i, p in enumerate(projects) for k, v in enumerate(versions[:30:3]))
        session.flush()
        mark_current(session, project_ids=[p.id for p in projects])
        session.add_all(Proposal(title=f"Proposal {i}", problem="p", proposed_change="c", source=ProposalSource.OTHER,
                                 expected_benefit=1 + i % 5, estimated_effort=1 + i % 5, priority_score=i % 100,
                                 status=list(ProposalStatus)[i % 10], submitter_id=user.id) for i in range(n))
        session.commit()
        return user


def measure(client, path: str, statements: list) -> tuple[float, int]:
    timings = []
    for _ in range(REPEAT):
        statements.clear()
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(timings), len(statements)


def main() -> None:
    statements: list[str] = []
    sa.event.listen(sa.engine.Engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    print(f"{'projects':>8}  {'page':<34} {'median ms':>9} {'queries':>7}")
    for n in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            upgrade(url)
            app = create_app({"DATABASE_URL": url, "DATA_DIR": tmp, "SECRET_KEY": "bench"})
            user = fill(app.extensions["tracker.engine"], n)
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = user.get_id()
                session["seen"] = time.time()
            for path in PAGES:
                ms, queries = measure(client, path, statements)
                print(f"{n:>8}  {path:<34} {ms:>9.1f} {queries:>7}")
            app.extensions["tracker.engine"].dispose()


if __name__ == "__main__":
    main()
