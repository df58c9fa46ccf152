"""Compliance audits and noncompliances through the API: each list's filters, sorts and pages; an audit with its
results and a noncompliance, each with its ETag; their workflow moves (If-Match), under the pages' rules: the
process group completes and reopens audits and closes noncompliances, a noncompliance's owner works it."""

from datetime import date

import pytest
from sqlmodel import select

from tracker.api.models import Scope
from tracker.auth.roles import Role
from tracker.compliance.models import (
    AuditResult,
    AuditStatus,
    Compliance,
    ComplianceAudit,
    Noncompliance,
    NoncomplianceStatus,
)
from tracker.history.models import AuditEvent


@pytest.fixture
def make_noncompliance(db, make_user):
    def make(audit, owner=None, **fields) -> Noncompliance:
        item = Noncompliance(audit_id=audit.id, description=fields.pop("description", "No peer review records"),
                             owner_id=(owner or make_user(Role.MEMBER)).id,
                             due_date=fields.pop("due_date", date(2027, 1, 15)), **fields)
        db.add(item)
        db.commit()
        return item
    return make


def _history(db, entity: str, record_id: int, field: str) -> AuditEvent:
    return db.exec(select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.entity_id == record_id,
                                            AuditEvent.field == field)).one()


def test_the_audit_list_filters_sorts_and_pages_as_the_page_does(api, make_user, make_project, make_audit,
                                                                 make_released, db):
    crm, erp = make_project(code="CRM"), make_project(code="ERP")
    ada = make_user(Role.PROCESS_GROUP, name="Ada Auditor")
    checklist = make_released(title="Review checklist")
    first = make_audit(erp, audit_date=date(2026, 3, 1), auditor_id=ada.id, status=AuditStatus.COMPLETED)
    second = make_audit(crm, audit_date=date(2026, 6, 1))
    third = make_audit(erp, audit_date=date(2026, 9, 1), auditor_id=ada.id)
    db.add(AuditResult(audit_id=second.id, asset_version_id=checklist.id, result=Compliance.COMPLIANT))
    db.commit()
    reader = api(make_user(Role.MEMBER))
    everything = reader.get("/api/v1/compliance/audits")
    assert everything.status_code == 200
    assert [item["id"] for item in everything.json["items"]] == [third.id, second.id, first.id]  # newest first
    by_project = reader.get("/api/v1/compliance/audits?sort=project").json["items"]
    assert [item["project"]["name"] for item in by_project] == ["CRM", "ERP", "ERP"]
    assert [item["id"] for item in reader.get(
        f"/api/v1/compliance/audits?project={erp.id}&sort=date").json["items"]] == [first.id, third.id]
    assert [item["id"] for item in reader.get(
        f"/api/v1/compliance/audits?auditor={ada.id}&status=planned").json["items"]] == [third.id]
    assert [item["id"] for item in reader.get(
        f"/api/v1/compliance/audits?asset={checklist.asset_id}").json["items"]] == [second.id]
    assert [item["id"] for item in api(ada).get("/api/v1/compliance/audits?mine=1").json["items"]] == [
        third.id, first.id]
    page = reader.get("/api/v1/compliance/audits?per_page=2&page=2")
    assert [item["id"] for item in page.json["items"]] == [first.id]
    assert page.json["paging"]["count"] == 3 and page.json["paging"]["next"] is None
    assert page.headers["Link"] == f'<{page.json["paging"]["previous"]}>; rel="prev"'
    refused = reader.get("/api/v1/compliance/audits?status=done&sort=summary")
    assert refused.status_code == 422 and set(refused.json["errors"]) == {"status", "sort"}


def test_the_audit_list_reads_as_many_statements_for_many_audits_as_for_one(api, make_user, make_project,
                                                                           make_audit, make_released, db,
                                                                           list_reads_flat):
    reader = api(make_user(Role.MEMBER))

    def audits(n):
        for _ in range(n):
            audit = make_audit(make_project())
            db.add(AuditResult(audit_id=audit.id, asset_version_id=make_released().id, result=Compliance.PARTIALLY))
        db.commit()
    list_reads_flat(reader, "/api/v1/compliance/audits", audits)


