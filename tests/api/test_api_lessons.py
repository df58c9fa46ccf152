"""Lessons learned through the API: the library's filters, sorts and pages; a lesson with what it was learned from
and its ETag; logging one (anyone), correcting it (If-Match: the process group, its author or a lead of its
project) and its review by the process group, under the pages' rules."""

from sqlmodel import select

from tests.conftest import count_rows
from tracker.api.models import Scope
from tracker.auth.roles import Role
from tracker.history.models import AuditEvent
from tracker.lessons.models import Lesson, LessonStatus, Polarity
from tracker.process_areas.models import ProcessArea


def _lesson(**fields) -> dict:
    return {"title": "Reviews were skipped", "what_happened": "Two releases went out unreviewed",
            "recommendation": "Plan reviews in the schedule", "polarity": "negative"} | fields


def _area(db, code: str) -> ProcessArea:
    return db.exec(select(ProcessArea).where(ProcessArea.code == code)).one()


def _history(db, lesson_id: int, field: str) -> AuditEvent:
    return db.exec(select(AuditEvent).where(AuditEvent.entity == "lesson", AuditEvent.entity_id == lesson_id,
                                            AuditEvent.field == field)).one()


def test_the_library_filters_sorts_and_pages_as_the_page_does(api, make_user, make_project, make_lesson,
                                                              make_released, db):
    crm = make_project(code="CRM")
    ver = _area(db, "VER")
    checklist = make_released(title="Review checklist")
    skipped = make_lesson(title="Reviews were skipped", project_id=crm.id, area_id=ver.id)
    kept = make_lesson(title="Automated builds paid off", polarity=Polarity.POSITIVE,
                       asset_id=checklist.asset_id, status=LessonStatus.REVIEWED)
    late = make_lesson(title="Estimates ran late", project_id=crm.id, recommendation="Re-estimate each month")
    reader = api(make_user(Role.MEMBER))
    everything = reader.get("/api/v1/lessons")
    assert everything.status_code == 200
    assert [item["id"] for item in everything.json["items"]] == [late.id, kept.id, skipped.id]  # newest first
    assert [item["title"] for item in reader.get("/api/v1/lessons?sort=title").json["items"]] == [
        "Automated builds paid off", "Estimates ran late", "Reviews were skipped"]
    assert [item["id"] for item in reader.get(
        f"/api/v1/lessons?project={crm.id}&polarity=negative&sort=-title").json["items"]] == [skipped.id, late.id]
    assert [item["id"] for item in reader.get("/api/v1/lessons?status=reviewed").json["items"]] == [kept.id]
    assert [item["id"] for item in reader.get(f"/api/v1/lessons?area={ver.id}").json["items"]] == [skipped.id]
    assert [item["id"] for item in reader.get(
        f"/api/v1/lessons?asset={checklist.asset_id}").json["items"]] == [kept.id]
    assert [item["id"] for item in reader.get("/api/v1/lessons?q=RE-ESTIMATE").json["items"]] == [late.id]
    first = reader.get("/api/v1/lessons?per_page=2")
    assert first.json["paging"]["count"] == 3
    assert first.headers["Link"] == f'<{first.json["paging"]["next"]}>; rel="next"'
    assert [item["id"] for item in reader.get(first.json["paging"]["next"]).json["items"]] == [skipped.id]
    refused = reader.get("/api/v1/lessons?polarity=neutral&sort=where&author=1")
    assert refused.status_code == 422 and refused.json["errors"] == {"author": "There is no such parameter."}
    assert set(reader.get("/api/v1/lessons?polarity=neutral&sort=where").json["errors"]) == {"polarity", "sort"}


def test_the_library_reads_as_many_statements_for_many_lessons_as_for_one(api, make_user, make_project,
                                                                         make_lesson, make_released, make_audit,
                                                                         make_plan, make_pilot, make_deployment,
                                                                         make_proposal, list_reads_flat):
    reader = api(make_user(Role.MEMBER))

    def lessons(n):
        for _ in range(n):
            project, version = make_project(), make_released()
            make_lesson(project_id=project.id, asset_id=version.asset_id, audit_id=make_audit(project).id,
                        pilot_id=make_pilot(make_plan()).id, deployment_id=make_deployment([project], [version]).id,
                        proposal_id=make_proposal().id, incorporated_version_id=version.id)
    list_reads_flat(reader, "/api/v1/lessons", lessons)


