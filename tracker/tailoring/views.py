"""Tailoring pages: the list, logging a record, reviewing it, and tailoring patterns."""

from flask import Blueprint, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker.auth.policy import led_projects_only, requires
from tracker.db import get_session, utcnow
from tracker.errors import Conflict, ValidationError
from tracker.history.service import history
from tracker.tailoring import service
from tracker.tailoring.forms import TailoringCorrection, TailoringInput, TailoringReviewInput, ThresholdInput
from tracker.tailoring.models import TailoringRecord, TailoringStatus, TailoringType
from tracker.tailoring.workflow import TAILORING_TRANSITIONS
from tracker.validation import digits, parse
from tracker.web import (
    RecordForm,
    form_values,
    go_to,
    list_page,
    page_or_fragment,
    query_enum,
    query_lookups,
    query_text,
    says,
    write_in_place,
)
from tracker.workflow import allowed_moves

bp = Blueprint("tailoring", __name__, url_prefix="/tailoring")


@bp.get("/")
@requires("read")
def index():
    chosen = query_lookups({"project": "project", "asset": "asset"})
    where = service.TailoringFilter(
        q=query_text("q"), status=query_enum(TailoringStatus, "status"), type=query_enum(TailoringType, "type"),
        asset_id=chosen.ids["asset"], project_id=chosen.ids["project"], lead_id=led_projects_only(current_user))
    return list_page(service.LISTING, service.records_matching(where), "tailoring/index.html", "tailoring/_table.html",
                     where=where, statuses=list(TailoringStatus), types=list(TailoringType), chosen=chosen)


def _options(record) -> dict:
    """The types; and a corrected record's history. The project and the version are typed (suggested: the projects
    a lead leads, or for the process group the active ones; the released versions), the service checks both."""
    session = get_session()
    return {"types": list(TailoringType),
            "projects_among": "active" if service.logs_for_any_project(current_user) else "led",
            "history": history(session, entity="tailoring_record", entity_ids=[record.id]) if record else []}


def _values(record) -> MultiDict:
    return form_values(record, service.FIELDS)


FORM = RecordForm(TailoringInput, "tailoring/form.html", "tailoring/_form.html", "record",
                  values_of=lambda r: MultiDict(), options=_options)
CORRECTION = RecordForm(TailoringCorrection, "tailoring/form.html", "tailoring/_form.html", "record",
                        values_of=_values, options=_options)


@bp.get("/<int:record_id>/edit")
@requires("tailoring.edit")
def edit(record_id: int):
    return CORRECTION.edit(service.editable_tailoring(get_session(), record_id=record_id, by=current_user))


@bp.post("/<int:record_id>")
@requires("tailoring.edit")
def update(record_id: int):
    session = get_session()
    record = service.editable_tailoring(session, record_id=record_id, by=current_user)
    return CORRECTION.post(lambda data: service.update_tailoring(session, record=record, data=data, by=current_user),
                           done=lambda saved: url_for("tailoring.detail", record_id=saved.id), record=record,
                           reload=lambda: service.editable_tailoring(session, record_id=record_id, by=current_user))


@bp.get("/new")
@requires("tailoring.log")
def new():
    project = request.args.get("project") or service.sole_project(get_session(), by=current_user)
    return FORM.show(values=MultiDict({"project_id": str(project or ""),
                                       "tailored_on": utcnow().date().isoformat()}))


@bp.post("/")
@requires("tailoring.log")
def create():
    return FORM.post(lambda data: service.log(get_session(), data=data, by=current_user),
                     done=lambda r: url_for("tailoring.detail", record_id=r.id))


@bp.get("/<int:record_id>")
@requires("read")
def detail(record_id: int):
    return _detail(service.get_tailoring(get_session(), record_id=record_id))


def _detail(record: TailoringRecord, *, move: dict | None = None):
    """The record's page; a refused review's values and errors in `move` make it a 422."""
    session = get_session()
    return page_or_fragment(
        "tailoring/detail.html", "tailoring/detail.html", http_status=422 if move else 200, record=record,
        moves=allowed_moves(TAILORING_TRANSITIONS, record.status, current_user.roles),
        values=(move or {}).get("values", MultiDict()), errors=(move or {}).get("errors", {}),
        history=history(session, entity="tailoring_record", entity_ids=[record.id]))


@bp.post("/<int:record_id>/review")
@requires("tailoring.review")
@says("Review recorded.")
def review(record_id: int):
    session = get_session()
    record = service.get_tailoring(session, record_id=record_id)
    return write_in_place(
        lambda: service.move_tailoring(session, record=record, data=parse(TailoringReviewInput, request.form),
                               by=current_user),
        url=url_for("tailoring.detail", record_id=record.id),
        page=lambda refused: _detail(record, move=refused))


@bp.get("/patterns")
@requires("read")
def patterns(values: MultiDict | None = None, errors: dict | None = None, status: int = 200):
    session = get_session()
    current = service.settings(session)
    return page_or_fragment("tailoring/patterns.html", "tailoring/patterns.html", http_status=status,
                            patterns=service.patterns(session), settings=current,
                            values=values or MultiDict({"pattern_threshold": str(current.pattern_threshold)}),
                            errors=errors or {})


@bp.post("/patterns/threshold")
@requires("tailoring.configure")
def set_threshold():
    try:
        service.set_threshold(get_session(), data=parse(ThresholdInput, request.form), by=current_user)
    except (ValidationError, Conflict) as error:
        errors = getattr(error, "errors", {"pattern_threshold": error.message})
        return patterns(values=request.form, errors=errors, status=error.status)
    return go_to(url_for("tailoring.patterns"))


@bp.post("/patterns/propose")
@requires("tailoring.review")
def propose():
    asset_id = request.form.get("asset_id", "")
    proposal = service.propose_from_pattern(
        get_session(), asset_id=int(asset_id) if digits(asset_id) and int(asset_id) < 2**31 else 0,
        element=request.form.get("element", "")[:200], by=current_user)
    return go_to(url_for("proposals.detail", proposal_id=proposal.id))
