"""Issue 12 part 4: the organization's noncompliances by project, asset, owner and audit (with the status, still
owed and overdue filters it had), sorted by any column, paged, statements flat."""

import re
from datetime import date

from tracker.auth.roles import Role
from tracker.compliance.models import Noncompliance


def rows(html: str) -> list[str]:
    return re.findall(r'<tr id="noncompliance-\d+"><td><a href="/compliance/\d+#nc-\d+">([^<]+)</a>', html)


def test_by_project_asset_owner_and_audit(client, login, db, make_user, make_project, make_audit, make_released,
                                          query_counter):
    ana, ben = make_user(Role.MEMBER, name="Ana"), make_user(Role.MEMBER, name="Ben")
    pay, crm = make_project(code="PAY"), make_project(code="CRM")
    reviews, estimation = make_released("1.0", title="Peer reviews"), make_released("1.0", title="Estimation")
    pay_audit, crm_audit = make_audit(pay), make_audit(crm)
    for audit, owner, version, text, due in ((pay_audit, ana, reviews, "Reviews skipped", date(2026, 10, 1)),
                                            (pay_audit, ben, estimation, "No estimate basis", date(2026, 9, 1)),
                                            (crm_audit, ben, reviews, "Checklist unused", date(2026, 11, 1))):
        db.add(Noncompliance(audit_id=audit.id, owner_id=owner.id, asset_version_id=version.id, description=text,
                             due_date=due))
    db.commit()
    login(make_user(Role.STEERING))
    assert rows(client.get("/compliance/noncompliances").get_data(as_text=True)) == [
        "No estimate basis", "Reviews skipped", "Checklist unused"]
    assert rows(client.get(f"/compliance/noncompliances?project={pay.id}").get_data(as_text=True)) == [
        "No estimate basis", "Reviews skipped"]
    assert rows(client.get(f"/compliance/noncompliances?asset={reviews.asset_id}").get_data(as_text=True)) == [
        "Reviews skipped", "Checklist unused"]
    assert rows(client.get(f"/compliance/noncompliances?owner={ben.id}&sort=-due").get_data(as_text=True)) == [
        "Checklist unused", "No estimate basis"]
    assert rows(client.get(f"/compliance/noncompliances?audit={crm_audit.id}").get_data(as_text=True)) == [
        "Checklist unused"]
    by_audit = client.get("/compliance/noncompliances?sort=audit").get_data(as_text=True)
    assert rows(by_audit)[0] == "Checklist unused" and 'aria-sort="ascending"' in by_audit  # CRM before PAY
    query_counter.clear()
    client.get("/compliance/noncompliances")
    few = len(query_counter)
    for n in range(12):
        db.add(Noncompliance(audit_id=make_audit(make_project()).id, owner_id=make_user(Role.MEMBER).id,
                             description=f"More {n}", due_date=date(2026, 12, 1)))
    db.commit()
    query_counter.clear()
    client.get("/compliance/noncompliances")
    assert len(query_counter) == few
