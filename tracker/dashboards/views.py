"""The dashboards: what the steering committee would rather look at than read, on a few boards. Each chart has
its data as a table one click away and as CSV; the filters are kept in the URL and redraw the charts in place."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, request, url_for
from sqlmodel import Session

from tracker.appraisals import cadence
from tracker.appraisals.models import RatingValue
from tracker.assets.service import asset_choices
from tracker.auth.policy import requires
from tracker.compliance.models import Compliance
from tracker.dashboards import charts, service
from tracker.dashboards.service import DashboardFilter
from tracker.db import get_session, utcnow
from tracker.lessons.models import LessonStatus, Polarity
from tracker.objectives.service import assessments, list_objectives
from tracker.process_areas.service import list_areas
from tracker.projects.models import Phase
from tracker.projects.service import project_choices
from tracker.web import csv_download, fragment_requested, page_or_fragment, query_enum, query_id, query_page, query_text

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards")


@dataclass(frozen=True)
class Board:
    title: str
    intro: str
    filters: tuple[str, ...]  # which of the filter form's fields it offers
    charts: tuple[str, ...]  # keys of CHARTS, in page order


BOARDS = {
    "overview": Board("Overview", "Is improvement on track? The key figures, the objectives, every project's "
                      "deployment and the flow of proposals.", ("period", "area", "objective"),
                      ("objectives", "deployment", "flow")),
    "deployment": Board("Deployment", "Where each project stands with each process asset, and how fast assets are "
                        "taken up.", ("asset", "area", "phase", "project", "sort", "period"),
                        ("deployment", "heatmap", "adoption")),
    "flow": Board("Improvement flow", "Proposals from their source to deployment: what waits, how many go through "
                  "each month, and how long it takes.", ("period", "area", "objective"),
                  ("flow", "proposals", "throughput", "lead-time")),
    "plans": Board("Action plans", "Plans planned against actual, their commitments, and who holds overdue work.",
                   ("period", "objective"), ("timeline", "plans", "overdue")),
    "experience": Board("Experience", "What pilots, tailoring, audits and lessons say about the process assets.",
                        ("period", "asset", "area", "project"),
                        ("pilots", "tailoring", "compliance-time", "compliance-assets", "lessons")),
    "appraisals": Board("Appraisals", "Ratings of the process areas across appraisals, and the next reappraisals.",
                        ("area",), ("ratings",)),
}


def _row_url(deployment_id: int, row_id: int) -> str:
    return url_for("deployments.detail", deployment_id=deployment_id, _anchor=f"row-{row_id}")


def _objectives(session: Session, where: DashboardFilter, today: date) -> charts.Chart:
    found = assessments(session, today=today, objective_ids=[where.objective_id] if where.objective_id else None)
    items = []
    for objective, assessment in found.values():
        made = None
        if assessment.latest is not None and objective.baseline is not None and objective.target is not None:
            made = (assessment.latest - objective.baseline) / (objective.target - objective.baseline)
        items.append(charts.ObjectiveProgress(objective.name, assessment.state.label, assessment.state.value, made))
    return charts.objectives_progress(items)


# key -> its chart, from the session, the filters and today (every one a fixed number of queries)
CHARTS: dict[str, Callable[[Session, DashboardFilter, date], charts.Chart]] = {
    "objectives": _objectives,
    "deployment": lambda s, w, today: charts.deployment_by_project(service.deployment_progress(s, where=w),
                                                                   sort=w.sort),
    "heatmap": lambda s, w, today: charts.deployment_heatmap(service.heatmap(s, where=w, today=today),
                                                             row_url=_row_url),
    "adoption": lambda s, w, today: charts.adoption_curves(service.adoption(s, where=w), today=today,
                                                                 since=w.since, until=w.until),
    "flow": lambda s, w, today: charts.improvement_flow(service.improvement_flow(s, where=w)),
    "proposals": lambda s, w, today: charts.proposals_by_status_and_age(
        service.proposal_ages(s, where=w, today=today), [status.label for status in service.OPEN]),
    "throughput": lambda s, w, today: charts.monthly_throughput(service.throughput(s, where=w, today=today)),
    "lead-time": lambda s, w, today: charts.lead_time(*service.lead_times(s, where=w)),
    "timeline": lambda s, w, today: charts.plans_timeline(service.plan_timeline(s, where=w, today=today)),
    "plans": lambda s, w, today: charts.plan_commitments(service.plan_work(s, where=w, today=today)),
    "overdue": lambda s, w, today: charts.overdue_owners(service.overdue_by_owner(s, today=today)),
    "pilots": lambda s, w, today: charts.pilot_decisions(service.pilots_by_decision(s, where=w)),
    "tailoring": lambda s, w, today: charts.tailoring_hot_spots(service.tailoring_hot_spots(s, where=w)),
    "compliance-time": lambda s, w, today: charts.compliance_by_month(service.compliance_over_time(s, where=w),
                                                                      list(Compliance)),
    "compliance-assets": lambda s, w, today: charts.compliance_per_asset(service.compliance_by_asset(s, where=w),
                                                                         list(Compliance)),
    "lessons": lambda s, w, today: charts.lessons(service.lessons_by_status(s, where=w), list(LessonStatus),
                                                  list(Polarity)),
    "ratings": lambda s, w, today: charts.appraisal_ratings(service.ratings(s, where=w), list(RatingValue)),
}


def _day(name: str) -> date | None:
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2200 else None


def _where() -> DashboardFilter:
    sort = query_text("sort")
    since, until = _day("from"), _day("to")
    if since and until and since > until:  # a period given backwards is the same period
        since, until = until, since
    return DashboardFilter(asset_id=query_id("asset"), area_id=query_id("area"), phase=query_enum(Phase, "phase"),
                           project_id=query_id("project"), objective_id=query_id("objective"), since=since,
                           until=until, sort=sort if sort in charts.SORTS else "completeness", page=query_page())


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
    session, today, where = get_session(), utcnow().date(), _where()
    drawn = {chart: CHARTS[chart](session, where, today) for chart in board.charts}
    page = {} if fragment_requested() else {  # a filter changed: the charts alone, without the page's parts
        "tiles": service.kpis(session, today=today, objectives=assessments(session, today=today))
        if key == "overview" else [],
        "reappraisals": cadence.schedule(session, today=today) if key == "appraisals" else [],
        "assets": asset_choices(session) if "asset" in board.filters else [],
        "areas": list_areas(session) if "area" in board.filters else [],
        "projects": project_choices(session) if "project" in board.filters else [],
        "objectives": list_objectives(session, active_only=True) if "objective" in board.filters else [],
        "phases": list(Phase), "sorts": charts.SORTS, "boards": BOARDS}
    args = filter_args(where)
    return page_or_fragment("dashboards/index.html", "dashboards/_charts.html", key=key, board=board, where=where,
                            args=args, charts=drawn, endpoint="dashboards.index" if key == "overview" else
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


@bp.get("/<key>.csv")
@requires("read")
def chart_csv(key: str):
    """A chart's data, as its table shows it (with the same filters; the heatmap's every project)."""
    if key not in CHARTS:
        abort(404)
    session, today, where = get_session(), utcnow().date(), _where()
    if key == "heatmap":
        chart = charts.deployment_heatmap(service.heatmap(session, where=where, today=today, everything=True),
                                          row_url=_row_url)
    else:
        chart = CHARTS[key](session, where, today)
    return csv_download(f"{key}.csv", chart.columns, chart.rows)
