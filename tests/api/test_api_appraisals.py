"""Appraisals through the API: the list's filters, sorts and pages; an appraisal with its findings; its phases,
completion and cancellation (If-Match: a stale move is 412), by the process group as the page lets it."""

from datetime import UTC, date, datetime

from sqlmodel import select

from tracker.api.models import Scope
from tracker.appraisals.models import AppraisalStatus, Finding, FindingKind, Method
from tracker.auth.roles import Role
from tracker.history.models import AuditEvent
from tracker.process_areas.models import ProcessArea


def _area(db, code: str) -> ProcessArea:
    return db.exec(select(ProcessArea).where(ProcessArea.code == code)).one()


def test_the_list_filters_sorts_and_pages_as_the_page_does(api, db, make_user, make_appraisal):
    reader = api(make_user(Role.MEMBER))
    older = make_appraisal(AppraisalStatus.COMPLETED, title="SCAMPI 2024", completion_on=date(2024, 6, 30))
    newer = make_appraisal(title="Gap analysis 2026", completion_on=date(2026, 6, 30), areas=[_area(db, "VER")])
    middle = make_appraisal(AppraisalStatus.CANCELLED, title="SCAMPI 2025", completion_on=date(2025, 6, 30))
    everything = reader.get("/api/v1/appraisals")
    assert [item["id"] for item in everything.json["items"]] == [newer.id, middle.id, older.id]  # the latest first
    assert [item["title"] for item in reader.get("/api/v1/appraisals?sort=title").json["items"]] == [
        "Gap analysis 2026", "SCAMPI 2024", "SCAMPI 2025"]
    assert [item["title"] for item in reader.get("/api/v1/appraisals?status=cancelled").json["items"]] == [
        "SCAMPI 2025"]
    assert [item["title"] for item in reader.get(f"/api/v1/appraisals?area={_area(db, 'VER').id}").json["items"]] == [
        "Gap analysis 2026"]
    assert reader.get("/api/v1/appraisals?q=scampi").json["paging"]["count"] == 2
    first = reader.get("/api/v1/appraisals?per_page=2")
    assert first.json["paging"] | {"next": None} == {"page": 1, "per_page": 2, "count": 3, "more": False,
                                                     "next": None, "previous": None}
    assert [item["title"] for item in reader.get(first.json["paging"]["next"]).json["items"]] == ["SCAMPI 2024"]
    assert reader.get("/api/v1/appraisals?status=done").json["errors"] == {
        "status": "Choose one of the listed options."}


def test_the_list_makes_as_many_queries_for_many_appraisals_as_for_few(api, db, make_user, make_project,
                                                                       make_appraisal, list_reads_flat):
    reader = api(make_user(Role.MEMBER))

    def add(n: int) -> None:
        for _ in range(n):
            make_appraisal(areas=[_area(db, "VER")], projects=[make_project()], team=[make_user(Role.MEMBER)])

    list_reads_flat(reader, "/api/v1/appraisals", add)


def test_an_appraisal_has_its_findings_and_its_version_as_etag(api, db, make_user, make_project, make_appraisal):
    reader = api(make_user(Role.MEMBER))
    lead = make_user(Role.PROCESS_GROUP, name="Lena Lead")
    crm = make_project(code="CRM")
    appraisal = make_appraisal(AppraisalStatus.EXECUTION, title="SCAMPI 2026", lead_appraiser=lead,
                               areas=[_area(db, "VER")], projects=[crm])
    db.add_all([Finding(appraisal_id=appraisal.id, kind=FindingKind.WEAKNESS, area_id=_area(db, "VER").id,
                        project_id=crm.id, statement="Reviews skipped", recorded_by_id=lead.id),
                Finding(appraisal_id=appraisal.id, kind=FindingKind.STRENGTH, area_id=_area(db, "VER").id,
                        statement="Checklists used", recorded_by_id=lead.id)])
    db.commit()
    response = reader.get(f"/api/v1/appraisals/{appraisal.id}")
    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    body = response.json
    assert (body["title"], body["status"], body["lead_appraiser"]["name"]) == ("SCAMPI 2026", "execution", "Lena Lead")
    assert body["projects"] == [{"id": crm.id, "name": "CRM", "url": f"/api/v1/projects/{crm.id}"}]
    assert [(f["kind"], f["statement"], f["area"]["name"], f["project"] and f["project"]["name"])
            for f in body["findings"]] == [("strength", "Checklists used", "VER", None),
                                           ("weakness", "Reviews skipped", "VER", "CRM")]  # strengths first
    assert body["html_url"] == f"/appraisals/{appraisal.id}"
    missing = reader.get("/api/v1/appraisals/2147483647")
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/problem+json"


