"""The policy is enforced everywhere: every endpoint declares an action, every role is tried on every one."""

import re
from datetime import date

import pytest
from sqlmodel import select

from tests.conftest import count_rows
from tracker.action_plans.models import JointReview, PlanObjective, PlanRevision
from tracker.api.models import ApiToken
from tracker.assets.models import AssetKind, AssetVersion, ProcessAsset
from tracker.auth.policy import OBJECT_RULES, POLICY, PUBLIC
from tracker.auth.roles import Role
from tracker.compliance.models import Noncompliance
from tracker.deployments.models import ProjectDeployment, StandardSetEntry
from tracker.home.views import plotly_version
from tracker.imports.models import ImportBatch, ImportKind
from tracker.objectives.models import Measurement
from tracker.projects.models import Project
from tracker.reminders.models import Notification
from tracker.reviews.models import ReviewMeeting

# Flask's own static route serves files from tracker/static only.
FRAMEWORK_ENDPOINTS = {"static"}


def declared(app, endpoint: str) -> str | None:
    return getattr(app.view_functions[endpoint], "permission", None)


def test_every_endpoint_declares_a_permission(app):
    missing = [rule.endpoint for rule in app.url_map.iter_rules()
               if rule.endpoint not in FRAMEWORK_ENDPOINTS and declared(app, rule.endpoint) is None]
    assert missing == []


@pytest.fixture
def objects(db, make_user, make_project, make_objective, make_proposal, make_plan, make_commitment, make_issue,
            make_pilot, make_released, make_deployment, make_tailoring, make_audit, make_lesson, make_appraisal, make_token):
    """One of everything an URL can name, each owned by someone other than the role under test."""
    other_lead = make_user(Role.PROJECT_LEAD)
    project = make_project()
    owner = make_user(Role.PROCESS_GROUP)
    asset = ProcessAsset(title="Peer review procedure", kind=AssetKind.PROCEDURE, owner_id=owner.id)
    db.add(asset)
    db.flush()
    version = AssetVersion(asset_id=asset.id, label="1.0")
    db.add(version)
    db.commit()
    plan = make_plan(team=[other_lead])
    db.add(PlanRevision(plan_id=plan.id, number=1, snapshot="{}", approved_by_id=owner.id))
    objective = make_objective()
    db.add(PlanObjective(plan_id=plan.id, objective_id=objective.id))  # its result is measured by the objective's owner
    measurement = Measurement(objective_id=objective.id, measured_on=date(2026, 6, 1), value=7, source="Report",
                              recorded_by_id=owner.id)
    db.add(measurement)
    meeting = ReviewMeeting(title="Q3 review", held_on=date(2026, 10, 1), period_from=date(2026, 7, 1),
                            period_to=date(2026, 9, 30), chair_id=owner.id)
    db.add(meeting)
    reminder = Notification(rule="commitment_due", subject="commitment:1", recipient_id=other_lead.id,
                            period="due:2026-06-30", title="Commitment due", link="/")
    db.add(reminder)
    db.commit()
    joint_review = JointReview(plan_id=plan.id, held_on=date(2026, 2, 1), summary="On track", recorded_by_id=owner.id)
    batch = ImportBatch(kind=ImportKind.PROJECTS, filename="projects.csv", content=b"Code,Name\nPX-1,Payroll\n",
                        uploaded_by_id=owner.id)
    db.add_all([joint_review, batch])
    db.commit()
    return {"review_id": joint_review.id, "batch_id": batch.id, "project_id": project.id, "asset_id": asset.id, "version_id": version.id, "user_id": other_lead.id,
            "version": plotly_version(), "objective_id": objective.id,
            "measurement_id": measurement.id, "meeting_id": meeting.id, "proposal_id": make_proposal().id,
            "token_id": make_token(other_lead) and db.exec(select(ApiToken.id)).first(), "name": "swagger-ui.css",
            "plan_id": plan.id, "commitment_id": make_commitment(plan).id, "issue_id": make_issue(plan).id,
            "pilot_id": make_pilot(plan, versions=[version]).id, "number": 1,
            "notification_id": reminder.id, "key": "commitment_due", "job": "sweep", "token": "not-a-token"} | sg3_objects(
        db, project, make_user, make_released, make_deployment, make_tailoring, make_audit, make_lesson) | (
        appraisal_objects(db, make_appraisal, owner))


def appraisal_objects(db, make_appraisal, owner):
    """An appraisal in execution (its team is someone else), with a weakness found, and a cadence."""
    from tracker.appraisals.models import (
        AppraisalStatus,
        CadenceScope,
        Finding,
        FindingKind,
        Question,
        ReappraisalCadence,
    )
    from tracker.process_areas.models import ProcessArea

    area = db.exec(select(ProcessArea).where(ProcessArea.code == "VER")).one()
    appraisal = make_appraisal(AppraisalStatus.EXECUTION, areas=[area])
    finding = Finding(appraisal_id=appraisal.id, kind=FindingKind.WEAKNESS, area_id=area.id, statement="Gap",
                      recorded_by_id=owner.id)
    cadence = ReappraisalCadence(scope=CadenceScope.ORGANIZATION, months=24)
    question = Question(area_id=area.id, text="Are reviews planned?")
    db.add_all([finding, cadence, question])
    db.commit()
    return {"area_id": area.id, "appraisal_id": appraisal.id, "finding_id": finding.id, "cadence_id": cadence.id,
            "question_id": question.id}


