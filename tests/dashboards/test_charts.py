"""Chart builders on plain data (issue 11): empty data, one project, the order, and labels drawn as typed."""

from tracker.dashboards.charts import Progress, ProjectProgress, deployment_by_project
from tracker.deployments.models import RowStatus as S


def progress(code, **counts):
    return ProjectProgress(1, code, f"Project {code}", {S(name): n for name, n in counts.items()})


def test_no_projects_makes_an_empty_chart_that_says_so():
    chart = deployment_by_project(Progress([], 0, 0, None))
    assert chart.rows == [] and chart.figure["data"] == []
    assert chart.summary == "0 projects: 0 with every applicable asset deployed or verified."


def test_one_bar_per_project_stacked_by_status_in_the_order_given():
    # DW: 1 of 2 applicable done (50 %); PAY: 3 of 4 (75 %); CRM: its only row is not applicable (nothing missing)
    chart = deployment_by_project(Progress([progress("DW", in_progress=1, deployed=1),
                                            progress("PAY", deployed=2, verified=1, planned=1),
                                            progress("CRM", not_applicable=1)], 3, 1, ("DW", 0.5)))
    assert chart.figure["layout"]["barmode"] == "stack"
    names = [trace["name"] for trace in chart.figure["data"]]
    assert names == ["Planned", "In progress", "Deployed", "Verified", "Not applicable"]  # statuses in use only
    deployed = next(t for t in chart.figure["data"] if t["name"] == "Deployed")
    assert deployed["x"] == ["DW", "PAY", "CRM"] and deployed["y"] == [1, 2, 0]
    assert [row[0] for row in chart.rows] == ["DW", "PAY", "CRM"]
    assert [row[-1] for row in chart.rows] == [50, 75, 100]
    assert chart.summary == "3 projects: 1 with every applicable asset deployed or verified; least complete DW at 50 %."
    assert chart.paging is None


def test_a_page_of_many_projects_says_what_holds_over_all_of_them():
    chart = deployment_by_project(Progress([progress("DW", planned=2)], 26, 4, ("AAA", 0.0), page=2, pages=2))
    assert chart.summary == ("26 projects (this page: 1): 4 with every applicable asset deployed or verified; "
                             "least complete AAA at 0 %.")
    assert chart.paging == (2, 2)


def test_a_label_with_markup_is_drawn_as_its_characters():
    chart = deployment_by_project(Progress([progress("<img src=x onerror=alert(1)>", deployed=1)], 1, 1, None))
    assert chart.figure["data"][0]["x"] == ["&lt;img src=x onerror=alert(1)&gt;"]  # Plotly shows &lt; as <
    assert chart.rows[0][0] == "<img src=x onerror=alert(1)>"  # the table escapes it itself


def test_the_flow_links_each_stage_to_the_next_with_the_proposals_that_went_there():
    from tracker.dashboards.charts import FlowGroup, improvement_flow
    chart = improvement_flow([
        FlowGroup("Lesson learned", "Accepted", True, True, True, 2),  # planned, piloted, deployed
        FlowGroup("Lesson learned", "Rejected", False, False, False, 1),
        FlowGroup("Appraisal finding", "Accepted", True, False, True, 1),  # deployed without a pilot
        FlowGroup("Appraisal finding", "Awaiting triage", False, False, False, 3),
    ])
    assert sorted(chart.rows) == sorted([
        ["Lesson learned", "Accepted", 2], ["Lesson learned", "Rejected", 1], ["Appraisal finding", "Accepted", 1],
        ["Appraisal finding", "Awaiting triage", 3], ["Accepted", "In a plan", 3], ["In a plan", "Piloted", 2],
        ["Piloted", "Deployed", 2], ["In a plan", "Deployed", 1]])
    sankey = chart.figure["data"][0]
    labels = sankey["node"]["label"]
    pairs = {(labels[a], labels[b]): v for a, b, v in zip(sankey["link"]["source"], sankey["link"]["target"],
                                                          sankey["link"]["value"], strict=True)}
    assert pairs[("Accepted", "In a plan")] == 3
    assert chart.summary == "7 proposals: 3 in a plan, 2 piloted, 3 deployed."


def test_no_proposals_no_flow():
    from tracker.dashboards.charts import improvement_flow
    chart = improvement_flow([])
    assert chart.figure["data"] == [] and chart.rows == []


def test_open_proposals_by_status_and_age():
    from tracker.dashboards.charts import proposals_by_status_and_age
    chart = proposals_by_status_and_age({("Submitted", 0): 2, ("Submitted", 3): 1, ("Escalated", 1): 1},
                                        ["Submitted", "Under review", "Escalated"])
    assert chart.rows == [["Submitted", 2, 0, 0, 1], ["Escalated", 0, 1, 0, 0]]  # statuses with none are left out
    assert [trace["name"] for trace in chart.figure["data"]] == ["under 30 days", "30 to 90 days", "over 180 days"]
    assert chart.summary == "4 open proposals, 1 of them submitted over 180 days ago."


def test_each_plan_under_way_shows_its_commitments_done_open_and_overdue():
    from tracker.dashboards.charts import PlanWork, plan_commitments
    chart = plan_commitments([PlanWork("Checklists", total=5, done=2, overdue=1, on_time=1),
                              PlanWork("Estimation", total=2, done=0, overdue=0, on_time=0)])
    bars = {trace["name"]: trace["x"] for trace in chart.figure["data"]}
    assert bars == {"Done": [2, 0], "Open": [2, 2], "Overdue": [1, 0]}
    assert chart.rows == [["Checklists", 5, 2, 1, 50], ["Estimation", 2, 0, 0, ""]]  # on time: 1 of the 2 done
    assert chart.summary == "2 plans under way, 1 with overdue commitments (Checklists)."
