"""Appraisal pages: what is due for reappraisal and the appraisals, plan one, its page with the workflow, findings
and ratings, and the reappraisal cadences."""

from flask import Blueprint, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker.appraisals import cadence, questionnaire, service
from tracker.appraisals.forms import (
    AppraisalInput,
    AppraisalMoveInput,
    CadenceInput,
    CadenceMonthsInput,
    FindingInput,
    ParticipantInput,
    QuestionInput,
    RatingInput,
    SeenInput,
)
from tracker.appraisals.models import (
    FINDING_STATUSES,
    NAMING_STATUSES,
    TO_IMPROVE,
    Appraisal,
    AppraisalStatus,
    CadenceScope,
    FindingKind,
    Frequency,
    Method,
    RatingValue,
    ReferenceModel,
)
from tracker.appraisals.page import read_page
from tracker.appraisals.workflow import APPRAISAL_TRANSITIONS
from tracker.auth.policy import requires
from tracker.db import get_session
from tracker.process_areas.service import list_areas
from tracker.validation import parse
from tracker.web import (
    PageOnly,
    RecordForm,
    form_values,
    fragment_requested,
    go_to,
    list_page,
    page_or_fragment,
    query_enum,
    query_id,
    query_text,
    says,
    section_forms,
    write_in_place,
)
from tracker.workflow import allowed_moves

bp = Blueprint("appraisals", __name__, url_prefix="/appraisals")


@bp.get("/")
@requires("read")
def index():
    session = get_session()
    where = service.AppraisalFilter(q=query_text("q"), status=query_enum(AppraisalStatus, "status"),
                                    area_id=query_id("area"))
    return list_page(service.LISTING, service.appraisals_matching(where), "appraisals/index.html",
                     "appraisals/_list.html", where=where, statuses=list(AppraisalStatus),
                     areas=PageOnly(lambda: list_areas(session)), due=PageOnly(lambda: cadence.schedule(session)))


@bp.get("/<int:appraisal_id>")
@requires("read")
def detail(appraisal_id: int):
    return appraisal_page(service.get_appraisal(get_session(), appraisal_id=appraisal_id))


SECTION_TEMPLATES = {"page": "appraisals/detail.html", "findings": "appraisals/_findings.html",
                     "ratings": "appraisals/_ratings.html", "participants": "appraisals/_participants.html"}


def appraisal_page(appraisal: Appraisal, *, section: str = "page", **forms: dict | None):
    """The appraisal's page, or one section of it (its parts: tracker/appraisals/page.py); a refused form's values
    and errors in `forms` (move, finding, rating) make it a 422."""
    parts = read_page(get_session(), appraisal, section=section if fragment_requested() else "page")
    status, section_context = section_forms(forms, "move", "finding", "rating", "participant")
    return page_or_fragment(
        "appraisals/detail.html", SECTION_TEMPLATES[section], http_status=status, **vars(parts), **section_context,
        moves=allowed_moves(APPRAISAL_TRANSITIONS, appraisal.status, current_user.roles),
        recording=appraisal.status in FINDING_STATUSES, kinds=list(FindingKind), to_improve=TO_IMPROVE,
        rating_values=list(RatingValue), naming=appraisal.status in NAMING_STATUSES)


@bp.get("/new")
@requires("appraisal.edit")
def new():
    values = MultiDict({"lead_appraiser_id": str(current_user.id)})
    return FORM.show(values=values)


@bp.post("/")
@requires("appraisal.edit")
def create():
    return FORM.post(lambda data: service.create_appraisal(get_session(), data=data, by=current_user), done=_url_of)


@bp.get("/<int:appraisal_id>/edit")
@requires("appraisal.edit")
def edit(appraisal_id: int):
    return FORM.edit(service.editable_appraisal(get_session(), appraisal_id=appraisal_id, by=current_user))


@bp.post("/<int:appraisal_id>")
@requires("appraisal.edit")
def update(appraisal_id: int):
    session = get_session()
    appraisal = service.editable_appraisal(session, appraisal_id=appraisal_id, by=current_user)
    return FORM.post(lambda data: service.update_appraisal(session, appraisal=appraisal, data=data, by=current_user),
                     done=_url_of, record=appraisal,
                     reload=lambda: service.get_appraisal(session, appraisal_id=appraisal_id))


