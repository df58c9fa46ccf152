"""Pilots through the API: the list's filters, sorts and pages; a pilot with its plan, versions and projects and its
ETag; its workflow moves (If-Match: a stale one is 412 with the pilot as it is), under the pages' rules."""

from sqlmodel import select

from tracker.action_plans.models import PlanStatus
from tracker.api.models import Scope
from tracker.auth.roles import Role
from tracker.history.models import AuditEvent
from tracker.pilots.models import Pilot, PilotDecision, PilotStatus


def _history(db, pilot) -> list[tuple]:
    return db.exec(select(AuditEvent.field, AuditEvent.old, AuditEvent.new)
                   .where(AuditEvent.entity == "pilot", AuditEvent.entity_id == pilot.id).order_by(AuditEvent.id)).all()


def test_the_list_filters_sorts_and_pages_as_the_page_does(api, make_user, make_plan, make_pilot, make_project):
    reader = api(make_user(Role.MEMBER))
    plan = make_plan(PlanStatus.IN_PROGRESS)
    pay = make_project(code="PAY")
    beta = make_pilot(plan, title="Beta checklists", projects=[pay])
    alpha = make_pilot(plan, title="Alpha estimation", status=PilotStatus.RUNNING)
    gamma = make_pilot(plan, title="Gamma reviews", status=PilotStatus.RUNNING, projects=[pay])
    everything = reader.get("/api/v1/pilots")
    assert everything.status_code == 200
    # the page's order: the latest start first, then the newest (all three start on the same day)
    assert [item["id"] for item in everything.json["items"]] == [gamma.id, alpha.id, beta.id]
    running = reader.get("/api/v1/pilots?status=running&sort=title").json["items"]
    assert [item["title"] for item in running] == ["Alpha estimation", "Gamma reviews"]
    on_pay = reader.get(f"/api/v1/pilots?project={pay.id}&sort=-title").json["items"]
    assert [item["title"] for item in on_pay] == ["Gamma reviews", "Beta checklists"]
    assert [item["title"] for item in reader.get("/api/v1/pilots?q=estim").json["items"]] == ["Alpha estimation"]
    first = reader.get("/api/v1/pilots?per_page=2&sort=title")
    assert first.json["paging"] | {"next": None} == {"page": 1, "per_page": 2, "count": 3, "more": False,
                                                     "next": None, "previous": None}
    assert first.headers["Link"] == f'<{first.json["paging"]["next"]}>; rel="next"'
    assert [item["title"] for item in reader.get(first.json["paging"]["next"]).json["items"]] == ["Gamma reviews"]
    assert reader.get("/api/v1/pilots?status=finished").json["errors"] == {"status": "Choose one of the listed options."}
    assert reader.get("/api/v1/pilots?sort=measure").status_code == 422  # not a sortable column
    assert reader.get("/api/v1/pilots?project_id=1").json["errors"] == {"project_id": "There is no such parameter."}


def test_a_page_of_pilots_reads_as_many_statements_however_many_pilots(api, make_user, make_plan, make_pilot,
                                                                        make_project, make_released, list_reads_flat):
    reader = api(make_user(Role.MEMBER))

    def pilots(n):
        for _ in range(n):
            make_pilot(make_plan(PlanStatus.IN_PROGRESS), versions=[make_released()],
                       projects=[make_project(), make_project()])

    list_reads_flat(reader, "/api/v1/pilots", pilots)


def test_a_pilot_shows_its_plan_versions_and_projects_with_its_version_as_etag(api, make_user, make_plan, make_pilot,
                                                                               make_project, make_released):
    reader = api(make_user(Role.MEMBER))
    plan = make_plan(PlanStatus.IN_PROGRESS, title="Earlier defect detection")
    version = make_released("2.0", title="Peer review procedure")
    pay = make_project(code="PAY")
    pilot = make_pilot(plan, versions=[version], projects=[pay], title="Checklists on PAY")
    response = reader.get(f"/api/v1/pilots/{pilot.id}")
    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    body = response.json
    assert (body["title"], body["status"], body["decision"], body["target"]) == ("Checklists on PAY", "planned", None,
                                                                                 "+30%")
    assert body["plan"] == {"id": plan.id, "name": "Earlier defect detection", "url": f"/api/v1/plans/{plan.id}"}
    assert body["versions"] == [{"id": version.id, "name": "Peer review procedure 2.0",
                                 "url": f"/api/v1/assets/versions/{version.id}"}]
    assert body["projects"] == [{"id": pay.id, "name": "PAY", "url": f"/api/v1/projects/{pay.id}"}]
    assert body["url"] == f"/api/v1/pilots/{pilot.id}" and body["html_url"] == f"/pilots/{pilot.id}"
    missing = reader.get("/api/v1/pilots/2147483647")
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/problem+json"


def test_the_process_group_starts_a_pilot_and_its_history_says_who(api, make_user, make_plan, make_pilot, db):
    pilot = make_pilot(make_plan(PlanStatus.IN_PROGRESS))
    sepg = make_user(Role.PROCESS_GROUP)
    moved = api(sepg).post(f"/api/v1/pilots/{pilot.id}/moves", json={"to": "running"}, headers={"If-Match": '"1"'})
    assert moved.status_code == 200
    assert moved.json["status"] == "running" and moved.headers["ETag"] == '"2"' and moved.json["version"] == 2
    db.refresh(pilot)
    assert pilot.status == PilotStatus.RUNNING
    started = db.exec(select(AuditEvent).where(AuditEvent.entity == "pilot", AuditEvent.field == "status")).one()
    assert (started.user_id, started.old, started.new) == (sepg.id, "Planned", "Running")