def sg3_objects(db, project, make_user, make_released, make_deployment, make_tailoring, make_audit, make_lesson):
    released = make_released()
    deployment = make_deployment([project], [released])
    entry = StandardSetEntry(asset_id=released.asset_id)
    db.add(entry)
    db.commit()
    audit = make_audit(project, noncompliance_owner=make_user(Role.MEMBER))
    from tracker.evidence.models import Evidence, EvidenceKind
    material = Evidence(kind=EvidenceKind.TRAINING_MATERIAL, deployment_id=deployment.id, link="https://x.example",
                        added_by_id=make_user(Role.PROCESS_GROUP).id)
    db.add(material)
    db.commit()
    return {"deployment_id": deployment.id, "row_id": db.exec(select(ProjectDeployment.id)).first(),
            "entry_id": entry.id, "record_id": make_tailoring(project, released).id, "audit_id": audit.id,
            "evidence_id": material.id, "entity": "noncompliance",
            "item_id": db.exec(select(Noncompliance.id)).first(), "lesson_id": make_lesson().id,
            "rest": str(audit.id), "kind": "tailoring", "other_id": 1}  # the old /audits/ addresses, redirected


def requests_for(app, objects):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in FRAMEWORK_ENDPOINTS:
            continue
        url = rule.build({name: objects[name] for name in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url, bool(rule.arguments)


def expected_allowed(action: str, role: Role | None, names_object: bool) -> bool:
    if action == PUBLIC:
        return True
    if role is None or role not in POLICY[action]:
        return False
    # The matrix's objects belong to nobody under test, so a rule that needs ownership refuses them;
    # an URL that names no object (a blank form) is the role's to open.
    return not names_object or (action, role) not in OBJECT_RULES


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: r.value if r else "anonymous")
def test_every_role_against_every_endpoint(app, client, login_as, make_token, objects, role):
    """Pages as the role signed in; the JSON API as the role's read-and-write token (anonymous: none)."""
    token = {"Authorization": f"Bearer {make_token(login_as(role))}"} if role is not None else {}
    for endpoint, method, url, names_object in requests_for(app, objects):
        action = declared(app, endpoint)
        if endpoint == "auth.logout" and role is not None:
            continue  # signing out ends the session the rest of the loop needs; tested on its own
        api = endpoint.startswith("api.")
        if api:
            response = client.open(url, method=method, headers=token, **({} if method == "GET" else {"json": {}}))
        else:
            response = client.post(url, data={}) if method == "POST" else client.get(url)
        where = f"{method} {url} as {role}"
        assert response.status_code < 500, where
        if expected_allowed(action, role, names_object):
            assert response.status_code not in (401, 403), where
        elif role is None and api:
            assert response.status_code == 401, where
        elif role is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"], where
        else:
            assert response.status_code == 403, where


def test_forbidden_post_changes_nothing(client, login_as, db):
    login_as(Role.MEMBER)
    response = client.post("/projects/", data={"code": "X1", "name": "X", "phase": "planning",
                                               "start_date": "2026-01-01"})
    assert response.status_code == 403
    assert count_rows(db, Project) == 0


def test_lead_edits_own_project_but_not_anothers(client, login_as, make_project, make_user, db):
    mine, theirs = make_project(code="MINE"), make_project(code="THEIRS")
    login_as(Role.PROJECT_LEAD, leads=[mine])
    form = {"code": "MINE", "name": "Renamed by lead", "phase": "planning", "status": "active",
            "start_date": "2026-01-01", "version": "1"}
    assert client.post(f"/projects/{mine.id}", data=form).status_code == 303
    assert client.get(f"/projects/{theirs.id}/edit").status_code == 403
    response = client.post(f"/projects/{theirs.id}", data=form | {"code": "THEIRS"})
    assert response.status_code == 403
    db.expire_all()
    assert db.get(Project, theirs.id).name == theirs.name
    assert db.get(Project, mine.id).name == "Renamed by lead"


def test_edit_button_only_shown_to_who_may_edit(client, login_as, make_project):
    mine, theirs = make_project(), make_project()
    login_as(Role.PROJECT_LEAD, leads=[mine])
    assert f"/projects/{mine.id}/edit" in client.get(f"/projects/{mine.id}").get_data(as_text=True)
    assert f"/projects/{theirs.id}/edit" not in client.get(f"/projects/{theirs.id}").get_data(as_text=True)


def test_post_without_csrf_token_is_refused_and_writes_nothing(client, login_as, db):
    login_as(Role.PROCESS_GROUP)
    response = client.post("/projects/", csrf=False, data={"code": "X1", "name": "X", "phase": "planning",
                                                           "start_date": "2026-01-01"})
    assert response.status_code == 400
    assert count_rows(db, Project) == 0


def test_htmx_post_with_csrf_header_is_accepted(client, login_as, db):
    login_as(Role.PROCESS_GROUP)
    token = client.csrf_token()
    response = client.post("/projects/", csrf=False, headers={"X-CSRFToken": token, "HX-Request": "true"},
                           data={"code": "X1", "name": "X", "phase": "planning", "start_date": "2026-01-01"})
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith("/projects/")
    assert count_rows(db, Project) == 1


def test_the_page_gives_htmx_the_csrf_token_on_body(client, login_as):
    login_as(Role.MEMBER)
    page = client.get("/projects/").get_data(as_text=True)
    assert re.search(r'<body hx-headers=\'\{"X-CSRFToken": "[^"]+"\}\'', page)


def test_dates_stored_as_given(db, make_project):
    project = make_project(start_date=date(2026, 2, 3))
    db.expire_all()
    assert db.exec(select(Project.start_date).where(Project.id == project.id)).one() == date(2026, 2, 3)