@bp.post("/<int:appraisal_id>/move")
@requires("appraisal.move")
def move(appraisal_id: int):
    session = get_session()
    appraisal = service.get_appraisal(session, appraisal_id=appraisal_id)
    return write_in_place(
        lambda: service.move_appraisal(session, appraisal=appraisal, data=parse(AppraisalMoveInput, request.form),
                                       by=current_user),
        url=_url_of(appraisal), page=lambda refused: appraisal_page(appraisal, move=refused))


@bp.post("/<int:appraisal_id>/findings")
@requires("appraisal.record")
@says("Finding recorded.")
def record_finding(appraisal_id: int):
    session = get_session()
    appraisal = service.recordable_appraisal(session, appraisal_id=appraisal_id, by=current_user)
    return write_in_place(
        lambda: service.record_finding(session, appraisal=appraisal, data=parse(FindingInput, request.form),
                                       by=current_user),
        page=lambda refused: appraisal_page(appraisal, section="findings", finding=refused))


@bp.post("/findings/<int:finding_id>/propose")
@requires("appraisal.record")
@says("Proposal raised from the finding.")
def propose(finding_id: int):
    session = get_session()
    proposal = service.propose(session, finding=service.get_finding(session, finding_id=finding_id), by=current_user)
    return go_to(url_for("proposals.detail", proposal_id=proposal.id))


@bp.post("/<int:appraisal_id>/ratings")
@requires("appraisal.record")
@says("Rating recorded.")
def rate(appraisal_id: int):
    session = get_session()
    appraisal = service.recordable_appraisal(session, appraisal_id=appraisal_id, by=current_user)
    return write_in_place(
        lambda: service.rate(session, appraisal=appraisal, data=parse(RatingInput, request.form), by=current_user),
        page=lambda refused: appraisal_page(appraisal, section="ratings", rating=refused))


@bp.post("/<int:appraisal_id>/participants")
@requires("appraisal.record")
@says("Participant added.")
def add_participant(appraisal_id: int):
    session = get_session()
    appraisal = service.recordable_appraisal(session, appraisal_id=appraisal_id, by=current_user)
    return write_in_place(
        lambda: questionnaire.add_participant(session, appraisal=appraisal, data=parse(ParticipantInput, request.form),
                                              by=current_user),
        page=lambda refused: appraisal_page(appraisal, section="participants", participant=refused))


# --- the A2I questionnaire: each participant's own answers, and the team's question bank

@bp.get("/<int:appraisal_id>/questionnaire")
@requires("appraisal.answer")
def questionnaire_page(appraisal_id: int):
    session = get_session()
    return _questionnaire(questionnaire.answerable(session, appraisal_id=appraisal_id, by=current_user))


def _questionnaire(appraisal: Appraisal, *, refused: dict | None = None, saved: int | None = None,
                   status: int | None = None):
    """The participant's questionnaire with their own answers (or what they typed, when refused: 422)."""
    session = get_session()
    answers = questionnaire.answers_of(session, appraisal_id=appraisal.id, user_id=current_user.id)
    values = refused["values"] if refused else MultiDict(
        {f"rating_{qid}": str(a.rating or 0) for qid, a in answers.items()}  # 0: don't know
        | {f"comment_{qid}": a.comment for qid, a in answers.items()})
    return page_or_fragment("appraisals/questionnaire.html", "appraisals/_questionnaire.html",
                            http_status=status or (422 if refused else 200), appraisal=appraisal,
                            questions=questionnaire.questions_for(session, appraisal), values=values,
                            errors=refused["errors"] if refused else {}, frequencies=list(Frequency),
                            open=questionnaire.is_open(appraisal), saved=saved)


