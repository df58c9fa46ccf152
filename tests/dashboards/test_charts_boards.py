"""The boards' chart builders on plain data (issue 11): empty data, one item, what each draws, and labels people
typed drawn as typed. Expected values are worked out from the requirement, not from the builders."""

from datetime import date

import pytest

from tracker.appraisals.models import RatingValue
from tracker.compliance.models import Compliance
from tracker.dashboards import charts
from tracker.dashboards.charts import Adoption, Heatmap, Link, ObjectiveProgress, PlanSpan, Ratings
from tracker.deployments.models import RowStatus as S
from tracker.lessons.models import LessonStatus, Polarity

HOSTILE = "<img src=x onerror=alert(1)>"
SHOWN = "&lt;img src=x onerror=alert(1)&gt;"  # what Plotly is given: it shows the characters, runs nothing


def url(deployment_id, row_id):
    return f"/deployments/{deployment_id}#row-{row_id}"


def test_the_heatmap_colours_each_cell_by_status_rings_drift_and_links_rows():
    h = Heatmap(projects=[(1, "PAY"), (2, HOSTILE)], assets=[(10, "Peer review", True), (11, "Plan template", False)],
                cells={(1, 10): (S.VERIFIED, False, 5, 50), (1, 11): (S.DEPLOYED, True, 6, 60),
                       (2, 10): (S.PLANNED, False, 5, 51)}, total=2)
    chart = charts.deployment_heatmap(h, row_url=url)
    grid = chart.figure["data"][0]
    assert grid["y"] == ["PAY", SHOWN] and grid["x"] == ["Peer review (needs review)", "Plan template"]
    statuses = list(S)
    assert grid["z"] == [[statuses.index(S.VERIFIED), statuses.index(S.DEPLOYED)], [statuses.index(S.PLANNED), None]]
    assert grid["customdata"][0][1] == "/deployments/6#row-60" and grid["customdata"][1][1] == ""
    legend = [trace["name"] for trace in chart.figure["data"][1:]]  # the statuses shown, then the ring
    assert legend == ["Planned", "Deployed", "Verified", "On an older version"]
    ring = chart.figure["data"][-1]
    assert (ring["x"], ring["y"]) == (["Plan template"], ["PAY"])  # PAY runs an older plan template
    assert chart.rows[1][:4] == ["PAY", "Plan template", "Deployed", "yes"]
    assert isinstance(chart.rows[1][0], Link) and chart.rows[1][0].url == "/deployments/6#row-60"
    assert "1 cell on an older version; 1 asset needing review" in chart.summary


def test_an_empty_heatmap_draws_nothing_and_says_so():
    chart = charts.deployment_heatmap(Heatmap([], [], {}, 0), row_url=url)
    assert chart.figure["data"] == [] and chart.rows == []
    assert chart.summary == "0 projects of 0 by 0 assets."


def test_adoption_is_the_share_of_applicable_projects_by_date_carried_to_today():
    # 4 projects apply; 1 deployed on 1 March, 3 by 1 May; 1 verified by 1 June
    curve = Adoption("Peer review", 4, [(date(2026, 3, 1), 1), (date(2026, 5, 1), 3)], [(date(2026, 6, 1), 1)],
                     median_to_deployed=40, median_to_verified=None)
    chart = charts.adoption_curves([curve], today=date(2026, 7, 1))
    deployed, verified = chart.figure["data"]
    assert deployed["x"] == ["2026-03-01", "2026-05-01", "2026-07-01"] and deployed["y"] == [25.0, 75.0, 75.0]
    assert verified["y"] == [25.0, 25.0] and verified["line"]["dash"] == "dot"
    assert chart.summary == "Peer review: 75 % of 4 projects deployed, median 40 days from release."
    assert chart.rows == [["Peer review", 4, 3, 1, "40", ""]]


def test_no_asset_no_adoption():
    chart = charts.adoption_curves([], today=date(2026, 7, 1))
    assert chart.figure["data"] == [] and chart.summary == "No asset has a deployment row yet."


def test_monthly_throughput_groups_submitted_decided_deployed():
    months = {"2026-01": {"submitted": 3, "decided": 1, "deployed": 0},
              "2026-02": {"submitted": 0, "decided": 2, "deployed": 1}}
    chart = charts.monthly_throughput(months)
    assert [trace["name"] for trace in chart.figure["data"]] == ["Submitted", "Decided", "Deployed"]
    assert chart.figure["data"][1]["y"] == [1, 2]
    assert chart.summary == "From 2026-01 to 2026-02: 3 submitted, 3 decided, 1 first deployed."
    assert charts.monthly_throughput({"2026-01": {"submitted": 0, "decided": 0, "deployed": 0}}).figure["data"] == []