def test_the_steering_committee_decides_with_a_reason_and_extending_runs_it_on(api, make_user, make_plan,
                                                                               make_pilot, db):
    adopted = make_pilot(make_plan(PlanStatus.IN_PROGRESS), status=PilotStatus.EVALUATING)
    extended = make_pilot(make_plan(PlanStatus.IN_PROGRESS), status=PilotStatus.EVALUATING)
    steering = make_user(Role.STEERING, name="Sam Steer")
    caller = api(steering)
    decided = caller.post(f"/api/v1/pilots/{adopted.id}/moves", headers={"If-Match": '"1"'},
                          json={"to": "decided", "decision": "adopt", "rationale": "Target met"})
    assert decided.status_code == 200
    assert (decided.json["status"], decided.json["decision"], decided.json["decision_rationale"]) == (
        "decided", "adopt", "Target met")
    assert decided.json["decided_by"] == {"id": steering.id, "name": "Sam Steer", "url": None}
    more = caller.post(f"/api/v1/pilots/{extended.id}/moves", headers={"If-Match": '"1"'},
                       json={"to": "decided", "decision": "extend", "rationale": "Too little data"})
    assert (more.json["status"], more.json["decision"]) == ("running", "extend")
    db.expire_all()
    assert db.get(Pilot, extended.id).decision == PilotDecision.EXTEND


def test_a_decision_without_its_outcome_or_reason_is_422_beside_each_and_nothing_written(api, make_user, make_plan,
                                                                                         make_pilot, db):
    pilot = make_pilot(make_plan(PlanStatus.IN_PROGRESS), status=PilotStatus.EVALUATING)
    caller = api(make_user(Role.STEERING))
    url = f"/api/v1/pilots/{pilot.id}/moves"
    refused = caller.post(url, json={"to": "decided"}, headers={"If-Match": '"1"'})
    assert refused.status_code == 422 and refused.headers["Content-Type"] == "application/problem+json"
    assert set(refused.json["errors"]) == {"decision", "rationale"}
    assert refused.json["errors"]["decision"] == "Choose the decision."
    assert caller.post(url, json={"to": "closed"}, headers={"If-Match": '"1"'}).json["errors"] == {
        "to": "Choose one of the listed options."}
    assert caller.post(url, json={"to": "running", "decision": 3}, headers={"If-Match": '"1"'}).status_code == 422
    db.refresh(pilot)
    assert (pilot.status, pilot.version, pilot.decision) == (PilotStatus.EVALUATING, 1, None)
    assert _history(db, pilot) == []


def test_only_the_workflows_roles_move_a_pilot(api, make_user, make_plan, make_pilot, db):
    planned = make_pilot(make_plan(PlanStatus.IN_PROGRESS))
    evaluating = make_pilot(make_plan(PlanStatus.IN_PROGRESS), status=PilotStatus.EVALUATING)
    member = api(make_user(Role.MEMBER))
    assert member.post(f"/api/v1/pilots/{planned.id}/moves", json={"to": "running"},
                       headers={"If-Match": '"1"'}).status_code == 403
    sepg = api(make_user(Role.PROCESS_GROUP))  # the process group runs pilots, the steering committee decides them
    decided = sepg.post(f"/api/v1/pilots/{evaluating.id}/moves", headers={"If-Match": '"1"'},
                        json={"to": "decided", "decision": "adopt", "rationale": "Target met"})
    assert decided.status_code == 403
    db.refresh(planned), db.refresh(evaluating)
    assert (planned.status, evaluating.status) == (PilotStatus.PLANNED, PilotStatus.EVALUATING)
    assert _history(db, planned) == [] and _history(db, evaluating) == []


def test_a_move_needs_the_etag_it_was_made_from(api, make_user, make_plan, make_pilot, db):
    pilot = make_pilot(make_plan(PlanStatus.IN_PROGRESS))
    sepg = api(make_user(Role.PROCESS_GROUP))
    url = f"/api/v1/pilots/{pilot.id}/moves"
    assert sepg.post(url, json={"to": "running"}).status_code == 428
    assert sepg.post(url, json={"to": "running"}, headers={"If-Match": '"1"'}).status_code == 200
    stale = sepg.post(url, json={"to": "evaluating"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.headers["Content-Type"] == "application/problem+json"
    assert stale.json["current"]["status"] == "running" and stale.headers["ETag"] == '"2"'
    db.refresh(pilot)
    assert (pilot.status, pilot.version) == (PilotStatus.RUNNING, 2)


def test_a_read_only_token_cannot_move_a_pilot(api, make_user, make_plan, make_pilot, db):
    pilot = make_pilot(make_plan(PlanStatus.IN_PROGRESS))
    reader = api(make_user(Role.PROCESS_GROUP), scope=Scope.READ)
    refused = reader.post(f"/api/v1/pilots/{pilot.id}/moves", json={"to": "running"}, headers={"If-Match": '"1"'})
    assert refused.status_code == 403
    assert reader.get(f"/api/v1/pilots/{pilot.id}").status_code == 200  # it still reads
    db.refresh(pilot)
    assert pilot.status == PilotStatus.PLANNED and _history(db, pilot) == []