@bp.post("/<int:appraisal_id>/questionnaire")
@requires("appraisal.answer")
@says("Answers saved.")
def answer(appraisal_id: int):
    session = get_session()
    appraisal = questionnaire.answerable(session, appraisal_id=appraisal_id, by=current_user)
    if not questionnaire.is_open(appraisal):  # a page left open when execution ended: show it locked
        return _questionnaire(appraisal, status=409)
    saved = []
    return write_in_place(
        lambda: saved.append(questionnaire.answer(session, appraisal=appraisal, form=request.form, by=current_user)),
        url=url_for("appraisals.questionnaire_page", appraisal_id=appraisal_id),
        page=lambda refused: _questionnaire(appraisal, refused=refused, saved=saved[0] if saved else None))


@bp.get("/questions")
@requires("read")
def questions():
    return _questions_page()


def _questions_page(**forms: dict | None):
    session = get_session()
    http_status, sections = section_forms(forms, "question")
    return page_or_fragment("appraisals/questions.html", "appraisals/_questions.html", http_status=http_status,
                            questions=questionnaire.list_questions(session), areas=list_areas(session), **sections)


@bp.post("/questions")
@requires("appraisal.questions")
def add_question():
    session = get_session()
    return write_in_place(
        lambda: questionnaire.add_question(session, data=parse(QuestionInput, request.form), by=current_user),
        url=url_for("appraisals.questions"), page=lambda refused: _questions_page(question=refused))


@bp.post("/questions/<int:question_id>/retire")
@requires("appraisal.questions")
def retire_question(question_id: int):
    questionnaire.retire_question(get_session(), question_id=question_id,
                                  seen=parse(SeenInput, request.form).version, by=current_user)
    return _questions_page() if fragment_requested() else go_to(url_for("appraisals.questions"))


# --- reappraisal cadences

@bp.get("/cadences")
@requires("read")
def cadences():
    return _cadences_page()


def _cadences_page(**forms: dict | None):
    """The cadences and the form to add one; a refused form (`add`, or `row` for one cadence's months, with its
    "id") makes it a 422 with the errors beside the field."""
    session = get_session()
    http_status, sections = section_forms(forms, "add", "row", defaults={"add": {"months": "24"}})
    return page_or_fragment("appraisals/cadences.html", "appraisals/_cadences.html", http_status=http_status,
                            cadences=cadence.list_cadences(session), scopes=list(CadenceScope),
                            areas=list_areas(session), **sections)


@bp.post("/cadences")
@requires("appraisal.cadence")
@says("Cadence added.")
def add_cadence():
    session = get_session()
    return write_in_place(
        lambda: cadence.set_cadence(session, data=parse(CadenceInput, request.form), by=current_user),
        url=url_for("appraisals.cadences"), page=lambda refused: _cadences_page(add=refused))


@bp.post("/cadences/<int:cadence_id>")
@requires("appraisal.cadence")
@says("Cadence saved.")
def update_cadence(cadence_id: int):
    session = get_session()
    item = cadence.get_cadence(session, cadence_id=cadence_id)
    return write_in_place(
        lambda: cadence.update_cadence(session, cadence=item, data=parse(CadenceMonthsInput, request.form),
                                       by=current_user),
        url=url_for("appraisals.cadences"),
        page=lambda refused: _cadences_page(row=refused and refused | {"id": cadence_id}))


# --- the plan's form

def _values(appraisal: Appraisal) -> MultiDict:
    values = form_values(appraisal, service.FIELDS)
    values["sponsor_id"], values["lead_appraiser_id"] = str(appraisal.sponsor_id), str(appraisal.lead_appraiser_id)
    values.setlist("team_ids", [str(u.id) for u in appraisal.team])
    values.setlist("project_ids", [str(p.id) for p in appraisal.projects])
    values.setlist("area_ids", [str(a.id) for a in appraisal.areas])
    return values


def _options(_appraisal: Appraisal | None) -> dict:
    session = get_session()
    return {"models": list(ReferenceModel), "methods": list(Method),
            "areas": list_areas(session)}


def _url_of(appraisal: Appraisal) -> str:
    return url_for("appraisals.detail", appraisal_id=appraisal.id)


FORM = RecordForm(AppraisalInput, "appraisals/form.html", "appraisals/_form.html", "appraisal", _values,
                  options=_options)
