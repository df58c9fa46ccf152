"""The boards and their charts: which charts each dashboard shows, and how each chart is made from the data (the
steering review's pack draws the same charts)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from tracker.appraisals.models import RatingValue
from tracker.compliance.models import Compliance
from tracker.dashboards import charts, service
from tracker.dashboards.service import DashboardFilter
from tracker.lessons.models import LessonStatus, Polarity
from tracker.objectives.service import assessments
from tracker.reminders.rules import pages


@dataclass(frozen=True)
class Board:
    title: str
    intro: str
    filters: tuple[str, ...]  # which of the filter form's fields it offers
    charts: tuple[str, ...]  # keys of CHARTS, in page order


BOARDS = {
    "overview": Board("Overview", "Is improvement on track? The key figures, the objectives, every project's "
                      "deployment and the flow of proposals. The period narrows the flow to the proposals submitted "
                      "in it.", ("period", "area", "objective"), ("objectives", "deployment", "flow")),
    "deployment": Board("Deployment", "Where each project stands with each process asset today, and how fast the "
                        "latest releases are taken up.", ("asset", "area", "phase", "project", "sort"),
                        ("deployment", "heatmap", "adoption")),
    "flow": Board("Improvement flow", "Proposals from their source to deployment: what waits, how many go through "
                  "each month, and how long it takes. The period narrows the flow (proposals submitted in it), the "
                  "months and the lead times (first deployed in it); open proposals are as they stand today.",
                  ("period", "area", "objective"), ("flow", "proposals", "throughput", "lead-time")),
    "plans": Board("Action plans", "Plans planned against actual, their commitments, and who holds overdue work "
                   "today. The period narrows the timeline to the plans it overlaps.",
                   ("period", "objective"), ("timeline", "plans", "overdue")),
    "experience": Board("Experience", "What pilots, tailoring, audits and lessons say about the process assets, in "
                        "the period.", ("period", "asset", "area", "project"),
                        ("pilots", "tailoring", "compliance-time", "compliance-assets", "compliance-projects",
                         "lessons")),
    "appraisals": Board("Appraisals", "Ratings of the process areas across the appraisals that rate them, and the "
                        "next reappraisals.", ("area",), ("ratings",)),
}


def row_urls() -> Callable[[int, int], str]:
    """A status row's place on its deployment's page, each deployment's path built once (a heatmap has thousands
    of cells and a few deployments)."""
    deployment = pages("deployments.detail", "deployment_id")
    return lambda deployment_id, row_id: f"{deployment(deployment_id)}#row-{row_id}"


def _objectives(session: Session, where: DashboardFilter, today: date) -> charts.Chart:
    found = assessments(session, today=today, objective_ids=None if where.objective_id is None else [where.objective_id])
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
    "deployment": lambda s, w, today: charts.deployment_by_project(service.deployment_progress(s, where=w)),
    "heatmap": lambda s, w, today: charts.deployment_heatmap(service.heatmap(s, where=w, today=today),
                                                             row_url=row_urls()),
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
    "compliance-projects": lambda s, w, today: charts.compliance_per_project(
        service.compliance_by_project(s, where=w), list(Compliance)),
    "lessons": lambda s, w, today: charts.lessons(service.lessons_by_status(s, where=w), list(LessonStatus),
                                                  list(Polarity)),
    "ratings": lambda s, w, today: charts.appraisal_ratings(service.ratings(s, where=w), list(RatingValue)),
}
