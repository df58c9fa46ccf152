"""The A2I questionnaire (issue 10), written from the requirement: the appraisal team keeps a question bank per
process area and names the participants; a participant answers the questions of the appraisal's process areas
(a rating 1-5 or "don't know", and a comment) during execution only; their answers lock when execution ends;
they see only their own answers; the team sees them per process area and project with the spread."""

import pytest
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from tests.conftest import count_rows
from tracker.appraisals import questionnaire
from tracker.appraisals.forms import ParticipantInput, QuestionInput
from tracker.appraisals.models import Answer, AppraisalStatus, Method, Question
from tracker.auth.roles import Role
from tracker.errors import InvalidTransition, PermissionDenied, ValidationError
from tracker.process_areas.models import ProcessArea

HX = {"HX-Request": "true"}


def area(db, code):
    return db.exec(select(ProcessArea).where(ProcessArea.code == code)).one()


@pytest.fixture
def setting(db, make_user, make_project, make_appraisal):
    """An A2I of the service desk (incident management and service commitments) on OPS and HR, with three
    questions in scope and one outside it; Ann answers for OPS, Ben for HR, Cy for the whole scope."""
    sepg = make_user(Role.PROCESS_GROUP, name="Sam")
    ops, hr = make_project(code="OPS"), make_project(code="HR")
    srim, scm, pp = area(db, "ITS-SRIM"), area(db, "ITS-SCM"), area(db, "PP")
    appraisal = make_appraisal(AppraisalStatus.PREPARATION, method=Method.A2I, areas=[srim, scm],
                               projects=[ops, hr])
    q = {key: questionnaire.add_question(db, data=QuestionInput(area_id=a.id, text=text), by=sepg) for key, a, text in (
        ("logged", srim, "Every incident is logged with its priority."),
        ("closed", srim, "Incidents are closed only after the user confirms."),
        ("agreed", scm, "Service levels are agreed in writing with the customer."),
        ("planned", pp, "Project plans are kept current."))}
    people = {name: make_user(Role.MEMBER, name=name) for name in ("Ann", "Ben", "Cy", "Dee")}
    for name, project in (("Ann", ops), ("Ben", hr), ("Cy", None)):
        questionnaire.add_participant(db, appraisal=appraisal, by=sepg, data=ParticipantInput(
            user_id=people[name].id, project_id=project.id if project else None))
    db.refresh(appraisal)
    return {"appraisal": appraisal, "q": q, "people": people, "sepg": sepg, "ops": ops, "hr": hr}


def form(q, **answers) -> MultiDict:
    """answers: key=(rating or "", comment)."""
    data = MultiDict()
    for key, (rating, comment) in answers.items():
        data[f"rating_{q[key].id}"], data[f"comment_{q[key].id}"] = str(rating), comment
    return data


def test_the_questionnaire_asks_the_active_questions_of_the_areas_in_scope(db, setting):
    q, appraisal = setting["q"], setting["appraisal"]
    questionnaire.retire_question(db, question_id=q["closed"].id, seen=1, by=setting["sepg"])
    asked = questionnaire.questions_for(db, appraisal)
    assert [x.text for x in asked] == ["Service levels are agreed in writing with the customer.",
                                       "Every incident is logged with its priority."]


def test_answers_are_given_during_execution_and_locked_after(db, setting):
    appraisal, q, ann = setting["appraisal"], setting["q"], setting["people"]["Ann"]
    with pytest.raises(InvalidTransition, match="opens when"):
        questionnaire.answer(db, appraisal=appraisal, form=form(q, logged=(4, "")), by=ann)
    appraisal.status = AppraisalStatus.EXECUTION
    db.commit()
    assert questionnaire.answer(db, appraisal=appraisal, form=form(q, logged=(4, "mostly"), agreed=("", "")),
                                by=ann) == 1  # an untouched question is not an answer
    assert questionnaire.answer(db, appraisal=appraisal, form=form(q, logged=(5, "always now"), agreed=(2, "")),
                                by=ann) == 2
    mine = questionnaire.answers_of(db, appraisal_id=appraisal.id, user_id=ann.id)
    assert {(a.question_id, a.rating, a.comment) for a in mine.values()} == {
        (q["logged"].id, 5, "always now"), (q["agreed"].id, 2, "")}
    appraisal.status = AppraisalStatus.REPORTING
    db.commit()
    with pytest.raises(InvalidTransition, match="locked"):
        questionnaire.answer(db, appraisal=appraisal, form=form(q, logged=(1, "")), by=ann)


