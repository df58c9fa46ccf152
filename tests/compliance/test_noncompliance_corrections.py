"""Issue 12 part 1: what an audit recorded can be corrected by the process group (the owner works a noncompliance
through its status, and does not move its own due date); a stale correction is a conflict; the history keeps both."""

from datetime import date

from sqlmodel import select

from tracker.auth.roles import Role
from tracker.compliance.models import Noncompliance, NoncomplianceStatus


def found(db, make_audit, make_project, owner):
    audit = make_audit(make_project(code="PAY"), noncompliance_owner=owner, audit_date=date(2026, 9, 1))
    return db.exec(select(Noncompliance).where(Noncompliance.audit_id == audit.id)).one()


def correction(item, **changes):
    return {"description": item.description, "owner_id": str(item.owner_id), "due_date": str(item.due_date),
            "asset_version_id": "", "version": str(item.version)} | changes


def test_the_process_group_corrects_owner_and_due_date_and_the_history_names_them(client, login, make_user,
                                                                                  make_audit, make_project, db):
    mia, leo = make_user(Role.MEMBER, name="Mia"), make_user(Role.MEMBER, name="Leo")
    item = found(db, make_audit, make_project, mia)
    login(make_user(Role.PROCESS_GROUP))
    audit_page = client.get(f"/compliance/{item.audit_id}").get_data(as_text=True)
    assert f'href="/compliance/noncompliances/{item.id}/edit"' in audit_page
    saved = client.post(f"/compliance/noncompliances/{item.id}",
                        data=correction(item, owner_id=str(leo.id), due_date="2026-10-15"))
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"/compliance/{item.audit_id}#nc-{item.id}")
    db.expire_all()
    corrected = db.get(Noncompliance, item.id)
    assert (corrected.owner_id, corrected.due_date, corrected.status) == (leo.id, date(2026, 10, 15),
                                                                          NoncomplianceStatus.OPEN)
    history = client.get(f"/compliance/{item.audit_id}").get_data(as_text=True).split("History", 1)[1]
    assert "Mia" in history and "Leo" in history and "2026-10-15" in history


def test_a_due_date_before_the_audit_is_refused_beside_the_field(client, login, make_user, make_audit, make_project,
                                                                 db):
    item = found(db, make_audit, make_project, make_user(Role.MEMBER))
    login(make_user(Role.PROCESS_GROUP))
    refused = client.post(f"/compliance/noncompliances/{item.id}", data=correction(item, due_date="2026-08-31",
                                                                                    description="Changed"))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Due on or after the audit that found it (2026-09-01)." in page
    assert "Changed" in page  # what was typed is kept
    db.expire_all()
    assert db.get(Noncompliance, item.id).due_date == date(2026, 10, 1)


def test_a_stale_correction_is_a_conflict_showing_the_saved_values(client, login, make_user, make_audit,
                                                                   make_project, db):
    item = found(db, make_audit, make_project, make_user(Role.MEMBER))
    login(make_user(Role.PROCESS_GROUP))
    first = correction(item, description="Peer review records missing for release 4")
    assert client.post(f"/compliance/noncompliances/{item.id}", data=first).status_code == 303
    stale = client.post(f"/compliance/noncompliances/{item.id}", data=correction(item, description="Mine"))
    assert stale.status_code == 409 and "Peer review records missing for release 4" in stale.get_data(as_text=True)
    db.expire_all()
    assert db.get(Noncompliance, item.id).description == "Peer review records missing for release 4"


def test_only_the_process_group_corrects_a_noncompliance(client, login, make_user, make_audit, make_project, db):
    owner = make_user(Role.MEMBER)
    item = found(db, make_audit, make_project, owner)
    for user in (owner, make_user(Role.PROJECT_LEAD), make_user(Role.STEERING), make_user(Role.MEMBER)):
        login(user)
        assert client.get(f"/compliance/noncompliances/{item.id}/edit").status_code == 403
        assert client.post(f"/compliance/noncompliances/{item.id}",
                           data=correction(item, due_date="2027-12-31")).status_code == 403
        assert f"/compliance/noncompliances/{item.id}/edit" not in client.get(
            f"/compliance/{item.audit_id}").get_data(as_text=True)
    login(make_user(Role.PROCESS_GROUP))
    assert client.get("/compliance/noncompliances/999999/edit").status_code == 404
    db.expire_all()
    assert db.get(Noncompliance, item.id).due_date == date(2026, 10, 1)
