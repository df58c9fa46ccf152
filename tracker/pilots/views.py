"""Pilot pages: list, plan a pilot, detail with the decision, edit results."""

from flask import Blueprint, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker.auth.policy import requires
from tracker.db import get_session
from tracker.history.service import history
from tracker.lessons.service import drawn_from
from tracker.pilots import service
from tracker.pilots.forms import PilotInput, PilotMoveInput
from tracker.pilots.models import Pilot, PilotDecision, PilotStatus
from tracker.pilots.workflow import PILOT_TRANSITIONS
from tracker.reviews.service import decided_in
from tracker.validation import parse
from tracker.web import (
    RecordForm,
    form_values,
    list_page,
    page_or_fragment,
    query_enum,
    query_lookups,
    query_text,
    write_in_place,
)
from tracker.workflow import allowed_moves

bp = Blueprint("pilots", __name__, url_prefix="/pilots")


@bp.get("/")
@requires("read")
def index():
    chosen = query_lookups({"project": "project"})
    where = service.PilotFilter(q=query_text("q"), status=query_enum(PilotStatus, "status"),
                                project_id=chosen.ids["project"])
    return list_page(service.LISTING, service.pilots_matching(where), "pilots/index.html", "pilots/_table.html",
                     where=where, statuses=list(PilotStatus), chosen=chosen)


@bp.get("/<int:pilot_id>")
@requires("read")
def detail(pilot_id: int):
    return _detail(service.get_pilot(get_session(), pilot_id=pilot_id))


def _detail(pilot: Pilot, *, move: dict | None = None):
    """The pilot's page; a refused move's values and errors in `move` make it a 422."""
    session = get_session()
    return page_or_fragment(
        "pilots/detail.html", "pilots/detail.html", http_status=422 if move else 200, pilot=pilot,
        moves=allowed_moves(PILOT_TRANSITIONS, pilot.status, current_user.roles), decisions=list(PilotDecision),
        move_values=(move or {}).get("values", MultiDict()), move_errors=(move or {}).get("errors", {}),
        history=history(session, entity="pilot", entity_ids=[pilot.id]),
        decided_in=decided_in(session, entity="pilot", entity_id=pilot.id),
        drawn=drawn_from(session, field="pilot_id", record_id=pilot.id))


@bp.get("/new")
@requires("pilot.edit")
def new():
    return FORM.show(values=MultiDict({"plan_id": request.args.get("plan", "")}))


@bp.post("/")
@requires("pilot.edit")
def create():
    return FORM.post(lambda data: service.create_pilot(get_session(), data=data, by=current_user), done=_url_of)


@bp.get("/<int:pilot_id>/edit")
@requires("pilot.edit")
def edit(pilot_id: int):
    return FORM.edit(service.editable_pilot(get_session(), pilot_id=pilot_id, by=current_user))


@bp.post("/<int:pilot_id>")
@requires("pilot.edit")
def update(pilot_id: int):
    session = get_session()
    pilot = service.editable_pilot(session, pilot_id=pilot_id, by=current_user)
    return FORM.post(lambda data: service.update_pilot(session, pilot=pilot, data=data, by=current_user),
                     done=_url_of, record=pilot, reload=lambda: service.get_pilot(session, pilot_id=pilot_id))


@bp.post("/<int:pilot_id>/move")
@requires("pilot.move")
def move(pilot_id: int):
    session = get_session()
    pilot = service.get_pilot(session, pilot_id=pilot_id)
    return write_in_place(
        lambda: service.move_pilot(session, pilot=pilot, data=parse(PilotMoveInput, request.form), by=current_user),
        url=url_for("pilots.detail", pilot_id=pilot.id),
        page=lambda refused: _detail(pilot, move=refused))


def _values(pilot: Pilot) -> MultiDict:
    values = form_values(pilot, service.FIELDS)
    values["plan_id"] = str(pilot.plan_id)
    values.setlist("version_ids", [str(v.id) for v in pilot.asset_versions])
    values.setlist("project_ids", [str(p.id) for p in pilot.projects])
    return values


def _url_of(pilot: Pilot) -> str:
    return url_for("pilots.detail", pilot_id=pilot.id)


FORM = RecordForm(PilotInput, "pilots/form.html", "pilots/_form.html", "pilot", _values)  # versions, projects typed