def test_only_participants_answer_and_a_bad_row_is_refused_beside_it(db, setting):
    appraisal, q = setting["appraisal"], setting["q"]
    appraisal.status = AppraisalStatus.EXECUTION
    db.commit()
    for outsider in (setting["people"]["Dee"], setting["sepg"]):
        with pytest.raises(PermissionDenied):
            questionnaire.answer(db, appraisal=appraisal, form=form(q, logged=(3, "")), by=outsider)
    with pytest.raises(ValidationError) as refused:
        questionnaire.answer(db, appraisal=appraisal, by=setting["people"]["Ann"],
                             form=form(q, logged=(7, ""), agreed=(3, "x" * 2001)))
    assert refused.value.errors == {f"rating_{q['logged'].id}": "Enter a whole number from 0 to 5.",
                                    f"comment_{q['agreed'].id}": "Use at most 2000 characters."}
    assert count_rows(db, Answer) == 0


def test_the_team_sees_the_spread_per_area_and_project(db, setting):
    appraisal, q, people = setting["appraisal"], setting["q"], setting["people"]
    appraisal.status = AppraisalStatus.EXECUTION
    db.commit()
    questionnaire.answer(db, appraisal=appraisal, form=form(q, logged=(2, ""), closed=(4, ""), agreed=(5, "")),
                         by=people["Ann"])
    questionnaire.answer(db, appraisal=appraisal, form=form(q, logged=(1, ""), closed=("", "not my job")),
                         by=people["Ben"])
    questionnaire.answer(db, appraisal=appraisal, form=form(q, agreed=(3, "")), by=people["Cy"])
    rows = {(s.area.code, s.project.code if s.project else None): s
            for s in questionnaire.spread(db, appraisal_id=appraisal.id)}
    # ITS-SRIM on OPS: Ann answered 2 and 4 -> mean 3.0, range 2-4; on HR: Ben 1 and don't know.
    ops = rows[("ITS-SRIM", "OPS")]
    assert (ops.answers, ops.dont_know, ops.mean, ops.low, ops.high, ops.counts) == (2, 0, 3.0, 2, 4, (0, 1, 0, 1, 0))
    hr = rows[("ITS-SRIM", "HR")]
    assert (hr.answers, hr.dont_know, hr.mean, hr.low, hr.high) == (1, 1, 1.0, 1, 1)
    assert rows[("ITS-SCM", None)].mean == 3.0 and rows[("ITS-SCM", "OPS")].mean == 5.0


def test_participants_are_named_by_the_team_once_each_in_scope(db, setting, make_project):
    appraisal, sepg = setting["appraisal"], setting["sepg"]
    with pytest.raises(ValidationError) as refused:
        questionnaire.add_participant(db, appraisal=appraisal, by=sepg, data=ParticipantInput(
            user_id=setting["people"]["Ann"].id, project_id=make_project(code="CRM").id))
    assert set(refused.value.errors) == {"user_id", "project_id"}
    with pytest.raises(PermissionDenied):
        questionnaire.add_participant(db, appraisal=appraisal, by=setting["people"]["Ann"],
                                      data=ParticipantInput(user_id=setting["people"]["Dee"].id))


def test_a_participant_sees_only_their_own_answers(client, login, db, setting):
    appraisal, q, people = setting["appraisal"], setting["q"], setting["people"]
    appraisal.status = AppraisalStatus.EXECUTION
    db.commit()
    questionnaire.answer(db, appraisal=appraisal, form=form(q, logged=(2, "Ann's own words")), by=people["Ann"])
    login(people["Ben"])
    page = client.get(f"/appraisals/{appraisal.id}/questionnaire").get_data(as_text=True)
    assert "Ann's own words" not in page and "Every incident is logged" in page
    assert "Questionnaire answers" not in client.get(f"/appraisals/{appraisal.id}").get_data(as_text=True)
    saved = client.post(f"/appraisals/{appraisal.id}/questionnaire", headers=HX,
                        data={f"rating_{q['logged'].id}": "4", f"comment_{q['logged'].id}": "Ben's view"})
    assert saved.status_code == 200 and "Saved: 1 answer changed." in saved.get_data(as_text=True)
    login(people["Dee"])
    assert client.get(f"/appraisals/{appraisal.id}/questionnaire").status_code == 403
    login(setting["sepg"])
    team_view = client.get(f"/appraisals/{appraisal.id}").get_data(as_text=True)
    assert "Questionnaire answers" in team_view and "Ann's own words" not in team_view


