"""The dashboards: what the steering committee would rather look at than read, on a few boards. Each chart has
its data as a table one click away and as CSV; the filters are kept in the URL and redraw the charts in place."""

from flask import Blueprint, abort, url_for

from tracker.appraisals import cadence
from tracker.auth.policy import requires
from tracker.dashboards import charts, service
from tracker.dashboards.boards import BOARDS, CHARTS, row_urls
from tracker.dashboards.service import DashboardFilter
from tracker.db import get_session, utcnow
from tracker.objectives.service import assessments
from tracker.process_areas.service import list_areas
from tracker.projects.models import Phase
from tracker.web import (
    LookupFilters,
    csv_download,
    fragment_requested,
    page_or_fragment,
    query_day,
    query_enum,
    query_id,
    query_lookups,
    query_page,
    query_text,
)

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards")


def _where() -> tuple[DashboardFilter, bool, LookupFilters]:
    """The filters in the URL, whether the period was given backwards (the same period: said beside it), and the
    project, asset and objective filters as typed."""
    chosen = query_lookups({"asset": "asset", "project": "project", "objective": "objective"})
    sort = query_text("sort")
    since, until = query_day("from"), query_day("to")
    backwards = bool(since and until and since > until)
    if backwards:
        since, until = until, since
    return DashboardFilter(asset_id=chosen.ids["asset"], area_id=query_id("area"), phase=query_enum(Phase, "phase"),
                           project_id=chosen.ids["project"], objective_id=chosen.ids["objective"], since=since,
                           until=until, sort=sort if sort in charts.SORTS else "completeness",
                           page=query_page()), backwards, chosen


def filter_args(where: DashboardFilter) -> dict:
    """The filters as URL arguments (those set), for the CSV links and the heatmap's pages."""
    args = {"asset": where.asset_id, "area": where.area_id, "phase": where.phase.value if where.phase else None,
            "project": where.project_id, "objective": where.objective_id,
            "from": where.since.isoformat() if where.since else None,
            "to": where.until.isoformat() if where.until else None,
            "sort": where.sort if where.sort != "completeness" else None}
    return {name: value for name, value in args.items() if value is not None}


def _board_page(key: str):
    board = BOARDS[key]
    (where, backwards, chosen), session, today, fragment = _where(), get_session(), utcnow().date(), fragment_requested()
    drawn = {chart: CHARTS[chart](session, where, today) for chart in board.charts}
    page = {} if fragment else {  # a filter changed: the charts alone, without the page's parts
        "tiles": service.kpis(session, today=today, objectives=assessments(session, today=today))
        if key == "overview" else [],
        "reappraisals": cadence.schedule(session, today=today) if key == "appraisals" else [],
        "areas": list_areas(session) if "area" in board.filters else [],
        "phases": list(Phase), "sorts": charts.SORTS, "boards": BOARDS}
    args = filter_args(where)
    return page_or_fragment("dashboards/index.html", "dashboards/_charts.html", key=key, board=board, where=where,
                            chosen=chosen,
                            period_note="From came after To: the charts show the period between the two dates."
                            if backwards else "", fragment=fragment, args=args,
                            table_args=args | ({"page": where.page} if where.page > 1 else {}), charts=drawn, endpoint="dashboards.index" if key == "overview" else
                            "dashboards.board", endpoint_args=args | ({} if key == "overview" else {"key": key}),
                            **page)


@bp.get("/")
@requires("read")
def index():
    return _board_page("overview")


@bp.get("/<key>")
@requires("read")
def board(key: str):
    if key not in BOARDS or key == "overview":
        abort(404)
    return _board_page(key)


def _chart(key: str, *, everything: bool = False) -> charts.Chart:
    if key not in CHARTS:
        abort(404)
    session, today, (where, _, _) = get_session(), utcnow().date(), _where()
    if key == "heatmap" and everything:
        return charts.deployment_heatmap(service.heatmap(session, where=where, today=today, everything=True),
                                         row_url=row_urls())
    if key == "deployment" and everything:
        return charts.deployment_by_project(service.deployment_progress(session, where=where, everything=True))
    return CHARTS[key](session, where, today)


@bp.get("/<key>.table")
@requires("read")
def chart_table(key: str):
    """A chart's data as a table, fetched when its "Data as a table" is opened (with the same filters)."""
    board = next((name for name, b in BOARDS.items() if key in b.charts), "overview")
    back = url_for("dashboards.index") if board == "overview" else url_for("dashboards.board", key=board)
    return page_or_fragment("dashboards/table.html", "dashboards/_table.html", c=_chart(key), back=back)


@bp.get("/<key>.csv")
@requires("read")
def chart_csv(key: str):
    """A chart's data, as its table shows it (with the same filters; the deployment charts' every project)."""
    chart = _chart(key, everything=True)
    return csv_download(f"{key}.csv", chart.columns, chart.rows)