def test_lead_time_counts_proposals_per_bucket_and_says_the_median():
    chart = charts.lead_time([0, 2, 0, 1, 0], 75.0)
    assert chart.figure["data"][0]["y"] == [0, 2, 0, 1, 0]
    assert chart.summary == "3 proposals first deployed; median 75 days from submission."
    assert charts.lead_time([0] * 5, None).figure["data"] == []


def test_the_timeline_draws_planned_and_actual_spans_late_in_red():
    spans = [PlanSpan(HOSTILE, "In progress", (date(2026, 1, 1), date(2026, 3, 31)),
                      (date(2026, 1, 10), date(2026, 4, 15)), late=True),
             PlanSpan("Estimation", "Approved", (date(2026, 5, 1), date(2026, 6, 30)), None, late=False)]
    chart = charts.plans_timeline(spans)
    planned, late = chart.figure["data"]  # no plan is under way on time
    assert planned["name"] == "Planned" and planned["y"] == [SHOWN, "Estimation"]
    assert planned["base"] == ["2026-01-01", "2026-05-01"] and planned["x"][0] == 90 * 86_400_000  # 1 Jan - 31 Mar
    assert late["name"] == "Actual, late" and late["marker"]["color"] == "#c0392b"
    assert chart.summary == "2 plans: 1 under way or done, 1 past their planned end."


def test_overdue_work_by_owner_most_first():
    chart = charts.overdue_owners([("Mia", 2, 1), (HOSTILE, 0, 1)])
    assert chart.figure["data"][0]["y"] == ["Mia", SHOWN]
    assert chart.summary == "2 overdue commitments and 2 overdue noncompliances, held by 2 people."
    assert charts.overdue_owners([]).summary == "Nothing is overdue."


def test_pilots_decided_first_then_those_waiting():
    chart = charts.pilot_decisions({"Not decided yet (running)": 2, "Adopt": 1, "Reject": 1})
    assert chart.figure["data"][0]["x"] == ["Adopt", "Reject", "Not decided yet (running)"]
    assert chart.summary == "4 pilots, 2 decided: 1 adopt, 1 reject."


def test_tailoring_hot_spots_name_asset_and_element():
    chart = charts.tailoring_hot_spots([("Peer review", HOSTILE, 3, 2)])
    assert chart.figure["data"][0]["y"] == [f"Peer review — {SHOWN}"]
    assert chart.summary == f"The most tailored: Peer review — {HOSTILE} (3 records on 2 projects)."
    assert charts.tailoring_hot_spots([]).figure["data"] == []


def test_compliance_results_stack_by_result_and_give_the_compliant_share():
    counted = {"2026-09": {Compliance.COMPLIANT: 3, Compliance.NON_COMPLIANT: 1}}
    chart = charts.compliance_by_month(counted, list(Compliance))
    assert [trace["name"] for trace in chart.figure["data"]] == ["Compliant", "Non compliant"]
    assert chart.summary == "4 audit results, 75 % compliant."
    assert charts.compliance_per_asset({}, list(Compliance)).summary == "No completed audit in these filters."


def test_lessons_by_status_stacked_by_polarity():
    chart = charts.lessons({(LessonStatus.NEW, Polarity.NEGATIVE): 2, (LessonStatus.REVIEWED, Polarity.POSITIVE): 1},
                           list(LessonStatus), list(Polarity))
    assert chart.figure["data"][0]["x"] == ["New", "Reviewed"]
    assert chart.summary == "3 lessons, 2 not reviewed yet."


def test_ratings_across_appraisals_in_date_order():
    r = Ratings(appraisals=[(1, "SCAMPI A", date(2024, 5, 1)), (2, "SCAMPI A again", date(2026, 5, 1))],
                areas=[(7, "VER")], values={(7, 1): (RatingValue.NOT_SATISFIED, None),
                                            (7, 2): (RatingValue.SATISFIED, 2)})
    chart = charts.appraisal_ratings(r, list(RatingValue))
    grid = chart.figure["data"][0]
    assert grid["text"] == [["Not satisfied", "Satisfied, CL 2"]]
    assert chart.summary == "1 process area rated in 2 completed appraisals; in the latest, 1 of 1 satisfied."
    assert charts.appraisal_ratings(Ratings([], [], {}), list(RatingValue)).figure["data"] == []


@pytest.mark.parametrize(("share", "shown"), [(0.5, 50), (None, 0), (1.2, 120)])
def test_objectives_show_the_share_of_the_way_made(share, shown):
    chart = charts.objectives_progress([ObjectiveProgress(HOSTILE, "At risk", "at_risk", share)])
    bars = chart.figure["data"][0]
    assert bars["y"] == [SHOWN] and bars["x"] == [shown] and bars["marker"]["color"] == ["#e0b341"]
    assert chart.summary == "1 objective: 1 at risk."