def test_a_lesson_has_what_it_was_learned_from_its_version_as_etag_and_an_unknown_one_is_404(
        api, make_user, make_project, make_lesson, make_audit, make_proposal, make_released, db):
    crm = make_project(code="CRM")
    audit = make_audit(crm)
    proposal = make_proposal(title="Checklist reviews")
    version = make_released("1.0", title="Review checklist")
    author = make_user(Role.MEMBER, name="Mo Member")
    lesson = make_lesson(title="Reviews were skipped", project_id=crm.id, area_id=_area(db, "VER").id,
                         asset_id=version.asset_id, audit_id=audit.id, proposal_id=proposal.id,
                         status=LessonStatus.CONVERTED, author_id=author.id)
    reader = api(make_user(Role.MEMBER))
    response = reader.get(f"/api/v1/lessons/{lesson.id}")
    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    body = response.json
    assert (body["title"], body["polarity"], body["status"]) == ("Reviews were skipped", "negative", "converted")
    assert body["project"] == {"id": crm.id, "name": "CRM", "url": f"/api/v1/projects/{crm.id}"}
    assert body["area"]["name"] == "VER" and body["asset"]["name"] == "Review checklist"
    assert body["audit"] == {"id": audit.id, "name": "Audit of CRM on 2026-09-01",
                             "url": f"/api/v1/compliance/audits/{audit.id}"}
    assert body["proposal"] == {"id": proposal.id, "name": f"#{proposal.id} Checklist reviews",
                                "url": f"/api/v1/proposals/{proposal.id}"}
    assert (body["pilot"], body["deployment"], body["incorporated_version"]) == (None, None, None)
    assert body["author"]["name"] == "Mo Member"
    assert body["url"] == f"/api/v1/lessons/{lesson.id}" and body["html_url"] == f"/lessons/{lesson.id}"
    missing = reader.get("/api/v1/lessons/2147483647")
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/problem+json"


def test_anyone_logs_a_lesson_and_its_history_says_who(api, make_user, make_project, db):
    crm = make_project(code="CRM")
    member = make_user(Role.MEMBER)
    response = api(member).post("/api/v1/lessons", json=_lesson(project_id=crm.id, area_id=_area(db, "VER").id))
    assert response.status_code == 201
    lesson = db.exec(select(Lesson)).one()
    assert response.headers["Location"] == f"/api/v1/lessons/{lesson.id}"
    assert response.headers["ETag"] == '"1"'
    assert (lesson.title, lesson.author_id, lesson.status, lesson.project_id) == (
        "Reviews were skipped", member.id, LessonStatus.NEW, crm.id)
    assert response.json["project"]["name"] == "CRM" and response.json["area"]["name"] == "VER"
    created = _history(db, lesson.id, "title")
    assert (created.user_id, created.action, created.new) == (member.id, "create", "Reviews were skipped")
    assert _history(db, lesson.id, "project").new == "CRM"


def test_a_bad_lesson_is_422_with_each_fields_error_and_nothing_written(api, make_user, db):
    caller = api(make_user(Role.MEMBER))
    body = _lesson(title="", polarity="neutral")
    del body["what_happened"]
    response = caller.post("/api/v1/lessons", json=body)
    assert response.status_code == 422 and response.headers["Content-Type"] == "application/problem+json"
    assert response.json["errors"] == {"title": "This field is required.",
                                       "what_happened": "This field is required.",
                                       "polarity": "Choose one of the listed options."}
    unknown = caller.post("/api/v1/lessons", json=_lesson(project_id=2147483647))
    assert unknown.status_code == 422 and unknown.json["errors"] == {"project_id": "Choose from the list."}
    assert caller.post("/api/v1/lessons", json=_lesson(area_id="1")).status_code == 422  # an id is a number
    assert caller.post("/api/v1/lessons", data="title=x").status_code == 415
    read_only = api(make_user(Role.MEMBER), scope=Scope.READ)
    assert read_only.post("/api/v1/lessons", json=_lesson()).status_code == 403
    assert count_rows(db, Lesson) == 0


