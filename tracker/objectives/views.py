"""Business objective pages: list, detail with what serves it, create and edit."""

from flask import Blueprint, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker import trace
from tracker.auth.policy import requires
from tracker.dashboards.charts import objective_trend
from tracker.db import get_session, utcnow
from tracker.history.service import history
from tracker.objectives import service
from tracker.objectives.forms import MeasurementInput, ObjectiveInput
from tracker.objectives.models import BusinessObjective
from tracker.objectives.progress import number_text
from tracker.validation import parse
from tracker.web import (
    RecordForm,
    csv_download,
    form_values,
    in_place_or_go_to,
    list_page,
    page_or_fragment,
    query_lookups,
    query_text,
    says,
    section_forms,
    write_in_place,
)

bp = Blueprint("objectives", __name__, url_prefix="/objectives")


@bp.get("/")
@requires("read")
def index():
    session, chosen = get_session(), query_lookups({"owner": "person"})
    state = request.args.get("state", "")
    where = service.ObjectiveFilter(q=query_text("q"), owner_id=chosen.ids["owner"],
                                    active={"active": True, "retired": False}.get(state))
    return list_page(service.LISTING, service.objectives_matching(where), "objectives/index.html",
                     "objectives/_table.html", where=where, state=state, chosen=chosen,
                     about_page=lambda found: {"states": service.assessments(
                         session, objective_ids=[o.id for o in found], today=utcnow().date())})


def _chart(objective: BusinessObjective):
    today = utcnow().date()
    state = service.assessment(objective, today=today)
    baseline_on = objective.baseline_on or objective.created_at.date()
    return state, objective_trend(
        kpi=objective.kpi, unit=objective.unit,
        baseline=(baseline_on, objective.baseline) if objective.baseline is not None else None,
        measurements=[(m.measured_on, m.value, m.source) for m in objective.measurements],
        target=(objective.target_date, objective.target) if objective.target_date and objective.target is not None
        else None,
        trend=state.trend)


def objective_page(objective: BusinessObjective, **forms: dict | None):
    """The objective's page; a refused measurement's values and errors make it a 422."""
    session = get_session()
    http_status, sections = section_forms(forms, "measurement",
                                          defaults={"measurement": {"measured_on": str(utcnow().date())}})
    state, trend = _chart(objective)
    return page_or_fragment("objectives/detail.html", "objectives/detail.html", http_status=http_status,
                            objective=objective, state=state, trend=trend, trace=trace.of_objective(session, objective),
                            history=history(session, entity="business_objective", entity_ids=[objective.id]),
                            **sections)


@bp.get("/<int:objective_id>")
@requires("read")
def detail(objective_id: int):
    return objective_page(service.get_objective(get_session(), objective_id=objective_id))


@bp.get("/<int:objective_id>/measurements.csv")
@requires("read")
def measurements_csv(objective_id: int):
    _, chart = _chart(service.get_objective(get_session(), objective_id=objective_id))
    return csv_download(f"objective-{objective_id}.csv", chart.columns, chart.rows)


@bp.post("/<int:objective_id>/measurements")
@requires("objective.measure")
@says("Measurement recorded.")
def measure(objective_id: int):
    session = get_session()
    objective = service.measurable_objective(session, objective_id=objective_id, by=current_user)
    return write_in_place(
        lambda: service.add_measurement(session, objective=objective, data=parse(MeasurementInput, request.form),
                                        by=current_user),
        page=lambda refused: objective_page(service.get_objective(session, objective_id=objective_id),
                                            measurement=refused),
        url=_url_of(objective))


@bp.post("/measurements/<int:measurement_id>/remove")
@requires("objective.measure")
@says("Measurement removed.")
def remove_measurement(measurement_id: int):
    session = get_session()
    objective = service.remove_measurement(session, measurement_id=measurement_id, by=current_user)
    return in_place_or_go_to(_url_of(objective), lambda: objective_page(objective))


def _values(objective: BusinessObjective) -> MultiDict:
    values = form_values(objective, (name for name in service.FIELDS if name != "active"))
    for name in ("baseline", "target"):  # 14, not 14.0
        if getattr(objective, name) is not None:
            values[name] = number_text(getattr(objective, name))
    if objective.active:
        values["active"] = "y"
    return values


def _url_of(objective: BusinessObjective) -> str:
    return url_for("objectives.detail", objective_id=objective.id)


FORM = RecordForm(ObjectiveInput, "objectives/form.html", "objectives/_form.html", "objective", _values,
                  options=lambda _: {})


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
