"""The lessons library, logging and reviewing lessons, converting one into a proposal; asset feedback."""

from flask import Blueprint, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker.assets.service import get_asset, version_choices
from tracker.auth.policy import requires
from tracker.db import get_session
from tracker.errors import ValidationError
from tracker.history.service import history
from tracker.lessons import service
from tracker.lessons.forms import AttachInput, FeedbackInput, LessonInput, LessonMoveInput
from tracker.lessons.models import Lesson, LessonStatus, Polarity
from tracker.lessons.workflow import LESSON_TRANSITIONS
from tracker.process_areas.service import list_areas
from tracker.validation import parse
from tracker.web import (
    PageOnly,
    RecordForm,
    form_values,
    go_to,
    list_page,
    page_or_fragment,
    query_enum,
    query_id,
    query_lookups,
    query_text,
    says,
    write_in_place,
)
from tracker.workflow import allowed_moves

bp = Blueprint("lessons", __name__)


@bp.get("/lessons/")
@requires("read")
def index():
    chosen = query_lookups({"project": "project", "asset": "asset"})
    where = service.LessonFilter(q=query_text("q"), status=query_enum(LessonStatus, "status"),
                                 polarity=query_enum(Polarity, "polarity"), project_id=chosen.ids["project"],
                                 area_id=query_id("area"), asset_id=chosen.ids["asset"])
    return list_page(service.LISTING, service.lessons_matching(where), "lessons/index.html", "lessons/_table.html",
                     where=where, statuses=list(LessonStatus), polarities=list(Polarity),
                     areas=PageOnly(lambda: list_areas(get_session())), chosen=chosen)


ORIGIN_ARGS = {"pilot_id": "pilot", "deployment_id": "deployment", "audit_id": "audit"}  # ?pilot=… on a new lesson


def _options(record) -> dict:
    session = get_session()
    chosen = {field: request.form.get(field) or request.args.get(arg, "")
              or str(getattr(record, field, None) or "") for field, arg in ORIGIN_ARGS.items()}
    return {"areas": list_areas(session),
            "polarities": list(Polarity), "origins": service.origin_options(session, chosen=chosen),
            "history": history(session, entity="lesson", entity_ids=[record.id]) if record else []}


def _values(lesson: Lesson) -> MultiDict:
    return form_values(lesson, service.FIELDS)


FORM = RecordForm(LessonInput, "lessons/form.html", "lessons/_form.html", "lesson", values_of=_values,
                  options=_options)


@bp.get("/lessons/new")
@requires("lesson.log")
def new():
    return FORM.show(values=MultiDict({"project_id": request.args.get("project", ""),
                                       "asset_id": request.args.get("asset", ""),
                                       **{field: request.args.get(arg, "") for field, arg in ORIGIN_ARGS.items()}}))


@bp.post("/lessons/")
@requires("lesson.log")
def create():
    return FORM.post(lambda data: service.log(get_session(), data=data, by=current_user),
                     done=lambda lesson: url_for("lessons.detail", lesson_id=lesson.id))


@bp.get("/lessons/<int:lesson_id>/edit")
@requires("lesson.edit")
def edit(lesson_id: int):
    return FORM.edit(service.editable_lesson(get_session(), lesson_id=lesson_id, by=current_user))


@bp.post("/lessons/<int:lesson_id>")
@requires("lesson.edit")
def update(lesson_id: int):
    session = get_session()
    lesson = service.editable_lesson(session, lesson_id=lesson_id, by=current_user)
    return FORM.post(lambda data: service.update_lesson(session, lesson=lesson, data=data, by=current_user),
                     done=lambda saved: url_for("lessons.detail", lesson_id=saved.id), record=lesson,
                     reload=lambda: service.get_lesson(session, lesson_id=lesson_id))


@bp.get("/lessons/<int:lesson_id>")
@requires("read")
def detail(lesson_id: int):
    return _detail(service.get_lesson(get_session(), lesson_id=lesson_id))


def _detail(lesson: Lesson, *, move: dict | None = None, attach: dict | None = None):
    """The lesson's page; a refused move's or attachment's values and errors (`move`, `attach`) make it a 422."""
    session = get_session()
    versions = [(str(v.id), v.name) for v in version_choices(session, asset_id=lesson.asset_id)]
    return page_or_fragment(
        "lessons/detail.html", "lessons/detail.html", http_status=422 if move or attach else 200, lesson=lesson,
        attach_values=(attach or {}).get("values", MultiDict()), attach_errors=(attach or {}).get("errors", {}),
        moves=allowed_moves(LESSON_TRANSITIONS, lesson.status, current_user.roles), versions=versions,
        convertible=(lesson.status, LessonStatus.CONVERTED) in LESSON_TRANSITIONS,
        values=(move or {}).get("values", MultiDict()), errors=(move or {}).get("errors", {}),
        history=history(session, entity="lesson", entity_ids=[lesson.id]))


@bp.post("/lessons/<int:lesson_id>/move")
@requires("lesson.review")
def move(lesson_id: int):
    session = get_session()
    lesson = service.get_lesson(session, lesson_id=lesson_id)
    return write_in_place(
        lambda: service.move_lesson(session, lesson=lesson, data=parse(LessonMoveInput, request.form), by=current_user),
        url=url_for("lessons.detail", lesson_id=lesson.id),
        page=lambda refused: _detail(service.get_lesson(session, lesson_id=lesson_id), move=refused))


@bp.post("/lessons/<int:lesson_id>/convert")
@requires("lesson.review")
def convert(lesson_id: int):
    session = get_session()
    proposal = service.convert(session, lesson=service.get_lesson(session, lesson_id=lesson_id), by=current_user)
    return go_to(url_for("proposals.detail", proposal_id=proposal.id))


@bp.post("/lessons/<int:lesson_id>/attach")
@requires("lesson.review")
def attach(lesson_id: int):
    """The lesson attached to a proposal already raised; the lesson's page again if that is refused."""
    session = get_session()
    lesson = service.get_lesson(session, lesson_id=lesson_id)
    try:
        proposal = service.attach(session, lesson=lesson, data=parse(AttachInput, request.form), by=current_user)
    except ValidationError as refused:
        session.rollback()
        return _detail(service.get_lesson(session, lesson_id=lesson_id),
                       attach={"values": request.form, "errors": refused.errors})
    return go_to(url_for("proposals.detail", proposal_id=proposal.id))


@bp.post("/assets/<int:asset_id>/feedback")
@requires("feedback.give")
@says("Feedback recorded.")
def feedback(asset_id: int):
    session = get_session()
    asset = get_asset(session, asset_id=asset_id)
    return write_in_place(
        lambda: service.give_feedback(session, asset=asset, data=parse(FeedbackInput, request.form), by=current_user),
        page=lambda refused: feedback_section(asset, refused=refused))


def feedback_section(asset, *, refused: dict | None = None):
    """The feedback section of an asset's page (its htmx fragment); a refused form in `refused` makes it a 422."""
    session = get_session()
    return page_or_fragment("lessons/_feedback_page.html", "lessons/_feedback.html", http_status=422 if refused
                            else 200, asset=asset, feedback=service.feedback_on(session, asset_id=asset.id),
                            feedback_values=(refused or {}).get("values", MultiDict()),
                            feedback_errors=(refused or {}).get("errors", {}))
