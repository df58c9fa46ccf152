"""The dashboards: what the steering committee would rather look at than read. Each chart has its data as a table
one click away and as CSV; the filters are kept in the URL and redraw the charts in place."""

from flask import Blueprint, abort

from tracker.assets.service import asset_choices
from tracker.auth.policy import requires
from tracker.dashboards import charts, service
from tracker.db import get_session, utcnow
from tracker.process_areas.service import list_areas
from tracker.projects.models import Phase
from tracker.web import csv_download, fragment_requested, page_or_fragment, query_enum, query_id, query_text

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards")


def _where() -> service.DashboardFilter:
    sort = query_text("sort")
    return service.DashboardFilter(asset_id=query_id("asset"), area_id=query_id("area"),
                                   phase=query_enum(Phase, "phase"), project_id=query_id("project"),
                                   sort=sort if sort in charts.SORTS else "completeness")


def _charts(where: service.DashboardFilter) -> dict[str, charts.Chart]:
    session = get_session()
    found = [charts.deployment_by_project(service.deployment_progress(session, where=where), sort=where.sort),
             charts.improvement_flow(service.improvement_flow(session)),
             charts.proposals_by_status_and_age(service.proposal_ages(session, today=utcnow().date()),
                                                [status.label for status in service.OPEN]),
             charts.plan_commitments(service.plan_work(session, today=utcnow().date()))]
    return {chart.key: chart for chart in found}


@bp.get("/")
@requires("read")
def index():
    session = get_session()
    where = _where()
    page = {} if fragment_requested() else {  # a filter changed: the charts alone, without the page's parts
        "tiles": service.kpis(session, today=utcnow().date()), "assets": asset_choices(session),
        "areas": list_areas(session), "phases": list(Phase), "sorts": charts.SORTS}
    return page_or_fragment("dashboards/index.html", "dashboards/_charts.html", where=where, charts=_charts(where),
                            **page)


@bp.get("/<key>.csv")
@requires("read")
def chart_csv(key: str):
    """A chart's data, as its table shows it (with the same filters)."""
    chart = _charts(_where()).get(key)
    if chart is None:
        abort(404)
    return csv_download(f"{key}.csv", chart.columns, chart.rows)
