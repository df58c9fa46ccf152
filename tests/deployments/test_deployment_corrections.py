"""Issue 12 part 1: a planned deployment can be corrected by the process group — it gains and loses projects and
changes its target date, training and support material; rows where work has started keep their state (their
project cannot be dropped); every change is in the history; a stale correction is a conflict."""

from datetime import date

import pytest
from sqlmodel import select

from tracker.auth.roles import Role
from tracker.deployments.forms import DeploymentInput, RowMoveInput
from tracker.deployments.models import Deployment, DeploymentTally, ProjectDeployment, RowStatus
from tracker.deployments.service import create_deployment, move_row
from tracker.projects.models import Project


@pytest.fixture
def pg(make_user):
    return make_user(Role.PROCESS_GROUP, name="Sam Process")


def deploy(db, pg, projects, versions, target=date(2026, 6, 1)):
    return create_deployment(db, data=DeploymentInput(title="Peer reviews roll-out",
                                                      version_ids=[v.id for v in versions],
                                                      project_ids=[p.id for p in projects], target_date=target),
                             by=pg)


def form(deployment, projects, **changes):
    return {"title": deployment.title, "project_ids": [str(p.id) for p in projects],
            "target_date": str(deployment.target_date), "approach": "", "training_material": "",
            "support_material": "", "plan_id": "", "override_reason": "", "version": str(deployment.version)} | changes


def rows(db, deployment_id) -> dict[tuple[str, str], tuple[str, date | None]]:
    """(project code, version id) -> (status, planned date) of the deployment's rows."""
    db.expire_all()
    return {(code, label): (status.value, planned) for code, label, status, planned in db.exec(
        select(Project.code, ProjectDeployment.asset_version_id, ProjectDeployment.status,
               ProjectDeployment.planned_date)
        .join(Project, Project.id == ProjectDeployment.project_id)
        .where(ProjectDeployment.deployment_id == deployment_id)).all()}


def test_a_deployment_gains_and_loses_projects_and_moves_its_target_date(client, login, db, pg, make_project,
                                                                        make_released):
    pay, crm, erp = make_project(code="PAY"), make_project(code="CRM"), make_project(code="ERP")
    version = make_released("1.0", title="Peer reviews")
    deployment = deploy(db, pg, [pay, crm], [version])
    started = db.exec(select(ProjectDeployment).where(ProjectDeployment.project_id == pay.id)).one()
    move_row(db, row=started, data=RowMoveInput(to=RowStatus.IN_PROGRESS, version=started.version), by=pg)
    login(pg)
    assert f'href="/deployments/{deployment.id}/edit"' in client.get(f"/deployments/{deployment.id}").get_data(
        as_text=True)
    edit_page = client.get(f"/deployments/{deployment.id}/edit").get_data(as_text=True)
    assert "Correct the deployment Peer reviews roll-out" in edit_page
    # PAY stays (started), CRM is dropped (nothing started), ERP is gained; the target moves to July
    saved = client.post(f"/deployments/{deployment.id}", data=form(
        deployment, [pay, erp], target_date="2026-07-15", training_material="Wiki: peer review course"))
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"/deployments/{deployment.id}")
    v = version.id
    assert rows(db, deployment.id) == {
        ("PAY", v): ("in_progress", date(2026, 6, 1)),  # started: keeps its state and its date
        ("ERP", v): ("planned", date(2026, 7, 15))}  # gained: planned for the new target
    corrected = db.get(Deployment, deployment.id)
    assert (corrected.target_date, corrected.training_material, corrected.version) == (
        date(2026, 7, 15), "Wiki: peer review course", 2)
    # the tallies the charts read follow: CRM has no row any more, ERP one planned
    assert {(code, status.value): n for code, status, n in db.exec(
        select(Project.code, DeploymentTally.status, DeploymentTally.rows)
        .join(Project, Project.id == DeploymentTally.project_id)).all()} == {
        ("PAY", "in_progress"): 1, ("ERP", "planned"): 1}
    history = client.get(f"/deployments/{deployment.id}").get_data(as_text=True).split('class="history"', 1)[1]
    assert "CRM, PAY" in history and "ERP, PAY" in history and "2026-07-15" in history