def test_the_process_group_starts_the_next_phase_and_the_history_says_who(api, db, make_user, make_appraisal):
    sepg = make_user(Role.PROCESS_GROUP)
    appraisal = make_appraisal()
    moved = api(sepg).post(f"/api/v1/appraisals/{appraisal.id}/moves", json={"to": "preparation"},
                           headers={"If-Match": '"1"'})
    assert moved.status_code == 200 and moved.json["status"] == "preparation"
    assert moved.headers["ETag"] == '"2"' and moved.json["findings"] == []
    event = db.exec(select(AuditEvent).where(AuditEvent.entity == "appraisal", AuditEvent.field == "status")).one()
    assert (event.entity_id, event.user_id, event.old, event.new) == (appraisal.id, sepg.id, "Planned", "Preparation")


def test_completing_a_scampi_a_records_the_day_and_its_maturity_level(api, make_user, make_appraisal):
    appraisal = make_appraisal(AppraisalStatus.AFTERCARE, method=Method.SCAMPI_A)
    moved = api(make_user(Role.PROCESS_GROUP)).post(f"/api/v1/appraisals/{appraisal.id}/moves",
                                                    json={"to": "completed", "maturity_level": 3},
                                                    headers={"If-Match": '"1"'})
    assert moved.status_code == 200
    assert (moved.json["status"], moved.json["maturity_level"], moved.json["completed_on"]) == (
        "completed", 3, str(datetime.now(UTC).date()))


def test_a_refused_move_is_422_beside_its_fields_and_writes_nothing(api, db, make_user, make_appraisal):
    sepg = api(make_user(Role.PROCESS_GROUP))
    planned = make_appraisal()
    url = f"/api/v1/appraisals/{planned.id}/moves"
    no_reason = sepg.post(url, json={"to": "cancelled"}, headers={"If-Match": '"1"'})
    assert no_reason.status_code == 422
    assert no_reason.json["errors"] == {"rationale": "Say why: a rationale is required for this decision."}
    gap = make_appraisal(AppraisalStatus.AFTERCARE, method=Method.SCAMPI_C)
    no_level = sepg.post(f"/api/v1/appraisals/{gap.id}/moves", json={"to": "completed", "maturity_level": 2},
                         headers={"If-Match": '"1"'})
    assert no_level.status_code == 422
    assert no_level.json["errors"] == {"maturity_level": "A SCAMPI C gives no maturity level."}
    assert sepg.post(url, json={"to": "completed"}, headers={"If-Match": '"1"'}).status_code == 409  # not from planned
    db.refresh(planned), db.refresh(gap)
    assert (planned.status, planned.version, gap.status, gap.version) == (
        AppraisalStatus.PLANNED, 1, AppraisalStatus.AFTERCARE, 1)
    assert db.exec(select(AuditEvent).where(AuditEvent.entity == "appraisal")).all() == []


def test_only_the_process_group_moves_an_appraisal_and_only_with_a_write_token(api, db, make_user, make_appraisal):
    lead = make_user(Role.MEMBER)
    appraisal = make_appraisal(lead_appraiser=lead)
    url = f"/api/v1/appraisals/{appraisal.id}/moves"
    for caller in (api(lead), api(make_user(Role.STEERING)), api(make_user(Role.PROCESS_GROUP), scope=Scope.READ)):
        assert caller.post(url, json={"to": "preparation"}, headers={"If-Match": '"1"'}).status_code == 403
    db.refresh(appraisal)
    assert appraisal.status == AppraisalStatus.PLANNED


def test_a_stale_move_is_412_with_the_appraisal_as_it_is(api, db, make_user, make_appraisal):
    sepg = api(make_user(Role.PROCESS_GROUP))
    appraisal = make_appraisal()
    url = f"/api/v1/appraisals/{appraisal.id}/moves"
    assert sepg.post(url, json={"to": "preparation"}, headers={"If-Match": '"1"'}).status_code == 200
    stale = sepg.post(url, json={"to": "cancelled", "rationale": "No budget"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.headers["ETag"] == '"2"'
    assert stale.json["current"]["status"] == "preparation"
    db.refresh(appraisal)
    assert appraisal.status == AppraisalStatus.PREPARATION
