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
    assert "<td>Project</td>" in history and "<td>PAY</td>" in history  # names, not ids


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


# --- Correcting a lesson (issue 12, part 1) ---

def correction(lesson, **changes):
    form = {"title": lesson.title, "polarity": lesson.polarity.value, "what_happened": lesson.what_happened,
            "recommendation": lesson.recommendation, "context": "", "project_id": str(lesson.project_id or ""),
            "area_id": "", "asset_id": "", "version": str(lesson.version)}
    return form | changes


def test_the_author_corrects_a_lesson_and_the_history_keeps_both_texts(client, login, make_user, make_lesson,
                                                                        make_project, db):
    author = make_user(Role.MEMBER)
    pay = make_project(code="PAY")
    lesson = make_lesson(author_id=author.id, title="Checklist halves rework")
    login(author)
    assert f'href="/lessons/{lesson.id}/edit"' in client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    form = client.get(f"/lessons/{lesson.id}/edit").get_data(as_text=True)
    assert 'value="Checklist halves rework"' in form  # the form starts from what was logged
    saved = client.post(f"/lessons/{lesson.id}", data=correction(lesson, title="Checklists halve rework",
                                                                  project_id=str(pay.id)))
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"/lessons/{lesson.id}")
    db.expire_all()
    corrected = db.get(Lesson, lesson.id)
    assert (corrected.title, corrected.project_id, corrected.version) == ("Checklists halve rework", pay.id, 2)
    history = client.get(f"/lessons/{lesson.id}").get_data(as_text=True).split("History", 1)[1]
    assert "Checklist halves rework" in history and "Checklists halve rework" in history
    assert "<td>PAY</td>" in history  # the project by its code, not its id


def test_a_correction_over_someone_elses_is_a_conflict_that_keeps_both(client, login, make_user, make_lesson, db):
    author = make_user(Role.MEMBER)
    lesson = make_lesson(author_id=author.id)
    login(author)
    assert client.post(f"/lessons/{lesson.id}", data=correction(lesson, title="First fix")).status_code == 303
    stale = client.post(f"/lessons/{lesson.id}", data=correction(lesson, title="Second fix"))  # still version 1
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert 'value="Second fix"' in page and "First fix" in page  # what they typed, and what was saved meanwhile
    db.expire_all()
    assert db.get(Lesson, lesson.id).title == "First fix"


def test_bad_input_is_refused_beside_the_field_and_nothing_changes(client, login, make_user, make_lesson, db):
    author = make_user(Role.MEMBER)
    lesson = make_lesson(author_id=author.id, title="Keep me")
    login(author)
    refused = client.post(f"/lessons/{lesson.id}", data=correction(lesson, title="", project_id="999999"))
    assert refused.status_code == 422
    db.expire_all()
    assert db.get(Lesson, lesson.id).title == "Keep me"


def test_who_may_correct_a_lesson(client, login, make_user, make_lesson, make_project, db):
    """The process group any; its author; a lead of its project; nobody else."""
    pay, dw = make_project(code="PAY"), make_project(code="DW")
    author = make_user(Role.MEMBER)
    lesson = make_lesson(author_id=author.id, project_id=pay.id)
    cases = [(make_user(Role.PROCESS_GROUP), 200), (author, 200), (make_user(Role.PROJECT_LEAD, leads=[pay]), 200),
             (make_user(Role.PROJECT_LEAD, leads=[dw]), 403), (make_user(Role.MEMBER), 403),
             (make_user(Role.STEERING), 403)]
    for user, expected in cases:
        login(user)
        assert client.get(f"/lessons/{lesson.id}/edit").status_code == expected, user.roles
        assert (f'href="/lessons/{lesson.id}/edit"' in client.get(f"/lessons/{lesson.id}").get_data(as_text=True)) \
            == (expected == 200), user.roles
    login(make_user(Role.MEMBER))
    assert client.post(f"/lessons/{lesson.id}", data=correction(lesson, title="Not mine")).status_code == 403
    assert client.get("/lessons/999999/edit").status_code == 404
    db.expire_all()
    assert db.get(Lesson, lesson.id).title != "Not mine"
