"""The A2I self-assessment (IT Service CMM's assess-to-improve): the appraisal team keeps a question bank per
process area and names the participants; each participant answers the questionnaire for their scope during
execution (a rating per question and a comment), sees only their own answers, and cannot change them once
execution ends; the team sees the answers aggregated per process area and project, with their spread."""

from dataclasses import dataclass

from sqlalchemy import case
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, func, select
from werkzeug.datastructures import MultiDict

from tracker.appraisals.forms import AnswerInput, ParticipantInput, QuestionInput
from tracker.appraisals.models import (
    ANSWERING_STATUSES,
    NAMING_STATUSES,
    Answer,
    Appraisal,
    Frequency,
    Participant,
    Question,
)
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import commit, flush, get_or_not_found, utcnow
from tracker.errors import Conflict, InvalidTransition, ValidationError
from tracker.history.service import apply_changes, bump_version, record_create, record_delete
from tracker.process_areas.models import ProcessArea
from tracker.projects.models import Project
from tracker.reminders.notify import close, subject_of
from tracker.validation import parse

# --- the question bank


def list_questions(session: Session, *, active_only: bool = False) -> list[Question]:
    statement = select(Question).join(ProcessArea).options(joinedload(Question.area))
    if active_only:
        statement = statement.where(Question.active)
    return list(session.exec(statement.order_by(ProcessArea.code, Question.id)).all())


def add_question(session: Session, *, data: QuestionInput, by: User) -> Question:
    authorize(by, "appraisal.questions")
    area = session.get(ProcessArea, data.area_id)
    if area is None:
        raise ValidationError({"area_id": "Choose a process area from the list."})
    question = Question(area_id=area.id, text=data.text)
    session.add(question)
    flush(session)
    record_create(session, question, by=by, fields={"area": area.code, "text": data.text})
    commit(session)
    return question


def retire_question(session: Session, *, question_id: int, seen: int, by: User) -> Question:
    """A question no longer asked; answers already given to it are kept."""
    authorize(by, "appraisal.questions")
    question = get_or_not_found(session, Question, question_id, missing="No such question.")
    if seen != question.version:
        raise Conflict(current=question)
    bump_version(session, question, apply_changes(session, question, by=by, changes={"active": False}))
    commit(session)
    return question


# --- participants


def add_participant(session: Session, *, appraisal: Appraisal, data: ParticipantInput, by: User) -> Participant:
    """Name someone to answer the questionnaire, for a project in scope or the whole scope."""
    authorize(by, "appraisal.record", appraisal)
    if not appraisal.asks:
        raise InvalidTransition(f"A {appraisal.method.label} has no questionnaire: an A2I self-assessment has.")
    if appraisal.status not in NAMING_STATUSES:
        raise InvalidTransition("Participants are named until execution ends.")
    errors = {}
    user = session.get(User, data.user_id)
    if user is None or not user.active:
        errors["user_id"] = "Choose a person from the list."
    elif any(p.user_id == user.id for p in appraisal.participants):
        errors["user_id"] = f"{user.name} takes part already."
    project = session.get(Project, data.project_id) if data.project_id is not None else None
    if data.project_id is not None and (project is None or (appraisal.projects and project not in appraisal.projects)):
        errors["project_id"] = "Choose a project in the appraisal's scope."
    if errors:
        raise ValidationError(errors)
    participant = Participant(appraisal_id=appraisal.id, user_id=user.id, project_id=data.project_id)
    session.add(participant)
    flush(session, unique={"user_id": f"{user.name} takes part already."})
    record_create(session, appraisal, by=by, fields={"participant": f"{user.name}" + (
        f" ({project.code})" if project else "")})
    commit(session)
    return participant


def participants_of(session: Session, *, appraisal_id: int) -> list[Participant]:
    return list(session.exec(select(Participant).where(Participant.appraisal_id == appraisal_id).options(
        joinedload(Participant.user), joinedload(Participant.project)).order_by(Participant.id)).all())


# --- answering


def questions_for(session: Session, appraisal: Appraisal) -> list[Question]:
    """The active questions of the appraisal's process areas (of every area, when its scope lists none)."""
    statement = select(Question).join(ProcessArea).where(Question.active).options(joinedload(Question.area))
    if appraisal.areas:
        statement = statement.where(Question.area_id.in_([a.id for a in appraisal.areas]))
    return list(session.exec(statement.order_by(ProcessArea.code, Question.id)).all())


def is_open(appraisal: Appraisal) -> bool:
    """Whether the questionnaire takes answers now: during execution; they lock when it ends."""
    return appraisal.status in ANSWERING_STATUSES


def answerable(session: Session, *, appraisal_id: int, by: User) -> Appraisal:
    """The appraisal, if this user takes part in it (only participants see a questionnaire and their answers)."""
    appraisal = get_or_not_found(session, Appraisal, appraisal_id, selectinload(Appraisal.participants),
                                 selectinload(Appraisal.areas), missing="No such appraisal.")
    authorize(by, "appraisal.answer", appraisal)
    return appraisal


