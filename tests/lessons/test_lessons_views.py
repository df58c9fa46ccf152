"""Lessons learned: anyone logs one, the process group reviews it, incorporates it into an asset version or
converts it into a proposal in one click; feedback on assets."""

from sqlmodel import select

from tests.conftest import count_rows
from tracker.auth.roles import Role
from tracker.lessons.models import AssetFeedback, Lesson, LessonStatus
from tracker.proposals.models import Proposal, ProposalSource


def test_member_logs_a_lesson_and_finds_it_in_the_library(client, login_as, make_project, db):
    project = make_project(code="PAY")
    login_as(Role.MEMBER)
    form = {"title": "Checklists halve rework", "polarity": "positive", "project_id": str(project.id),
            "what_happened": "Design reviews with a checklist found more", "recommendation": "Adopt checklists"}
    assert client.post("/lessons/", data=form).status_code == 303
    assert "Checklists halve rework" in client.get("/lessons/?q=REWORK").get_data(as_text=True)
    assert "Checklists halve rework" not in client.get("/lessons/?q=estimates").get_data(as_text=True)
    assert "Checklists halve rework" in client.get(f"/lessons/?project={project.id}&polarity=positive",
                                                   headers={"HX-Request": "true"}).get_data(as_text=True)
    empty = client.post("/lessons/", data=form | {"what_happened": "", "polarity": "meh"})
    assert empty.status_code == 422 and count_rows(db, Lesson) == 1
    lesson = db.exec(select(Lesson)).one()
    history = client.get(f"/lessons/{lesson.id}").get_data(as_text=True).split("History", 1)[1]
    assert "<td>project</td>" in history and "<td>PAY</td>" in history  # names, not ids


def test_incorporating_names_the_asset_version(client, login_as, make_lesson, make_released, db):
    lesson = make_lesson(status=LessonStatus.REVIEWED)
    version = make_released("2.2")
    login_as(Role.PROCESS_GROUP)
    missing = client.post(f"/lessons/{lesson.id}/move", data={"to": "incorporated", "version": "1"})
    assert missing.status_code == 422
    assert client.post(f"/lessons/{lesson.id}/move", data={"to": "incorporated", "version": "1",
                                                           "incorporated_version_id": str(version.id)}).status_code == 303
    page = client.get(f"/assets/{version.asset_id}").get_data(as_text=True)
    assert f"/lessons/{lesson.id}" in page  # the asset's history of improvement shows the lesson


def test_converting_a_lesson_creates_a_proposal_linked_both_ways(client, login_as, make_lesson, db):
    lesson = make_lesson(title="Estimates ignored history")
    login_as(Role.MEMBER)
    assert client.post(f"/lessons/{lesson.id}/convert").status_code == 403
    login_as(Role.PROCESS_GROUP)
    response = client.post(f"/lessons/{lesson.id}/convert")
    assert response.status_code == 303
    proposal = db.exec(select(Proposal)).one()
    assert proposal.source == ProposalSource.LESSON_LEARNED and proposal.title == "Estimates ignored history"
    db.expire_all()
    assert db.get(Lesson, lesson.id).status == LessonStatus.CONVERTED
    assert f"/lessons/{lesson.id}" in client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert f"/proposals/{proposal.id}" in client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    assert client.post(f"/lessons/{lesson.id}/convert").status_code == 409  # once only
    assert count_rows(db, Proposal) == 1


def test_feedback_is_shown_on_the_asset_with_its_average(client, login_as, make_released, make_project, db):
    version = make_released(title="Peer review procedure")
    login_as(Role.PROJECT_LEAD)
    for rating in ("4", "3"):
        response = client.post(f"/assets/{version.asset_id}/feedback", data={"rating": rating, "comment": "Long"},
                               headers={"HX-Request": "true"})
        assert response.status_code == 200
    assert "(2, average 3.5/5)" in response.get_data(as_text=True)
    bad = client.post(f"/assets/{version.asset_id}/feedback", data={"rating": "7"})
    assert bad.status_code == 422 and count_rows(db, AssetFeedback) == 2
