"""Training and evidence of adoption (issue 12, part 6; OPF SP 3.1, 3.3).

From the requirement: a deployment records its training and support — sessions (date, asset version, who attended)
and the materials; a move on a status row (a lead's Deployed, the process group's Verify) can carry evidence, a
note with a link or a file; audits attach evidence per result; the project page shows who on the project was
trained on what. Bad input gets its message beside the field and writes nothing.
"""

import io
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from tests.conftest import count_rows
from tracker.auth.roles import Role
from tracker.compliance.models import AuditResult, Compliance
from tracker.deployments.models import ProjectDeployment, RowStatus, TrainingSession
from tracker.evidence.models import Evidence, EvidenceKind
from tracker.history.models import AuditEvent

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 60


@pytest.fixture
def world(db, make_user, make_project, make_released, make_deployment):
    leo = make_user(Role.PROJECT_LEAD, name="Leo Lead")
    pay, ops, other = make_project(code="PAY", leads=[leo]), make_project(code="OPS"), make_project(code="HR")
    review = make_released("2.0", title="Peer review procedure", created_at=datetime(2026, 1, 10, tzinfo=UTC))
    deployment = make_deployment([pay, ops], [review], status=RowStatus.IN_PROGRESS, title="Peer reviews 2.0")
    make_deployment([other], [make_released("1.0", title="Estimation guideline")])
    return {"leo": leo, "mia": make_user(Role.MEMBER, name="Mia Member"), "pay": pay, "ops": ops, "other": other,
            "version": review, "deployment": deployment}


def training_form(world, **fields):
    return {"held_on": "2026-03-04", "asset_version_id": str(world["version"].id), "project_id": str(world["pay"].id),
            "attendee_ids": [str(world["leo"].id), str(world["mia"].id)], "notes": "Walkthrough of the checklist"} | fields