def answers_of(session: Session, *, appraisal_id: int, user_id: int) -> dict[int, Answer]:
    """One participant's own answers, by question id."""
    return {a.question_id: a for a in session.exec(select(Answer).where(Answer.appraisal_id == appraisal_id,
                                                                        Answer.user_id == user_id)).all()}


def parse_answers(form: MultiDict, questions: list[Question]) -> dict[int, AnswerInput]:
    """The questionnaire's rows that were posted, `rating_<question id>` and `comment_<question id>`, each parsed
    by AnswerInput; a question the form did not carry is left as it is. Every row's errors at once."""
    rows, errors = {}, {}
    for question in questions:
        if f"rating_{question.id}" not in form and f"comment_{question.id}" not in form:
            continue
        try:
            rows[question.id] = parse(AnswerInput, MultiDict({
                "rating": form.get(f"rating_{question.id}", ""), "comment": form.get(f"comment_{question.id}", "")}))
        except ValidationError as error:
            errors |= {f"{name}_{question.id}": message for name, message in error.errors.items()}
    if errors:
        raise ValidationError(errors)
    return rows


def answer(session: Session, *, appraisal: Appraisal, form: MultiDict, by: User) -> int:
    """Save a participant's answers; returns how many changed. A rating of 0 is "don't know" (kept as an answer
    without a rating); a question set back to "not answered", without a comment, has its answer withdrawn.
    Open during execution only: the answers lock when it ends."""
    authorize(by, "appraisal.answer", appraisal)
    if not is_open(appraisal):
        raise InvalidTransition("The answers are locked: the appraisal's execution has ended."
                                if appraisal.status not in NAMING_STATUSES
                                else "The questionnaire opens when the appraisal's execution begins.")
    rows = parse_answers(form, questions_for(session, appraisal))
    participant = next(p for p in appraisal.participants if p.user_id == by.id)
    given = answers_of(session, appraisal_id=appraisal.id, user_id=by.id)
    changed, new = 0, []
    for question_id, data in rows.items():
        existing, rating = given.get(question_id), data.rating or None  # 0: don't know
        if data.rating is None and not data.comment:  # not answered
            if existing is not None:
                record_delete(session, existing, by=by, fields={"rating": _said(existing.rating),
                                                                "comment": existing.comment})
                session.delete(existing)
                changed += 1
        elif existing is None:
            new.append(Answer(appraisal_id=appraisal.id, question_id=question_id, user_id=by.id,
                              project_id=participant.project_id, rating=rating, comment=data.comment))
        elif apply_changes(session, existing, by=by, changes={"rating": rating, "comment": data.comment},
                           shown={"rating": _said}):
            existing.answered_at = utcnow()
            changed += 1
    session.add_all(new)
    flush(session)  # once, for the new answers' ids in their history
    for added in new:
        record_create(session, added, by=by, fields={"rating": _said(added.rating), "comment": added.comment})
    changed += len(new)
    if new:  # answering has begun: the reminder to answer is done
        close(session, subject=subject_of(participant), rules=("questionnaire_unanswered",))
    commit(session, unique={"rating": "These answers were saved from elsewhere at the same moment; try again."})
    return changed


def _said(rating: int | None) -> str:
    return Frequency(rating).label if rating else "Don't know"


# --- what the team sees


@dataclass(frozen=True)
class Spread:
    """The answers for one process area (and project): how many, their mean and range, and how they fall."""
    area: ProcessArea
    project: Project | None
    answers: int  # rated ones
    dont_know: int
    mean: float | None
    low: int | None
    high: int | None
    counts: tuple[int, ...]  # how many answered 1, 2, 3, 4 and 5


def spread(session: Session, *, appraisal_id: int) -> list[Spread]:
    """The answers aggregated per process area and project, in SQL (one query, and one for the names)."""
    rated = Answer.rating.is_not(None)
    rows = session.exec(
        select(Question.area_id, Answer.project_id, func.count(Answer.rating), func.sum(case((rated, 0), else_=1)),
               func.avg(Answer.rating), func.min(Answer.rating), func.max(Answer.rating),
               *[func.sum(case((Answer.rating == value, 1), else_=0)) for value in Frequency])
        .join(Question, Question.id == Answer.question_id).where(Answer.appraisal_id == appraisal_id)
        .group_by(Question.area_id, Answer.project_id)).all()
    areas = {a.id: a for a in session.exec(select(ProcessArea).where(
        ProcessArea.id.in_({row[0] for row in rows}))).all()} if rows else {}
    projects = {p.id: p for p in session.exec(select(Project).where(
        Project.id.in_({row[1] for row in rows if row[1]}))).all()} if rows else {}
    found = [Spread(areas[area_id], projects.get(project_id), int(count), int(unknown),
                    round(float(mean), 1) if mean is not None else None, low, high, tuple(int(c) for c in counts))
             for area_id, project_id, count, unknown, mean, low, high, *counts in rows]
    return sorted(found, key=lambda s: (s.area.code, s.project.code if s.project else ""))
