"""Issue 12 part 1: a logged audit can be corrected by the process group — its date, auditor, notes and summary,
and its project while nothing is recorded against it; a completed audit keeps a day it has been held on; every
field in the history; a stale correction is a conflict."""

from datetime import UTC, date, datetime

from tracker.auth.roles import Role
from tracker.compliance.models import AuditStatus, ComplianceAudit
from tracker.db import clock_at


def form(audit, **changes):
    return {"project_id": str(audit.project_id), "audit_date": str(audit.audit_date),
            "auditor_id": str(audit.auditor_id), "scope_notes": audit.scope_notes, "summary": audit.summary,
            "version": str(audit.version)} | changes


def test_the_process_group_corrects_an_audit_and_the_history_names_the_changes(client, login, make_user,
                                                                               make_project, make_audit, db):
    pay, crm = make_project(code="PAY"), make_project(code="CRM")
    audit = make_audit(pay, audit_date=date(2026, 9, 1))
    auditor = make_user(Role.MEMBER, name="Ida Auditor")
    login(make_user(Role.PROCESS_GROUP))
    assert f'href="/compliance/{audit.id}/edit"' in client.get(f"/compliance/{audit.id}").get_data(as_text=True)
    saved = client.post(f"/compliance/{audit.id}", data=form(audit, project_id=str(crm.id), audit_date="2026-09-03",
                                                             auditor_id=str(auditor.id), scope_notes="Design only"))
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"/compliance/{audit.id}")
    db.expire_all()
    corrected = db.get(ComplianceAudit, audit.id)
    assert (corrected.project_id, corrected.audit_date, corrected.auditor_id, corrected.scope_notes,
            corrected.version) == (crm.id, date(2026, 9, 3), auditor.id, "Design only", 2)
    history = client.get(f"/compliance/{audit.id}/edit").get_data(as_text=True).split('class="history"', 1)[1]
    for shown in ("PAY", "CRM", "2026-09-01", "2026-09-03", "Ida Auditor", "Design only"):
        assert shown in history


def test_an_audit_with_findings_keeps_its_project_and_a_completed_one_its_past_date(
        client, login, make_user, make_project, make_audit, db):
    pay, crm = make_project(code="PAY"), make_project(code="CRM")
    audit = make_audit(pay, noncompliance_owner=make_user(Role.MEMBER), status=AuditStatus.COMPLETED,
                       audit_date=date(2026, 9, 1))
    login(make_user(Role.PROCESS_GROUP))
    with clock_at(datetime(2026, 11, 1, 12, tzinfo=UTC)):
        refused = client.post(f"/compliance/{audit.id}", data=form(audit, project_id=str(crm.id),
                                                                   audit_date="2026-12-24"))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Results or noncompliances are recorded for this audit of PAY" in page
    assert "A completed audit is dated the day it was held, which cannot be in the future." in page
    db.expire_all()
    assert db.get(ComplianceAudit, audit.id).version == 1


def test_only_the_process_group_corrects_an_audit_and_a_stale_form_is_a_conflict(client, login, make_user,
                                                                                 make_project, make_audit):
    pay = make_project(code="PAY")
    audit = make_audit(pay)
    login(make_user(Role.PROJECT_LEAD, leads=[pay]))
    assert client.get(f"/compliance/{audit.id}/edit").status_code == 403
    assert client.post(f"/compliance/{audit.id}", data=form(audit)).status_code == 403
    login(make_user(Role.PROCESS_GROUP))
    assert client.get("/compliance/999999/edit").status_code == 404
    assert client.post(f"/compliance/{audit.id}", data=form(audit, scope_notes="Code reviews")).status_code == 303
    stale = client.post(f"/compliance/{audit.id}", data=form(audit, scope_notes="Design reviews"))
    assert stale.status_code == 409 and "Code reviews" in stale.get_data(as_text=True)