def test_an_audit_has_its_results_its_version_as_etag_and_an_unknown_one_is_404(api, make_user, make_project,
                                                                                 make_audit, make_released, db):
    crm = make_project(code="CRM")
    ada = make_user(Role.PROCESS_GROUP, name="Ada Auditor")
    audit = make_audit(crm, auditor_id=ada.id, scope_notes="Reviews only")
    version = make_released("1.2", title="Review checklist")
    db.add(AuditResult(audit_id=audit.id, asset_version_id=version.id, result=Compliance.PARTIALLY,
                       notes="Two reviews late"))
    db.commit()
    reader = api(make_user(Role.MEMBER))
    response = reader.get(f"/api/v1/compliance/audits/{audit.id}")
    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    assert response.json["project"] == {"id": crm.id, "name": "CRM", "url": f"/api/v1/projects/{crm.id}"}
    assert response.json["auditor"]["name"] == "Ada Auditor"
    assert (response.json["audit_date"], response.json["status"], response.json["scope_notes"]) == (
        "2026-09-01", "planned", "Reviews only")
    assert [(r["asset_version"]["name"], r["result"], r["notes"]) for r in response.json["results"]] == [
        ("Review checklist 1.2", "partially", "Two reviews late")]
    assert response.json["noncompliances_url"] == f"/api/v1/compliance/noncompliances?audit={audit.id}"
    assert response.json["html_url"] == f"/compliance/{audit.id}"
    missing = reader.get("/api/v1/compliance/audits/2147483647")
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/problem+json"


def test_the_process_group_completes_a_held_audit_with_its_summary(api, make_user, make_project, make_audit, db):
    audit = make_audit(make_project(), audit_date=date(2026, 9, 1))
    pia = make_user(Role.PROCESS_GROUP)
    url = f"/api/v1/compliance/audits/{audit.id}/moves"
    moved = api(pia).post(url, json={"to": "completed", "summary": "Reviews mostly held"},
                          headers={"If-Match": '"1"'})
    assert moved.status_code == 200 and moved.headers["ETag"] == '"2"'
    assert (moved.json["status"], moved.json["summary"]) == ("completed", "Reviews mostly held")
    completed = _history(db, "compliance_audit", audit.id, "status")
    assert (completed.user_id, completed.old, completed.new) == (pia.id, "Planned", "Completed")


def test_an_audit_not_held_yet_is_not_completed_and_a_reopening_needs_a_reason(api, make_user, make_project,
                                                                              make_audit, db):
    ahead = make_audit(make_project(), audit_date=date(2999, 1, 4))
    sepg = api(make_user(Role.PROCESS_GROUP))
    refused = sepg.post(f"/api/v1/compliance/audits/{ahead.id}/moves", json={"to": "completed"},
                        headers={"If-Match": '"1"'})
    assert refused.status_code == 422 and set(refused.json["errors"]) == {"summary"}
    done = make_audit(make_project(), status=AuditStatus.COMPLETED)
    no_reason = sepg.post(f"/api/v1/compliance/audits/{done.id}/moves", json={"to": "planned"},
                          headers={"If-Match": '"1"'})
    assert no_reason.status_code == 422 and set(no_reason.json["errors"]) == {"rationale"}
    assert sepg.post(f"/api/v1/compliance/audits/{done.id}/moves", json={"to": "done"},
                     headers={"If-Match": '"1"'}).json["errors"] == {"to": "Choose one of the listed options."}
    db.refresh(ahead), db.refresh(done)
    assert (ahead.status, ahead.version, done.status, done.version) == (
        AuditStatus.PLANNED, 1, AuditStatus.COMPLETED, 1)
    assert db.exec(select(AuditEvent).where(AuditEvent.entity == "compliance_audit")).all() == []


