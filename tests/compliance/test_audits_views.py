"""Compliance audits: scope from what the project deployed, a result per asset, noncompliances to closure."""

from sqlmodel import select

from tracker.auth.roles import Role
from tracker.compliance.models import AuditResult, Compliance, Noncompliance, NoncomplianceStatus
from tracker.deployments.models import RowStatus


def test_audit_records_results_for_deployed_versions_only(client, login_as, make_project, make_released,
                                                          make_deployment, make_audit, db):
    project = make_project()
    deployed, planned = make_released(title="Standard process"), make_released(title="Plan template")
    make_deployment([project], [deployed], status=RowStatus.VERIFIED)
    make_deployment([project], [planned], status=RowStatus.PLANNED)
    audit = make_audit(project)
    login_as(Role.PROCESS_GROUP)
    page = client.get(f"/compliance/{audit.id}").get_data(as_text=True)
    assert f'name="result_{deployed.id}"' in page and f'name="result_{planned.id}"' not in page
    response = client.post(f"/compliance/{audit.id}/results", data={f"result_{deployed.id}": "partially",
                                                                f"notes_{deployed.id}": "Reviews late"})
    assert response.status_code == 303
    result = db.exec(select(AuditResult)).one()
    assert result.result == Compliance.PARTIALLY and result.notes == "Reviews late"
    out_of_scope = client.post(f"/compliance/{audit.id}/results", data={f"result_{planned.id}": "compliant"})
    assert out_of_scope.status_code == 422


def test_a_result_recorded_stays_on_the_audit_when_the_project_stops_using_the_version(
        client, login_as, make_project, make_released, make_deployment, make_audit, db):
    """A walk-through moved a verified row back to "in progress": the completed audit's page lost that result (it
    listed only what the project uses now). It is shown as recorded, marked, and not offered for editing."""
    from tracker.compliance.models import AuditStatus
    from tracker.deployments.models import ProjectDeployment

    project = make_project()
    kept, dropped = make_released(title="Standard process"), make_released(title="Plan template")
    make_deployment([project], [kept, dropped], status=RowStatus.VERIFIED)
    audit = make_audit(project, status=AuditStatus.COMPLETED)
    db.add_all([AuditResult(audit_id=audit.id, asset_version_id=kept.id, result=Compliance.COMPLIANT),
                AuditResult(audit_id=audit.id, asset_version_id=dropped.id, result=Compliance.NON_COMPLIANT,
                            notes="No records")])
    row = db.exec(select(ProjectDeployment).where(ProjectDeployment.asset_version_id == dropped.id)).one()
    row.status = RowStatus.IN_PROGRESS  # no longer in use: out of an audit's scope
    db.commit()
    login_as(Role.STEERING)
    page = " ".join(client.get(f"/compliance/{audit.id}").get_data(as_text=True).split())
    assert "Standard process 1.0</a></td> <td><span class=\"badge compliant\">Compliant</span>" in page
    assert ("Plan template 1.0</a> <small class=\"muted\">(no longer in use on the project)</small></td> "
            "<td><span class=\"badge non_compliant\">Non compliant</span></td><td>No records</td>") in page


def test_noncompliance_is_worked_by_its_owner_and_closed_by_the_process_group(client, login, make_user,
                                                                              make_project, make_audit, db):
    owner, stranger = make_user(Role.PROJECT_LEAD), make_user(Role.MEMBER)
    audit = make_audit(make_project(), noncompliance_owner=owner)
    item = db.exec(select(Noncompliance)).one()
    login(stranger)
    assert client.post(f"/compliance/noncompliances/{item.id}/move",
                       data={"to": "in_progress", "version": "1"}).status_code == 403
    login(owner)
    assert client.post(f"/compliance/noncompliances/{item.id}/move",
                       data={"to": "resolved", "version": "1"}).status_code == 422
    assert client.post(f"/compliance/noncompliances/{item.id}/move",
                       data={"to": "resolved", "version": "1", "rationale": "Records added"}).status_code == 303
    assert client.post(f"/compliance/noncompliances/{item.id}/move",
                       data={"to": "closed", "version": "2"}).status_code == 403
    login(make_user(Role.PROCESS_GROUP))
    assert client.post(f"/compliance/noncompliances/{item.id}/move",
                       data={"to": "closed", "version": "2"}).status_code == 303
    db.expire_all()
    assert db.get(Noncompliance, item.id).status == NoncomplianceStatus.CLOSED
    project_page = client.get(f"/projects/{audit.project_id}").get_data(as_text=True)
    assert "None open." in project_page


def test_project_page_shows_open_noncompliances(client, login_as, make_user, make_project, make_audit):
    project = make_project()
    make_audit(project, noncompliance_owner=make_user(Role.MEMBER, name="Mia"))
    login_as(Role.STEERING)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "No peer review records</a> — Mia" in page


def test_result_notes_are_validated(client, login_as, make_project, make_released, make_deployment, make_audit, db):
    project = make_project()
    version = make_released()
    make_deployment([project], [version], status=RowStatus.DEPLOYED)
    audit = make_audit(project)
    login_as(Role.PROCESS_GROUP)
    for notes in ("x" * 2001, "nul \x00 byte"):
        response = client.post(f"/compliance/{audit.id}/results", data={f"result_{version.id}": "compliant",
                                                                    f"notes_{version.id}": notes})
        assert response.status_code == 422
    # Said beside the notes (a walk-through found the 422 page silent), and a note without a result is not dropped.
    assert "Use at most 2000 characters." in client.post(f"/compliance/{audit.id}/results", data={
        f"result_{version.id}": "compliant", f"notes_{version.id}": "x" * 2001}).get_data(as_text=True)
    orphan = client.post(f"/compliance/{audit.id}/results", data={f"result_{version.id}": "",
                                                                  f"notes_{version.id}": "Reviews late"})
    assert orphan.status_code == 422 and "Choose a result for this note." in orphan.get_data(as_text=True)
    assert db.exec(select(AuditResult)).first() is None


def test_the_old_audit_addresses_lead_to_the_compliance_pages(client, login_as, make_project, make_audit):
    """The audits moved from /audits/ to /compliance/ (issue 9): bookmarks keep working, query included."""
    login_as(Role.STEERING)
    audit = make_audit(make_project())
    for old, new in ((f"/audits/{audit.id}", f"/compliance/{audit.id}"), ("/audits/", "/compliance/"),
                     ("/audits/noncompliances?overdue=1", "/compliance/noncompliances?overdue=1")):
        response = client.get(old)
        assert response.status_code == 308 and response.headers["Location"].endswith(new)
        assert client.get(new).status_code == 200