def test_the_bank_is_kept_by_the_process_group(client, login_as, db):
    login_as(Role.MEMBER)
    assert client.get("/appraisals/questions").status_code == 200
    assert client.post("/appraisals/questions", data={"area_id": "1", "text": "Q?"}).status_code == 403
    login_as(Role.PROCESS_GROUP)
    empty = client.post("/appraisals/questions", headers=HX, data={"area_id": str(area(db, "PP").id), "text": ""})
    assert empty.status_code == 422 and "This field is required." in empty.get_data(as_text=True)
    added = client.post("/appraisals/questions", headers=HX, data={"area_id": str(area(db, "PP").id),
                                                                   "text": "Plans are re-baselined at milestones."})
    assert added.status_code == 200 and "Plans are re-baselined at milestones." in added.get_data(as_text=True)
    question = db.exec(select(Question)).one()
    retired = client.post(f"/appraisals/questions/{question.id}/retire", headers=HX, data={"version": "1"})
    assert retired.status_code == 200 and "(retired)" in retired.get_data(as_text=True)
    assert count_rows(db, Question) == 1  # the bank keeps retired questions


def test_dont_know_is_an_answer_not_answered_is_none_and_an_absent_question_stays(db, setting):
    """Found by a walk-through: "don't know" counted only with a comment, and a post that left questions out
    erased their answers. "Don't know" (0) is an answer without a rating; "not answered" withdraws an answer; a
    question the post does not carry keeps its answer."""
    appraisal, q, ann = setting["appraisal"], setting["q"], setting["people"]["Ann"]
    appraisal.status = AppraisalStatus.EXECUTION
    db.commit()
    assert questionnaire.answer(db, appraisal=appraisal, form=form(q, logged=(0, ""), closed=(3, ""), agreed=(4, "")),
                                by=ann) == 3
    srim = next(s for s in questionnaire.spread(db, appraisal_id=appraisal.id) if s.area.code == "ITS-SRIM")
    assert (srim.answers, srim.dont_know) == (1, 1)
    assert questionnaire.answer(db, appraisal=appraisal, form=form(q, closed=("", "")), by=ann) == 1  # withdrawn
    mine = questionnaire.answers_of(db, appraisal_id=appraisal.id, user_id=ann.id)
    assert {q_id: a.rating for q_id, a in mine.items()} == {q["logged"].id: None, q["agreed"].id: 4}


def test_only_an_a2i_has_a_questionnaire(db, make_user, make_appraisal):
    """Found by a walk-through: participants could be named, and a questionnaire opened, on a SCAMPI B."""
    sepg = make_user(Role.PROCESS_GROUP)
    scampi = make_appraisal(AppraisalStatus.PREPARATION, method=Method.SCAMPI_B)
    with pytest.raises(InvalidTransition, match="no questionnaire"):
        questionnaire.add_participant(db, appraisal=scampi, by=sepg,
                                      data=ParticipantInput(user_id=make_user(Role.MEMBER).id))


def test_a_questionnaire_left_open_when_execution_ends_shows_it_locked(client, login, db, setting):
    appraisal, q, ann = setting["appraisal"], setting["q"], setting["people"]["Ann"]
    appraisal.status = AppraisalStatus.REPORTING
    db.commit()
    login(ann)
    late = client.post(f"/appraisals/{appraisal.id}/questionnaire", headers=HX,
                       data={f"rating_{q['logged'].id}": "4"})
    page = late.get_data(as_text=True)
    assert late.status_code == 409 and "The answers are locked" in page and "Save answers" not in page
    assert count_rows(db, Answer) == 0