def test_an_audit_move_needs_the_process_group_a_write_token_and_the_etag_it_was_made_from(
        api, make_user, make_project, make_audit, db):
    audit = make_audit(make_project())
    url = f"/api/v1/compliance/audits/{audit.id}/moves"
    completion = {"to": "completed", "summary": "Fine"}
    assert api(make_user(Role.PROJECT_LEAD)).post(url, json=completion, headers={"If-Match": '"1"'}
                                                  ).status_code == 403
    assert api(make_user(Role.PROCESS_GROUP), scope=Scope.READ).post(
        url, json=completion, headers={"If-Match": '"1"'}).status_code == 403
    sepg = api(make_user(Role.PROCESS_GROUP))
    assert sepg.post(url, json=completion).status_code == 428
    db.get(ComplianceAudit, audit.id).scope_notes = "Changed meanwhile"
    db.get(ComplianceAudit, audit.id).version = 2
    db.commit()
    stale = sepg.post(url, json=completion, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.headers["ETag"] == '"2"'
    assert stale.json["current"]["scope_notes"] == "Changed meanwhile"
    db.refresh(audit)
    assert audit.status == AuditStatus.PLANNED


def test_the_noncompliance_list_filters_sorts_and_pages_as_the_page_does(api, make_user, make_project, make_audit,
                                                                         make_released, make_noncompliance):
    crm, erp = make_project(code="CRM"), make_project(code="ERP")
    crm_audit, erp_audit = make_audit(crm), make_audit(erp)
    owner = make_user(Role.MEMBER, name="Olga Owner")
    checklist = make_released(title="Review checklist")
    late = make_noncompliance(crm_audit, owner, description="Reviews skipped", due_date=date(2026, 10, 1))
    started = make_noncompliance(erp_audit, description="Plan not baselined", due_date=date(2027, 2, 1),
                                 status=NoncomplianceStatus.IN_PROGRESS, asset_version_id=checklist.id)
    closed = make_noncompliance(erp_audit, owner, description="Reviews unrecorded", due_date=date(2026, 11, 1),
                                status=NoncomplianceStatus.CLOSED)
    reader = api(make_user(Role.MEMBER))
    everything = reader.get("/api/v1/compliance/noncompliances")
    assert [item["id"] for item in everything.json["items"]] == [late.id, closed.id, started.id]  # soonest due
    assert [item["id"] for item in reader.get(
        "/api/v1/compliance/noncompliances?sort=-due").json["items"]] == [started.id, closed.id, late.id]
    assert [item["id"] for item in reader.get(
        "/api/v1/compliance/noncompliances?q=reviews&status=closed").json["items"]] == [closed.id]
    assert [item["id"] for item in reader.get(
        f"/api/v1/compliance/noncompliances?owner={owner.id}&open=1").json["items"]] == [late.id]
    assert [item["id"] for item in api(owner).get(
        "/api/v1/compliance/noncompliances?mine=1").json["items"]] == [late.id, closed.id]
    assert [item["id"] for item in reader.get(
        "/api/v1/compliance/noncompliances?overdue=1").json["items"]] == [late.id]  # due 2026-10-01, still open
    assert [item["id"] for item in reader.get(
        f"/api/v1/compliance/noncompliances?project={erp.id}").json["items"]] == [closed.id, started.id]
    assert [item["id"] for item in reader.get(
        f"/api/v1/compliance/noncompliances?asset={checklist.asset_id}").json["items"]] == [started.id]
    assert [item["id"] for item in reader.get(
        f"/api/v1/compliance/noncompliances?audit={crm_audit.id}").json["items"]] == [late.id]
    first = reader.get("/api/v1/compliance/noncompliances?per_page=1")
    assert first.json["paging"]["count"] == 3 and [item["id"] for item in first.json["items"]] == [late.id]
    assert [item["id"] for item in reader.get(first.json["paging"]["next"]).json["items"]] == [closed.id]
    assert reader.get("/api/v1/compliance/noncompliances?overdue=maybe").status_code == 422


def test_the_noncompliance_list_reads_as_many_statements_for_many_as_for_one(api, make_user, make_project,
                                                                            make_audit, make_released,
                                                                            make_noncompliance, list_reads_flat):
    reader = api(make_user(Role.MEMBER))

    def items(n):
        for _ in range(n):
            make_noncompliance(make_audit(make_project()), asset_version_id=make_released().id)
    list_reads_flat(reader, "/api/v1/compliance/noncompliances", items)


def test_a_noncompliance_has_its_links_and_version_as_etag_and_an_unknown_one_is_404(
        api, make_user, make_project, make_audit, make_released, make_noncompliance):
    crm = make_project(code="CRM")
    audit = make_audit(crm, audit_date=date(2026, 9, 1))
    version = make_released("1.0", title="Review checklist")
    item = make_noncompliance(audit, make_user(Role.MEMBER, name="Olga Owner"), asset_version_id=version.id)
    reader = api(make_user(Role.MEMBER))
    response = reader.get(f"/api/v1/compliance/noncompliances/{item.id}")
    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    assert response.json["audit"] == {"id": audit.id, "name": "Audit of CRM on 2026-09-01",
                                      "url": f"/api/v1/compliance/audits/{audit.id}"}
    assert response.json["project"]["name"] == "CRM" and response.json["owner"]["name"] == "Olga Owner"
    assert response.json["asset_version"]["name"] == "Review checklist 1.0"
    assert (response.json["description"], response.json["due_date"], response.json["status"]) == (
        "No peer review records", "2027-01-15", "open")
    assert response.json["html_url"] == f"/compliance/{audit.id}#nc-{item.id}"
    missing = reader.get("/api/v1/compliance/noncompliances/2147483647")
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/problem+json"


def test_its_owner_works_a_noncompliance_to_resolution_and_the_process_group_closes_it(
        api, make_user, make_project, make_audit, make_noncompliance, db):
    owner = make_user(Role.MEMBER)
    item = make_noncompliance(make_audit(make_project()), owner)
    url = f"/api/v1/compliance/noncompliances/{item.id}/moves"
    mine = api(owner)
    started = mine.post(url, json={"to": "in_progress"}, headers={"If-Match": '"1"'})
    assert started.status_code == 200 and started.json["status"] == "in_progress"
    assert started.headers["ETag"] == '"2"'
    history = _history(db, "noncompliance", item.id, "status")
    assert (history.user_id, history.old, history.new) == (owner.id, "Open", "In progress")
    no_reason = mine.post(url, json={"to": "resolved"}, headers={"If-Match": '"2"'})
    assert no_reason.status_code == 422 and set(no_reason.json["errors"]) == {"rationale"}
    assert mine.post(url, json={}, headers={"If-Match": '"2"'}).json["errors"] == {"to": "This field is required."}
    resolved = mine.post(url, json={"to": "resolved", "rationale": "Reviews recorded since"},
                         headers={"If-Match": '"2"'})
    assert resolved.status_code == 200
    assert (resolved.json["status"], resolved.json["resolution"]) == ("resolved", "Reviews recorded since")
    assert mine.post(url, json={"to": "closed"}, headers={"If-Match": '"3"'}).status_code == 403  # not the owner's
    closed = api(make_user(Role.PROCESS_GROUP)).post(url, json={"to": "closed"}, headers={"If-Match": '"3"'})
    assert closed.status_code == 200 and closed.json["status"] == "closed"


def test_someone_elses_noncompliance_is_refused_whatever_is_asked(api, make_user, make_project, make_audit,
                                                                  make_noncompliance, db):
    item = make_noncompliance(make_audit(make_project()))
    url = f"/api/v1/compliance/noncompliances/{item.id}/moves"
    stranger = api(make_user(Role.PROJECT_LEAD))
    assert stranger.post(url, json={"to": "in_progress"}, headers={"If-Match": '"1"'}).status_code == 403
    assert stranger.post(url, json={}, headers={"If-Match": '"1"'}).status_code == 403
    read_only = api(make_user(Role.PROCESS_GROUP), scope=Scope.READ)
    assert read_only.post(url, json={"to": "in_progress"}, headers={"If-Match": '"1"'}).status_code == 403
    db.refresh(item)
    assert (item.status, item.version) == (NoncomplianceStatus.OPEN, 1)
    assert db.exec(select(AuditEvent).where(AuditEvent.entity == "noncompliance")).all() == []


def test_a_stale_noncompliance_move_is_412_with_it_as_it_is(api, make_user, make_project, make_audit,
                                                           make_noncompliance, db):
    owner = make_user(Role.MEMBER)
    item = make_noncompliance(make_audit(make_project()), owner)
    url = f"/api/v1/compliance/noncompliances/{item.id}/moves"
    assert api(owner).post(url, json={"to": "in_progress"}, headers={"If-Match": '"1"'}).status_code == 200
    stale = api(make_user(Role.PROCESS_GROUP)).post(url, json={"to": "resolved", "rationale": "Done"},
                                                    headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.headers["ETag"] == '"2"'
    assert stale.json["current"]["status"] == "in_progress"
    db.refresh(item)
    assert (item.status, item.resolution) == (NoncomplianceStatus.IN_PROGRESS, "")