def test_a_correction_needs_the_etag_it_was_made_from(api, make_user, make_lesson, db):
    author = make_user(Role.MEMBER)
    lesson = make_lesson(title="Before", author_id=author.id)
    mine = api(author)
    url = f"/api/v1/lessons/{lesson.id}"
    assert mine.patch(url, json={"title": "After"}).status_code == 428
    edited = mine.patch(url, json={"title": "After"}, headers={"If-Match": '"1"'})
    assert edited.status_code == 200 and edited.headers["ETag"] == '"2"'
    assert edited.json["title"] == "After" and edited.json["what_happened"] == "Reviews were skipped"  # kept
    changed = _history(db, lesson.id, "title")
    assert (changed.user_id, changed.old, changed.new) == (author.id, "Before", "After")
    stale = mine.patch(url, json={"title": "Lost"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.json["current"]["title"] == "After" and stale.headers["ETag"] == '"2"'
    db.refresh(lesson)
    assert (lesson.title, lesson.version) == ("After", 2)


def test_a_refused_correction_says_why_and_changes_nothing(api, make_user, make_lesson, db):
    author = make_user(Role.MEMBER)
    lesson = make_lesson(title="Before", author_id=author.id)
    url = f"/api/v1/lessons/{lesson.id}"
    blank = api(author).patch(url, json={"title": ""}, headers={"If-Match": '"1"'})
    assert blank.status_code == 422 and blank.json["errors"] == {"title": "This field is required."}
    nowhere = api(author).patch(url, json={"audit_id": 2147483647}, headers={"If-Match": '"1"'})
    assert nowhere.status_code == 422 and nowhere.json["errors"] == {"audit_id": "Choose from the list."}
    db.refresh(lesson)
    assert (lesson.title, lesson.audit_id, lesson.version) == ("Before", None, 1)
    assert db.exec(select(AuditEvent).where(AuditEvent.entity == "lesson")).all() == []


def test_its_author_or_a_lead_of_its_project_corrects_a_lesson_and_no_one_else(api, make_user, make_project,
                                                                              make_lesson, db):
    crm = make_project()
    lesson = make_lesson(title="Before", project_id=crm.id)
    url = f"/api/v1/lessons/{lesson.id}"
    stranger = api(make_user(Role.MEMBER))
    assert stranger.patch(url, json={"title": "Mine now"}, headers={"If-Match": '"1"'}).status_code == 403
    assert stranger.patch(url, json={}, headers={"If-Match": '"1"'}).status_code == 403
    assert api(make_user(Role.PROJECT_LEAD, leads=[crm]), scope=Scope.READ).patch(
        url, json={"title": "x"}, headers={"If-Match": '"1"'}).status_code == 403  # a read-only token
    db.refresh(lesson)
    assert (lesson.title, lesson.version) == ("Before", 1)
    lead = api(make_user(Role.PROJECT_LEAD, leads=[crm]))
    assert lead.patch(url, json={"title": "Corrected by the lead"}, headers={"If-Match": '"1"'}).status_code == 200


def test_the_process_group_reviews_by_the_workflow_table(api, make_user, make_lesson, make_released, db):
    lesson = make_lesson()
    url = f"/api/v1/lessons/{lesson.id}/moves"
    pia = make_user(Role.PROCESS_GROUP)
    sepg = api(pia)
    no_reason = sepg.post(url, json={"to": "archived"}, headers={"If-Match": '"1"'})
    assert no_reason.status_code == 422 and set(no_reason.json["errors"]) == {"rationale"}
    reviewed = sepg.post(url, json={"to": "reviewed", "rationale": "Worth a checklist item"},
                         headers={"If-Match": '"1"'})
    assert reviewed.status_code == 200 and reviewed.headers["ETag"] == '"2"'
    assert (reviewed.json["status"], reviewed.json["review_note"]) == ("reviewed", "Worth a checklist item")
    moved = _history(db, lesson.id, "status")
    assert (moved.user_id, moved.old, moved.new) == (pia.id, "New", "Reviewed")
    unnamed = sepg.post(url, json={"to": "incorporated"}, headers={"If-Match": '"2"'})
    assert unnamed.status_code == 422
    assert unnamed.json["errors"] == {"incorporated_version_id": "Choose the asset version that took the lesson in."}
    version = make_released("2.0", title="Review checklist")
    incorporated = sepg.post(url, json={"to": "incorporated", "incorporated_version_id": version.id},
                             headers={"If-Match": '"2"'})
    assert incorporated.status_code == 200 and incorporated.json["status"] == "incorporated"
    assert incorporated.json["incorporated_version"]["name"] == "Review checklist 2.0"
    assert sepg.post(url, json={"to": "new"}, headers={"If-Match": '"3"'}).status_code == 409  # no such move


def test_only_the_process_group_reviews_with_a_write_token_and_the_etag_it_read(api, make_user, make_lesson, db):
    author = make_user(Role.MEMBER)
    lesson = make_lesson(author_id=author.id)
    url = f"/api/v1/lessons/{lesson.id}/moves"
    assert api(author).post(url, json={"to": "reviewed"}, headers={"If-Match": '"1"'}).status_code == 403
    assert api(make_user(Role.PROCESS_GROUP), scope=Scope.READ).post(
        url, json={"to": "reviewed"}, headers={"If-Match": '"1"'}).status_code == 403
    sepg = api(make_user(Role.PROCESS_GROUP))
    assert sepg.post(url, json={"to": "reviewed"}).status_code == 428
    assert api(author).patch(f"/api/v1/lessons/{lesson.id}", json={"title": "Retitled"},
                             headers={"If-Match": '"1"'}).status_code == 200
    stale = sepg.post(url, json={"to": "reviewed"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.headers["ETag"] == '"2"'
    assert (stale.json["current"]["title"], stale.json["current"]["status"]) == ("Retitled", "new")
    db.refresh(lesson)
    assert lesson.status == LessonStatus.NEW