def test_a_project_whose_work_has_started_cannot_be_dropped(client, login, db, pg, make_project, make_released):
    pay, crm = make_project(code="PAY"), make_project(code="CRM")
    version = make_released("1.0", title="Peer reviews")
    deployment = deploy(db, pg, [pay, crm], [version])
    row = db.exec(select(ProjectDeployment).where(ProjectDeployment.project_id == pay.id)).one()
    move_row(db, row=row, data=RowMoveInput(to=RowStatus.IN_PROGRESS, version=row.version), by=pg)
    login(pg)
    refused = client.post(f"/deployments/{deployment.id}", data=form(deployment, [crm], title="Renamed"))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Work has started on PAY" in page and 'id="project_ids-error"' in page
    assert 'value="Renamed"' in page  # what was typed stays
    db.expire_all()
    assert (db.get(Deployment, deployment.id).title, len(rows(db, deployment.id))) == ("Peer reviews roll-out", 2)


def test_dropping_a_project_makes_its_older_row_count_again(client, login, db, pg, make_project, make_released):
    pay = make_project(code="PAY")
    first = make_released("1.0", title="Peer reviews")
    deploy(db, pg, [pay], [first])
    newer = deploy(db, pg, [pay], [make_released("2.0", asset=first.asset)], target=date(2026, 9, 1))
    login(pg)
    other = make_project(code="CRM")
    assert client.post(f"/deployments/{newer.id}", data=form(newer, [other])).status_code == 303
    db.expire_all()
    current = db.exec(select(ProjectDeployment.asset_version_id).where(ProjectDeployment.project_id == pay.id,
                                                                       ProjectDeployment.current)).all()
    assert current == [first.id]


def test_only_the_process_group_corrects_a_deployment_and_a_stale_form_is_a_conflict(
        client, login, db, pg, make_user, make_project, make_released):
    pay = make_project(code="PAY")
    deployment = deploy(db, pg, [pay], [make_released("1.0")])
    login(make_user(Role.PROJECT_LEAD, leads=[pay]))
    assert client.get(f"/deployments/{deployment.id}/edit").status_code == 403
    assert client.post(f"/deployments/{deployment.id}", data=form(deployment, [pay])).status_code == 403
    login(pg)
    assert client.get("/deployments/999999/edit").status_code == 404
    assert client.post(f"/deployments/{deployment.id}", data=form(deployment, [pay], title="First")).status_code == 303
    stale = client.post(f"/deployments/{deployment.id}", data=form(deployment, [pay], title="Second"))
    assert stale.status_code == 409 and "First" in stale.get_data(as_text=True)
    db.expire_all()
    assert db.get(Deployment, deployment.id).title == "First"


def test_a_project_that_already_has_the_versions_is_not_targeted_for_nothing(client, login, db, pg, make_project,
                                                                            make_released):
    pay, crm = make_project(code="PAY"), make_project(code="CRM")
    version = make_released("1.0", title="Peer reviews")
    deploy(db, pg, [pay], [version])
    login(pg)
    form_data = {"title": "Again", "version_ids": [str(version.id)], "project_ids": [str(pay.id)],
                 "target_date": "2026-06-01"}
    refused = client.post("/deployments/", data=form_data)
    assert refused.status_code == 422
    assert "PAY already has a status row for each of these versions" in refused.get_data(as_text=True)
    other = deploy(db, pg, [crm], [version])
    refused = client.post(f"/deployments/{other.id}", data=form(other, [crm, pay]))
    assert refused.status_code == 422 and "PAY already has a status row" in refused.get_data(as_text=True)


def test_moving_a_deployment_to_another_plan_moves_its_first_deployment(client, login, db, pg, make_project,
                                                                       make_released, make_plan):
    from tracker.action_plans.models import ActionPlan, PlanStatus
    from tracker.deployments.service import move_row
    first_plan, second_plan = make_plan(PlanStatus.IN_PROGRESS), make_plan(PlanStatus.IN_PROGRESS)
    pay = make_project(code="PAY")
    deployment = create_deployment_for(db, pg, pay, make_released("1.0"), first_plan)
    row = db.exec(select(ProjectDeployment).where(ProjectDeployment.deployment_id == deployment.id)).one()
    for to in (RowStatus.IN_PROGRESS, RowStatus.DEPLOYED):
        move_row(db, row=row, data=RowMoveInput(to=to, version=row.version), by=pg)
    login(pg)
    moved = client.post(f"/deployments/{deployment.id}", data=form(db.get(Deployment, deployment.id), [pay],
                                                                   plan_id=str(second_plan.id)))
    assert moved.status_code == 303
    db.expire_all()
    today = row.deployed_on
    assert (db.get(ActionPlan, first_plan.id).first_deployed_on, db.get(ActionPlan, second_plan.id).first_deployed_on
            ) == (None, today)


def create_deployment_for(db, pg, project, version, plan):
    return create_deployment(db, data=DeploymentInput(title="Roll-out", version_ids=[version.id],
                                                      project_ids=[project.id], target_date=date(2026, 12, 1),
                                                      plan_id=plan.id), by=pg)
