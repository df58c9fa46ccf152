"""Issue 12 part 1: a tailoring record can be corrected by a lead of its project or the process group (not by a
lead of another project); a record already reviewed whose tailoring changes goes back for review, one whose
dates alone change keeps its review; every field in the history; a stale correction is a conflict."""

from datetime import date

from tracker.auth.roles import Role
from tracker.tailoring.models import TailoringRecord, TailoringStatus, TailoringType


def form(record, **changes):
    return {"asset_version_id": str(record.asset_version_id), "element": record.element, "type": record.type.value,
            "rationale": record.rationale, "tailored_on": str(record.tailored_on),
            "review_by": str(record.review_by or ""), "version": str(record.version)} | changes


def test_a_lead_corrects_their_projects_record_and_not_another_projects(client, login, make_user, make_project,
                                                                       make_released, make_tailoring, db):
    pay, crm = make_project(code="PAY"), make_project(code="CRM")
    version = make_released("1.0", title="Peer reviews")
    mine, theirs = make_tailoring(pay, version), make_tailoring(crm, version)
    login(make_user(Role.PROJECT_LEAD, leads=[pay]))
    assert client.get(f"/tailoring/{theirs.id}/edit").status_code == 403
    assert client.post(f"/tailoring/{theirs.id}", data=form(theirs, element="Nope")).status_code == 403
    assert f'href="/tailoring/{theirs.id}/edit"' not in client.get(f"/tailoring/{theirs.id}").get_data(as_text=True)
    assert f'href="/tailoring/{mine.id}/edit"' in client.get(f"/tailoring/{mine.id}").get_data(as_text=True)
    saved = client.post(f"/tailoring/{mine.id}", data=form(mine, element="Design review meeting",
                                                           type=TailoringType.MODIFY.value, review_by="2026-12-31"))
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"/tailoring/{mine.id}")
    db.expire_all()
    corrected = db.get(TailoringRecord, mine.id)
    assert (corrected.element, corrected.type, corrected.review_by, corrected.version) == (
        "Design review meeting", TailoringType.MODIFY, date(2026, 12, 31), 2)
    history = client.get(f"/tailoring/{mine.id}").get_data(as_text=True).split('class="history"', 1)[1]
    assert "Design review meeting" in history and "2026-12-31" in history


def test_changing_what_was_approved_sends_the_record_back_for_review(client, login, make_user, make_project,
                                                                    make_released, make_tailoring, db):
    pay = make_project(code="PAY")
    reviewer = make_user(Role.PROCESS_GROUP, name="Rita Reviewer")
    record = make_tailoring(pay, make_released("1.0"), status=TailoringStatus.APPROVED, reviewer_id=reviewer.id,
                            review_comment="Fine for a small team", reviewed_on=date(2026, 3, 5))
    login(make_user(Role.PROJECT_LEAD, leads=[pay]))
    # a later review date alone: the approval holds
    assert client.post(f"/tailoring/{record.id}", data=form(record, review_by="2027-03-01")).status_code == 303
    db.expire_all()
    record = db.get(TailoringRecord, record.id)
    assert (record.status, record.reviewer_id) == (TailoringStatus.APPROVED, reviewer.id)
    # the rationale: what was approved has changed, so it is requested again
    assert client.post(f"/tailoring/{record.id}", data=form(record, rationale="Team of two")).status_code == 303
    db.expire_all()
    record = db.get(TailoringRecord, record.id)
    assert (record.status, record.reviewer_id, record.review_comment, record.reviewed_on) == (
        TailoringStatus.REQUESTED, None, "", None)
    history = client.get(f"/tailoring/{record.id}").get_data(as_text=True).split('class="history"', 1)[1]
    assert "Rita Reviewer" in history and "Fine for a small team" in history


def test_bad_and_stale_corrections(client, login, make_user, make_project, make_released, make_tailoring, db):
    pay = make_project(code="PAY")
    record = make_tailoring(pay, make_released("1.0"))
    login(make_user(Role.PROCESS_GROUP))
    assert client.get("/tailoring/999999/edit").status_code == 404
    refused = client.post(f"/tailoring/{record.id}", data=form(record, element="", tailored_on="2026-04-01",
                                                               review_by="2026-03-01"))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="element-error"' in page and 'id="review_by-error"' in page
    assert client.post(f"/tailoring/{record.id}", data=form(record, element="Design walkthrough")).status_code == 303
    stale = client.post(f"/tailoring/{record.id}", data=form(record, element="Code walkthrough"))
    assert stale.status_code == 409 and "Design walkthrough" in stale.get_data(as_text=True)
    db.expire_all()
    assert db.get(TailoringRecord, record.id).element == "Design walkthrough"
