"""Each project's current status rows counted per status (DeploymentTally), which the deployment charts read instead
of every row: it must follow every write that changes the rows — a deployment adding rows, a newer version's row
superseding an older one, a row moving — and the charts must say the same whether they read the tally (no asset
filter) or the rows (an asset filter)."""

from datetime import date

import pytest
from sqlmodel import select

from tracker.auth.roles import Role
from tracker.dashboards.service import DashboardFilter, deployment_progress
from tracker.deployments.forms import DeploymentInput, RowMoveInput
from tracker.deployments.models import DeploymentTally, ProjectDeployment, RowStatus
from tracker.deployments.service import create_deployment, move_row
from tracker.projects.models import Project


@pytest.fixture
def pg(make_user):
    return make_user(Role.PROCESS_GROUP)


def tallies(db) -> dict[tuple[str, str], int]:
    db.expire_all()
    return {(code, status.value): n for code, status, n in db.exec(
        select(Project.code, DeploymentTally.status, DeploymentTally.rows)
        .join(Project, Project.id == DeploymentTally.project_id)).all()}


def deploy(db, pg, projects, versions):
    return create_deployment(db, data=DeploymentInput(title="Roll-out", version_ids=[v.id for v in versions],
                                                      project_ids=[p.id for p in projects],
                                                      target_date=date(2026, 6, 1)), by=pg)


def row_of(db, project, version) -> ProjectDeployment:
    return db.exec(select(ProjectDeployment).where(ProjectDeployment.project_id == project.id,
                                                   ProjectDeployment.asset_version_id == version.id)).one()


def test_the_tally_follows_deployments_supersession_and_moves(db, pg, make_project, make_released):
    alpha, beta = make_project(code="ALPHA"), make_project(code="BETA")
    reviews, estimation = make_released("1.0", title="Peer reviews"), make_released("1.0", title="Estimation")
    deploy(db, pg, [alpha, beta], [reviews, estimation])
    # two assets planned on each project
    assert tallies(db) == {("ALPHA", "planned"): 2, ("BETA", "planned"): 2}

    row = row_of(db, alpha, reviews)
    move_row(db, row=row, data=RowMoveInput(to=RowStatus.IN_PROGRESS, version=row.version), by=pg)
    assert tallies(db) == {("ALPHA", "planned"): 1, ("ALPHA", "in_progress"): 1, ("BETA", "planned"): 2}

    # a newer release of peer reviews deployed to alpha: its row is the one that counts, the in-progress one not
    newer = make_released("2.0", asset=reviews.asset)
    deploy(db, pg, [alpha], [newer])
    assert tallies(db) == {("ALPHA", "planned"): 2, ("BETA", "planned"): 2}

    row = row_of(db, beta, estimation)
    move_row(db, row=row, data=RowMoveInput(to=RowStatus.NOT_APPLICABLE, rationale="No estimates here",
                                            version=row.version), by=pg)
    assert tallies(db) == {("ALPHA", "planned"): 2, ("BETA", "planned"): 1, ("BETA", "not_applicable"): 1}


def test_the_charts_count_the_same_from_the_tally_and_from_the_rows(db, pg, make_project, make_released):
    alpha = make_project(code="ALPHA")
    only = make_released("1.0", title="Peer reviews")
    deploy(db, pg, [alpha], [only])
    row = row_of(db, alpha, only)
    move_row(db, row=row, data=RowMoveInput(to=RowStatus.IN_PROGRESS, version=row.version), by=pg)
    row = row_of(db, alpha, only)
    move_row(db, row=row, data=RowMoveInput(to=RowStatus.DEPLOYED, version=row.version), by=pg)
    # one asset, deployed: every chart reading says 1 deployed, complete, whichever way it counts
    for where in (DashboardFilter(), DashboardFilter(asset_id=only.asset_id)):
        progress = deployment_progress(db, where=where)
        assert [(p.code, p.counts) for p in progress.projects] == [("ALPHA", {RowStatus.DEPLOYED: 1})]
        assert (progress.total, progress.complete) == (1, 1)
