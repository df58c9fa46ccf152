"""Chart builders on plain data (issue 11): empty data, one project, the order, and labels drawn as typed."""

from tracker.dashboards.charts import ProjectProgress, deployment_by_project
from tracker.deployments.models import RowStatus as S


def progress(code, **counts):
    return ProjectProgress(1, code, f"Project {code}", {S(name): n for name, n in counts.items()})


def test_no_projects_makes_an_empty_chart_that_says_so():
    chart = deployment_by_project([])
    assert chart.rows == [] and chart.figure["data"] == []
    assert chart.summary == "0 projects: 0 with every applicable asset deployed or verified."


def test_one_bar_per_project_stacked_by_status_least_complete_first():
    # PAY: 3 of 4 applicable done (75 %); DW: 1 of 2 (50 %); CRM: its only row is not applicable (nothing missing)
    chart = deployment_by_project([progress("PAY", deployed=2, verified=1, planned=1),
                                   progress("DW", in_progress=1, deployed=1),
                                   progress("CRM", not_applicable=1)])
    assert chart.figure["layout"]["barmode"] == "stack"
    names = [trace["name"] for trace in chart.figure["data"]]
    assert names == ["Planned", "In progress", "Deployed", "Verified", "Not applicable"]  # statuses in use only
    deployed = next(t for t in chart.figure["data"] if t["name"] == "Deployed")
    assert deployed["x"] == ["DW", "PAY", "CRM"] and deployed["y"] == [1, 2, 0]
    assert [row[0] for row in chart.rows] == ["DW", "PAY", "CRM"]
    assert [row[-1] for row in chart.rows] == [50, 75, 100]
    assert chart.summary == "3 projects: 1 with every applicable asset deployed or verified; least complete DW at 50 %."


def test_by_code_when_asked():
    chart = deployment_by_project([progress("PAY", deployed=1), progress("DW", planned=1)], sort="code")
    assert [row[0] for row in chart.rows] == ["DW", "PAY"]


def test_a_label_with_markup_is_drawn_as_its_characters():
    chart = deployment_by_project([progress("<img src=x onerror=alert(1)>", deployed=1)])
    assert chart.figure["data"][0]["x"] == ["&lt;img src=x onerror=alert(1)&gt;"]  # Plotly shows &lt; as <
    assert chart.rows[0][0] == "<img src=x onerror=alert(1)>"  # the table escapes it itself
