"""Pilots: planned under a plan, run, evaluated, decided by the steering committee; the deployment gate."""

from sqlmodel import Session, select

from tests.conftest import count_rows
from tracker.action_plans.models import PlanStatus
from tracker.assets.models import AssetKind, AssetVersion, ProcessAsset
from tracker.auth.roles import Role
from tracker.pilots.models import Pilot, PilotDecision, PilotStatus
from tracker.pilots.service import deployment_gate


def version_of(db, owner, label="1.1"):
    asset = ProcessAsset(title=f"Peer review procedure {label}", kind=AssetKind.PROCEDURE, owner_id=owner.id)
    db.add(asset)
    db.flush()
    version = AssetVersion(asset_id=asset.id, label=label)
    db.add(version)
    db.commit()
    return version


def pilot_form(plan, version, **overrides):
    return {"plan_id": str(plan.id), "title": "Checklists on PAY", "version_ids": [str(version.id)],
            "measure": "Review yield", "baseline": "2.1", "target": ">= 3", "start_date": "2026-05-01",
            "end_date": "2026-08-31"} | overrides


def move(client, pilot, **data):
    return client.post(f"/pilots/{pilot.id}/move", data=data)


def test_pilot_runs_and_the_steering_committee_adopts_it(client, login_as, login, make_user, make_plan,
                                                         make_project, db):
    sepg = login_as(Role.PROCESS_GROUP)
    plan = make_plan(PlanStatus.IN_PROGRESS)
    version = version_of(db, sepg)
    project = make_project(code="PAY")
    response = client.post("/pilots/", data=pilot_form(plan, version, project_ids=[str(project.id)]))
    assert response.status_code == 303
    pilot = db.exec(select(Pilot)).one()
    assert move(client, pilot, to="running", version="1").status_code == 303
    assert move(client, pilot, to="evaluating", version="2").status_code == 303
    assert move(client, pilot, to="decided", decision="adopt", rationale="x", version="3").status_code == 403
    login(make_user(Role.STEERING))
    no_decision = move(client, pilot, to="decided", rationale="Target met", version="3")
    assert no_decision.status_code == 422 and "Choose the decision." in no_decision.get_data(as_text=True)
    assert move(client, pilot, to="decided", decision="adopt", version="3").status_code == 422  # why?
    assert move(client, pilot, to="decided", decision="adopt", rationale="Target met", version="3").status_code == 303
    page = client.get(f"/pilots/{pilot.id}").get_data(as_text=True)
    assert "<strong>Adopt</strong> — Target met" in page and ">PAY<" in page
    assert f"/plans/{plan.id}" in page and f"/assets/{version.asset_id}" in page


def test_extend_sends_the_pilot_back_to_running(client, login_as, make_plan, make_pilot, db):
    pilot = make_pilot(make_plan(PlanStatus.IN_PROGRESS), status=PilotStatus.EVALUATING)
    login_as(Role.STEERING)
    assert move(client, pilot, to="decided", decision="extend", rationale="Too little data",
                version="1").status_code == 303
    db.expire_all()
    extended = db.get(Pilot, pilot.id)
    assert extended.status == PilotStatus.RUNNING and extended.decision == PilotDecision.EXTEND


def test_pilot_needs_an_open_plan_and_versions_on_trial(client, login_as, make_plan, db):
    sepg = login_as(Role.PROCESS_GROUP)
    version = version_of(db, sepg)
    closed = make_plan(PlanStatus.COMPLETED)
    page = client.post("/pilots/", data=pilot_form(closed, version)).get_data(as_text=True)
    assert "Choose an open action plan." in page
    open_plan = make_plan(PlanStatus.APPROVED)
    response = client.post("/pilots/", data=pilot_form(open_plan, version, version_ids=[]))
    assert response.status_code == 422 and "Choose the asset versions on trial." in response.get_data(as_text=True)
    assert count_rows(db, Pilot) == 0


def test_deployment_gate_needs_an_adopt_decision_for_piloted_versions(engine, make_user, make_plan, make_pilot, db):
    owner = make_user(Role.PROCESS_GROUP)
    piloted, adopted, never = version_of(db, owner, "2.0"), version_of(db, owner, "2.1"), version_of(db, owner, "3")
    plan = make_plan(PlanStatus.IN_PROGRESS)
    make_pilot(plan, versions=[piloted], status=PilotStatus.DECIDED, decision=PilotDecision.REJECT)
    make_pilot(plan, versions=[adopted], status=PilotStatus.DECIDED, decision=PilotDecision.ADOPT_WITH_CHANGES)
    with Session(engine) as session:
        assert [v.id for v in deployment_gate(session, version_ids=[piloted.id]).blocked] == [piloted.id]
        assert deployment_gate(session, version_ids=[adopted.id, never.id]).open


def test_a_decided_pilots_edit_form_is_refused_and_not_offered(client, login_as, make_plan, make_pilot):
    login_as(Role.PROCESS_GROUP)
    pilot = make_pilot(make_plan(PlanStatus.IN_PROGRESS), status=PilotStatus.DECIDED, decision=PilotDecision.ADOPT)
    assert f'href="/pilots/{pilot.id}/edit"' not in client.get(f"/pilots/{pilot.id}").get_data(as_text=True)
    refused = client.get(f"/pilots/{pilot.id}/edit")
    assert refused.status_code == 409 and "A decided pilot is not edited any more." in refused.get_data(as_text=True)
