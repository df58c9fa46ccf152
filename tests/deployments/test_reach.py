"""A plan's first deployment: the first day a project deployed a version the plan deployed or piloted. It is kept on
the plan (for the dashboards) and must follow every write that changes it: a row reaching *deployed* or leaving it,
a pilot created or changed, a bulk load."""

from datetime import UTC, date, datetime

import pytest

from tracker.action_plans.models import ActionPlan, PlanStatus
from tracker.auth.roles import Role
from tracker.db import clock_at
from tracker.deployments.forms import RowMoveInput
from tracker.deployments.models import Deployment, ProjectDeployment, RowStatus
from tracker.deployments.reach import mark_first_deployed
from tracker.deployments.service import move_row
from tracker.pilots.forms import PilotInput
from tracker.pilots.service import create_pilot, update_pilot


@pytest.fixture
def pg(make_user):
    return make_user(Role.PROCESS_GROUP)


def first_of(db, plan) -> date | None:
    db.expire_all()
    return db.get(ActionPlan, plan.id).first_deployed_on


def row_in(db, pg, project, version, plan=None) -> ProjectDeployment:
    deployment = Deployment(title="Roll-out", target_date=date(2026, 6, 1), created_by_id=pg.id,
                            plan_id=plan.id if plan else None)
    db.add(deployment)
    db.flush()
    row = ProjectDeployment(deployment_id=deployment.id, project_id=project.id, asset_version_id=version.id,
                            status=RowStatus.IN_PROGRESS)
    db.add(row)
    db.commit()
    return row


def move(db, row, to, by, on):
    with clock_at(datetime(*on, 12, tzinfo=UTC)):
        move_row(db, row=row, data=RowMoveInput(to=to, version=row.version, rationale="Reopened"), by=by)


def test_the_first_project_to_deploy_the_plans_deployment_dates_it(db, pg, make_plan, make_project, make_released):
    plan = make_plan(PlanStatus.IN_PROGRESS)
    version = make_released()
    early, late = row_in(db, pg, make_project(), version, plan), row_in(db, pg, make_project(), version, plan)
    assert first_of(db, plan) is None  # nothing deployed yet
    move(db, late, RowStatus.DEPLOYED, pg, (2026, 5, 20))
    assert first_of(db, plan) == date(2026, 5, 20)
    move(db, early, RowStatus.DEPLOYED, pg, (2026, 5, 25))
    assert first_of(db, plan) == date(2026, 5, 20)  # the earlier day stays
    move(db, late, RowStatus.IN_PROGRESS, pg, (2026, 6, 1))  # reopened: no longer deployed there
    assert first_of(db, plan) == date(2026, 5, 25)
    move(db, early, RowStatus.IN_PROGRESS, pg, (2026, 6, 2))
    assert first_of(db, plan) is None


def test_a_version_the_plan_piloted_counts_wherever_it_is_deployed(db, pg, make_plan, make_project, make_released):
    plan, other = make_plan(PlanStatus.IN_PROGRESS), make_plan(PlanStatus.IN_PROGRESS)
    piloted, unrelated = make_released(), make_released()
    row = row_in(db, pg, make_project(), piloted)  # a deployment of no plan
    move(db, row, RowStatus.DEPLOYED, pg, (2026, 4, 2))
    move(db, row_in(db, pg, make_project(), unrelated), RowStatus.DEPLOYED, pg, (2026, 3, 1))
    assert first_of(db, plan) is None
    # The pilot is planned after the project deployed the version: the plan has reached it since 2 April
    pilot = create_pilot(db, data=PilotInput(plan_id=plan.id, title="Checklist pilot", version_ids=[piloted.id],
                                             measure="Defects", target="+30%", start_date=date(2026, 3, 1),
                                             end_date=date(2026, 5, 31)), by=pg)
    assert first_of(db, plan) == date(2026, 4, 2)
    # Moved to the other plan: the first plan no longer reaches it, the other does
    update_pilot(db, pilot=pilot, data=PilotInput(plan_id=other.id, title="Checklist pilot",
                                                  version_ids=[piloted.id], measure="Defects", target="+30%",
                                                  start_date=date(2026, 3, 1), end_date=date(2026, 5, 31),
                                                  version=pilot.version), by=pg)
    assert (first_of(db, plan), first_of(db, other)) == (None, date(2026, 4, 2))


def test_a_bulk_load_marks_every_plan(db, pg, make_plan, make_project, make_released):
    plan = make_plan(PlanStatus.COMPLETED)
    version = make_released()
    row = row_in(db, pg, make_project(), version, plan)
    row.status, row.deployed_on = RowStatus.VERIFIED, date(2025, 11, 3)  # written past the services, as a load does
    db.commit()
    mark_first_deployed(db, everything=True)
    db.commit()
    assert first_of(db, plan) == date(2025, 11, 3)