def test_a_session_is_recorded_and_the_project_shows_who_was_trained_on_what(client, login_as, db, world):
    login_as(Role.PROCESS_GROUP)
    deployment = world["deployment"]
    response = client.post(f"/deployments/{deployment.id}/training", data=training_form(world),
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    training = db.exec(select(TrainingSession)).one()
    assert (training.held_on, training.asset_version_id, [p.code for p in training.projects]) == (
        date(2026, 3, 4), world["version"].id, ["PAY"])
    assert sorted(p.name for p in training.attendees) == ["Leo Lead", "Mia Member"]
    trained = client.get(f"/projects/{world['pay'].id}").get_data(as_text=True).split('id="trained"')[1]
    trained = trained.split("</section>")[0]
    assert "2026-03-04" in trained and "Peer review procedure 2.0" in trained and "Leo Lead, Mia Member" in trained
    # named for PAY: not OPS's training
    assert "Leo Lead" not in client.get(f"/projects/{world['ops'].id}").get_data(as_text=True).split(
        'id="trained"')[1].split("</section>")[0]
    history = db.exec(select(AuditEvent.field).where(AuditEvent.entity == "deployment",
                                                     AuditEvent.entity_id == deployment.id)).all()
    assert "training" in history


def test_a_session_for_all_projects_shows_on_each_of_them_only(client, login_as, db, world, make_project):
    login_as(Role.PROCESS_GROUP)
    client.post(f"/deployments/{world['deployment'].id}/training", data=training_form(world, project_id=""))
    later = make_project(code="LATE")  # joins the deployment after the session: it was not trained by it
    db.add(ProjectDeployment(deployment_id=world["deployment"].id, project_id=later.id,
                             asset_version_id=world["version"].id))
    db.commit()
    for project, shown in ((world["pay"], True), (world["ops"], True), (world["other"], False), (later, False)):
        trained = client.get(f"/projects/{project.id}").get_data(as_text=True).split('id="trained"')[1]
        assert ("Mia Member" in trained.split("</section>")[0]) is shown, project.code


@pytest.mark.parametrize("fields, field, message", [
    ({"attendee_ids": []}, "attendee_ids", "Name who attended."),
    ({"held_on": "2099-01-01"}, "held_on", "A session is recorded once held: not dated ahead."),
    ({"held_on": "2026-01-09"}, "held_on", "Peer review procedure 2.0 was drafted on 2026-01-10: no session on it"),
    ({"asset_version_id": "other"}, "asset_version_id", "Choose one of the versions this deployment deploys."),
    ({"project_id": "other"}, "project_id", "projects, or all of them."),
])
def test_a_bad_session_is_refused_beside_the_field(client, login_as, db, world, make_released, fields, field,
                                                    message):
    login_as(Role.PROCESS_GROUP)
    if fields.get("asset_version_id") == "other":
        fields = {"asset_version_id": str(make_released("9.0").id)}
    if fields.get("project_id") == "other":
        fields = {"project_id": str(world["other"].id)}
    response = client.post(f"/deployments/{world['deployment'].id}/training", data=training_form(world, **fields),
                           headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_rows(db, TrainingSession) == 0


@pytest.mark.parametrize("role", [Role.PROJECT_LEAD, Role.MEMBER, Role.STEERING])
def test_only_the_process_group_records_training_and_material(client, login_as, db, world, role):
    login_as(role)
    deployment = world["deployment"]
    assert client.post(f"/deployments/{deployment.id}/training", data=training_form(world)).status_code == 403
    assert client.post(f"/deployments/{deployment.id}/materials",
                       data={"kind": "training_material", "link": "https://wiki.example/x"}).status_code == 403
    assert count_rows(db, TrainingSession) == 0 and count_rows(db, Evidence) == 0


def material(client, deployment, **fields):
    data = {"kind": "training_material", "note": "Kick-off slides"} | fields
    return client.post(f"/deployments/{deployment.id}/materials", data=data, content_type="multipart/form-data",
                       headers={"HX-Request": "true"})


def test_material_is_a_link_or_a_kept_file(client, login_as, db, world):
    login_as(Role.PROCESS_GROUP)
    deployment = world["deployment"]
    assert material(client, deployment, link="https://wiki.example/peer-review").status_code == 200
    assert material(client, deployment, kind="support_material", note="Quick reference",
                    file=(io.BytesIO(PDF), "quick reference.pdf")).status_code == 200
    kept = db.exec(select(Evidence).order_by(Evidence.id)).all()
    assert [(e.kind, e.note, e.link, e.file_name) for e in kept] == [
        (EvidenceKind.TRAINING_MATERIAL, "Kick-off slides", "https://wiki.example/peer-review", ""),
        (EvidenceKind.SUPPORT_MATERIAL, "Quick reference", "", "quick reference.pdf")]
    page = client.get(f"/deployments/{deployment.id}").get_data(as_text=True)
    assert 'href="https://wiki.example/peer-review"' in page and "quick reference.pdf" in page
    download = client.get(f"/evidence/{kept[1].id}/file")
    assert download.data == PDF and download.headers["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("fields, message", [
    ({}, "Give a link, a file, or both."),
    ({"file": (io.BytesIO(EXE), "setup.exe")}, "A .exe file cannot be kept here."),
    ({"link": "javascript:alert(1)"}, "Enter a web address starting with https://"),
    ({"kind": "adoption", "link": "https://wiki.example/x"}, "Choose one of the listed options."),
])
def test_bad_material_is_refused_and_nothing_is_kept(client, login_as, db, world, fields, message):
    login_as(Role.PROCESS_GROUP)
    response = material(client, world["deployment"], **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_rows(db, Evidence) == 0


def row_of(db, project) -> ProjectDeployment:
    return db.exec(select(ProjectDeployment).where(ProjectDeployment.project_id == project.id)).one()


def move(client, row, to, **fields):
    data = {"to": to, "version": str(row.version), "notes": "Used in every review since March"} | fields
    return client.post(f"/deployments/rows/{row.id}/move", data=data, content_type="multipart/form-data",
                       headers={"HX-Request": "true"})


def test_a_leads_move_carries_evidence_of_adoption_and_the_verify_too(client, login, login_as, db, world):
    login(world["leo"])
    row = row_of(db, world["pay"])
    response = move(client, row, "deployed", evidence_file=(io.BytesIO(PDF), "review records.pdf"))
    assert response.status_code == 200
    assert "review records.pdf" in response.get_data(as_text=True)  # the row, as it is now, with its evidence
    db.expire_all()
    row = row_of(db, world["pay"])
    assert row.status == RowStatus.DEPLOYED
    assert [(e.kind, e.note, e.file_name) for e in row.evidence] == [
        (EvidenceKind.ADOPTION, "Used in every review since March", "review records.pdf")]
    login_as(Role.PROCESS_GROUP)
    assert move(client, row, "verified", notes="Checked two reviews",
                evidence_link="https://wiki.example/pay/reviews").status_code == 200
    db.expire_all()
    assert [e.link for e in row_of(db, world["pay"]).evidence] == ["", "https://wiki.example/pay/reviews"]


def test_refused_evidence_refuses_the_move_and_keeps_nothing(client, login, db, world):
    login(world["leo"])
    row = row_of(db, world["pay"])
    response = move(client, row, "deployed", evidence_file=(io.BytesIO(EXE), "setup.exe"))
    assert response.status_code == 422
    assert "A .exe file cannot be kept here." in response.get_data(as_text=True)
    db.expire_all()
    assert row_of(db, world["pay"]).status == RowStatus.IN_PROGRESS and count_rows(db, Evidence) == 0


def test_a_move_no_role_of_yours_makes_is_forbidden_even_on_a_stale_page(client, login, db, world):
    login(world["leo"])
    row = row_of(db, world["pay"])
    response = client.post(f"/deployments/rows/{row.id}/move", data={"to": "verified", "version": "99"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 403  # verifying is the process group's, whatever the version


def test_a_lead_adds_no_evidence_to_another_projects_row(client, login, db, world):
    login(world["leo"])
    assert move(client, row_of(db, world["ops"]), "deployed",
                evidence_link="https://wiki.example/ops").status_code == 403
    assert count_rows(db, Evidence) == 0


def test_an_audit_attaches_evidence_per_result(client, login_as, db, world, make_audit):
    audit = make_audit(world["pay"])
    result = AuditResult(audit_id=audit.id, asset_version_id=world["version"].id, result=Compliance.COMPLIANT)
    db.add(result)
    db.commit()
    other_result = AuditResult(audit_id=make_audit(world["ops"]).id, asset_version_id=world["version"].id,
                               result=Compliance.PARTIALLY)
    db.add(other_result)
    db.commit()
    login_as(Role.PROCESS_GROUP)

    def attach(**fields):
        data = {"result_id": str(result.id), "note": "Review records of sprint 12"} | fields
        return client.post(f"/compliance/{audit.id}/evidence", data=data, content_type="multipart/form-data",
                           headers={"HX-Request": "true"})

    refused = attach(result_id=str(other_result.id), link="https://wiki.example/x")
    assert refused.status_code == 422 and "Choose one of this audit" in refused.get_data(as_text=True)
    empty = client.post(f"/compliance/{audit.id}/evidence", data={}, content_type="multipart/form-data",
                        headers={"HX-Request": "true"})
    assert empty.status_code == 422
    assert "This field is required." in empty.get_data(as_text=True)  # the result: both errors in one round
    assert "Give a link, a file, or both." in empty.get_data(as_text=True)
    assert attach(file=(io.BytesIO(PDF), "sprint 12 reviews.pdf")).status_code == 200
    page = client.get(f"/compliance/{audit.id}").get_data(as_text=True)
    assert "sprint 12 reviews.pdf" in page.split('id="results"')[1].split("</table>")[0]
    kept = db.exec(select(Evidence)).one()
    assert (kept.kind, kept.audit_result_id) == (EvidenceKind.AUDIT, result.id)
    history = db.exec(select(AuditEvent.field).where(AuditEvent.entity == "compliance_audit",
                                                     AuditEvent.entity_id == audit.id)).all()
    assert any(field.startswith("evidence") for field in history)


def test_the_project_page_reads_a_fixed_number_of_statements_as_training_grows(client, login_as, db, world,
                                                                               query_counter):
    login_as(Role.PROCESS_GROUP)
    url = f"/projects/{world['pay'].id}"

    def statements_after(sessions: int) -> int:
        for _ in range(sessions):
            client.post(f"/deployments/{world['deployment'].id}/training", data=training_form(world))
        query_counter.clear()
        assert client.get(url).status_code == 200
        return len(query_counter)

    assert statements_after(1) == statements_after(5)


def test_a_deployment_with_training_or_evidence_is_not_removed_until_they_are(client, login_as, db, world):
    login_as(Role.PROCESS_GROUP)
    deployment = world["deployment"]
    client.post(f"/deployments/{deployment.id}/training", data=training_form(world))
    material(client, deployment, file=(io.BytesIO(PDF), "slides.pdf"))
    page = client.get(f"/remove/deployment/{deployment.id}").get_data(as_text=True)
    assert "1 training session recorded for it: remove them first." in page
    assert "1 piece of material or evidence attached: remove them first." in page
    training, kept = db.exec(select(TrainingSession)).one(), db.exec(select(Evidence)).one()
    assert client.post(f"/remove/training/{training.id}").status_code == 303
    assert client.post(f"/remove/evidence/{kept.id}").status_code == 303
    assert count_rows(db, TrainingSession) == 0 and count_rows(db, Evidence) == 0
    from tracker.content import ContentBlob
    assert count_rows(db, ContentBlob) == 0  # the file no record holds is not kept
    removed = db.exec(select(AuditEvent.field).where(AuditEvent.entity == "deployment",
                                                     AuditEvent.entity_id == deployment.id)).all()
    assert {"training session removed", "evidence removed"} <= set(removed)
    assert "remove them first" not in client.get(f"/remove/deployment/{deployment.id}").get_data(as_text=True)


def test_a_project_whose_row_carries_evidence_is_not_dropped_from_the_deployment(client, login_as, db, world):
    login_as(Role.PROCESS_GROUP)
    row = row_of(db, world["ops"])
    assert move(client, row, "planned", evidence_file=(io.BytesIO(PDF), "kick-off.pdf")).status_code == 200
    deployment = world["deployment"]
    form = {"title": deployment.title, "project_ids": [str(world["pay"].id)], "target_date": "2026-06-01",
            "version": str(deployment.version)}
    refused = client.post(f"/deployments/{deployment.id}", data=form)
    assert refused.status_code == 422 and "Work has started on OPS (or evidence is attached)" in refused.get_data(
        as_text=True)
    assert count_rows(db, Evidence) == 1
