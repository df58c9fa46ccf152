"""Business objective pages: list, detail with what serves it, create and edit."""

from flask import Blueprint, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker import trace
from tracker.assets.service import owner_choices
from tracker.audit.service import history
from tracker.auth.policy import requires
from tracker.db import get_session
from tracker.errors import Conflict, ValidationError
from tracker.objectives import service
from tracker.objectives.forms import ObjectiveInput
from tracker.objectives.models import BusinessObjective
from tracker.validation import parse
from tracker.web import go_to, page_or_fragment

bp = Blueprint("objectives", __name__, url_prefix="/objectives")


@bp.get("/")
@requires("read")
def index():
    return page_or_fragment("objectives/index.html", "objectives/index.html",
                            objectives=service.list_objectives(get_session()))


@bp.get("/<int:objective_id>")
@requires("read")
def detail(objective_id: int):
    session = get_session()
    objective = service.get_objective(session, objective_id=objective_id)
    return page_or_fragment("objectives/detail.html", "objectives/detail.html", objective=objective,
                            trace=trace.of_objective(session, objective),
                            history=history(session, entity="business_objective", entity_ids=[objective.id]))


@bp.get("/new")
@requires("objective.edit")
def new():
    return _form(values=MultiDict({"owner_id": str(current_user.id), "active": "y"}))


@bp.post("/")
@requires("objective.edit")
def create():
    try:
        objective = service.create_objective(get_session(), data=parse(ObjectiveInput, request.form), by=current_user)
    except ValidationError as error:
        return _form(values=request.form, errors=error.errors, status=422)
    return go_to(url_for("objectives.detail", objective_id=objective.id))


@bp.get("/<int:objective_id>/edit")
@requires("objective.edit")
def edit(objective_id: int):
    objective = service.get_objective(get_session(), objective_id=objective_id)
    return _form(objective=objective, values=_values(objective))


@bp.post("/<int:objective_id>")
@requires("objective.edit")
def update(objective_id: int):
    session = get_session()
    objective = service.get_objective(session, objective_id=objective_id)
    try:
        service.update_objective(session, objective=objective, data=parse(ObjectiveInput, request.form),
                                 by=current_user)
    except ValidationError as error:
        return _form(objective=objective, values=request.form, errors=error.errors, status=422)
    except Conflict as error:
        session.refresh(objective)
        return _form(objective=objective, values=request.form, conflict=_values(objective),
                     errors={"__all__": error.message}, status=409)
    return go_to(url_for("objectives.detail", objective_id=objective.id))


def _values(objective: BusinessObjective) -> MultiDict:
    values = MultiDict({name: str(getattr(objective, name)) for name in service.FIELDS if name != "active"})
    if objective.active:
        values["active"] = "y"
    values["version"] = str(objective.version)
    return values


def _form(*, values: MultiDict, objective: BusinessObjective | None = None, errors: dict | None = None,
          conflict: MultiDict | None = None, status: int = 200):
    return page_or_fragment("objectives/form.html", "objectives/_form.html", status=status, objective=objective,
                            values=values, errors=errors or {}, conflict=conflict,
                            owners=owner_choices(get_session()))
