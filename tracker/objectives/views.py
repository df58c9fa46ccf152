"""Business objective pages: list, detail with what serves it, create and edit."""

from flask import Blueprint, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker import trace
from tracker.auth.policy import requires
from tracker.auth.service import people_choices
from tracker.db import get_session
from tracker.history.service import history
from tracker.objectives import service
from tracker.objectives.forms import ObjectiveInput
from tracker.objectives.models import BusinessObjective
from tracker.web import RecordForm, form_values, page_or_fragment

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


def _values(objective: BusinessObjective) -> MultiDict:
    values = form_values(objective, (name for name in service.FIELDS if name != "active"))
    if objective.active:
        values["active"] = "y"
    values["version"] = str(objective.version)
    return values


def _url_of(objective: BusinessObjective) -> str:
    return url_for("objectives.detail", objective_id=objective.id)


FORM = RecordForm(ObjectiveInput, "objectives/form.html", "objectives/_form.html", "objective", _values,
                  options=lambda _: {"owners": people_choices(get_session())})


@bp.get("/new")
@requires("objective.edit")
def new():
    return FORM.show(values=MultiDict({"owner_id": str(current_user.id), "active": "y"}))


@bp.post("/")
@requires("objective.edit")
def create():
    return FORM.post(lambda data: service.create_objective(get_session(), data=data, by=current_user), done=_url_of)


@bp.get("/<int:objective_id>/edit")
@requires("objective.edit")
def edit(objective_id: int):
    return FORM.edit(service.get_objective(get_session(), objective_id=objective_id))


@bp.post("/<int:objective_id>")
@requires("objective.edit")
def update(objective_id: int):
    session = get_session()
    objective = service.get_objective(session, objective_id=objective_id)
    return FORM.post(lambda data: service.update_objective(session, objective=objective, data=data, by=current_user),
                     done=_url_of, record=objective,
                     reload=lambda: service.get_objective(session, objective_id=objective_id))
