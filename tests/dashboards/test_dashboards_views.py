"""The dashboard page (issue 11): its charts with their data, the filters kept in the URL, the CSV as the table
shows it, and a number of queries that does not grow with the data."""

import csv
import io
import json
import re
from datetime import date

import pytest

from tracker.assets.models import AssetKind, AssetVersion, ProcessAsset, VersionStatus
from tracker.auth.roles import Role
from tracker.dashboards.service import DashboardFilter
from tracker.deployments.models import RowStatus

FIGURE = re.compile(r'<script type="application/json" id="figure-deployment">(.*?)</script>', re.S)


@pytest.fixture
def steering(login_as):
    return login_as(Role.STEERING)


def released(db, owner, title):
    asset = ProcessAsset(title=title, kind=AssetKind.PROCEDURE, owner_id=owner.id)
    db.add(asset)
    db.flush()
    version = AssetVersion(asset_id=asset.id, label="1.0", status=VersionStatus.RELEASED)
    db.add(version)
    db.commit()
    return version


def test_the_deployment_chart_counts_each_projects_current_rows(client, steering, db, make_project, make_deployment):
    review = released(db, steering, "Peer review procedure")
    plan = released(db, steering, "Plan template")
    pay, dw = make_project(code="PAY"), make_project(code="DW")
    make_deployment([pay, dw], [review], status=RowStatus.DEPLOYED)
    make_deployment([pay], [plan], status=RowStatus.PLANNED)
    page = client.get("/dashboards/").get_data(as_text=True)
    figure = json.loads(FIGURE.search(page).group(1))
    bars = {trace["name"]: dict(zip(trace["x"], trace["y"], strict=True)) for trace in figure["data"]}
    assert bars["Deployed"] == {"PAY": 1, "DW": 1} and bars["Planned"] == {"PAY": 1, "DW": 0}
    only_plans = client.get(f"/dashboards/?asset={plan.asset_id}").get_data(as_text=True)
    assert json.loads(FIGURE.search(only_plans).group(1))["data"][0]["x"] == ["PAY"]


def test_the_csv_is_the_table_with_the_same_filters(client, steering, db, make_project, make_deployment):
    version = released(db, steering, "Peer review procedure")
    make_deployment([make_project(code="=PAY")], [version], status=RowStatus.VERIFIED)
    response = client.get(f"/dashboards/deployment.csv?asset={version.asset_id}")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:2] == ["Project", "Name"] and rows[0][-1] == "Complete (%)"
    assert rows[1][0] == "'=PAY" and rows[1][-1] == "100"  # a formula a spreadsheet would run is quoted
    assert client.get("/dashboards/nothing.csv").status_code == 404


def test_the_queries_do_not_grow_with_the_projects(client, steering, db, make_project, make_deployment,
                                                   query_counter):
    version = released(db, steering, "Peer review procedure")
    make_deployment([make_project() for _ in range(2)], [version])
    client.get("/dashboards/")
    query_counter.clear()
    client.get("/dashboards/")
    few = len(query_counter)
    make_deployment([make_project() for _ in range(20)], [version])
    query_counter.clear()
    client.get("/dashboards/")
    assert len(query_counter) == few


def test_the_tiles_show_what_waits_and_what_is_late(client, steering, db, make_proposal, make_plan,
                                                     make_commitment):
    from datetime import timedelta

    from tracker.action_plans.models import PlanStatus
    from tracker.db import utcnow
    from tracker.proposals.models import ProposalStatus
    today = utcnow().date()
    make_proposal(ProposalStatus.ESCALATED)
    make_plan(PlanStatus.IN_REVIEW)
    late = make_plan(PlanStatus.IN_PROGRESS, planned_end=today - timedelta(days=1))
    make_plan(PlanStatus.IN_PROGRESS, planned_end=today + timedelta(days=30))
    make_commitment(late, due_date=today - timedelta(days=2))
    make_commitment(late, due_date=today + timedelta(days=2))
    page = client.get("/dashboards/").get_data(as_text=True)
    found = re.findall(r'<dt>([^<]+)</dt><dd><a [^>]+>([^<]+)</a></dd><dd class="detail">([^<]+)</dd>', page)
    tiles = {label: (value, detail) for label, value, detail in found}
    assert tiles["Decisions waiting for the committee"] == (
        "2", "escalated proposals to decide: 1; action plans to approve: 1")
    assert tiles["Action plans in progress"] == ("2", "1 past their planned end")
    assert tiles["Overdue commitments"][0] == "1"


def test_the_flow_follows_a_proposal_to_its_deployment(db, steering, make_proposal, make_plan, make_pilot,
                                                       make_project, make_user):
    from tracker.action_plans.models import PlanStatus
    from tracker.dashboards.charts import FlowGroup
    from tracker.dashboards.service import improvement_flow
    from tracker.deployments.forms import RowMoveInput
    from tracker.deployments.models import Deployment, ProjectDeployment
    from tracker.deployments.service import move_row
    from tracker.proposals.models import ProposalStatus
    version = released(db, steering, "Peer review procedure")
    accepted = make_proposal(ProposalStatus.PLANNED)
    make_proposal(ProposalStatus.REJECTED)
    plan = make_plan(PlanStatus.IN_PROGRESS, proposals=[accepted])
    make_pilot(plan, versions=[version])
    deployment = Deployment(title="Roll-out", target_date=date(2026, 6, 1), created_by_id=steering.id)
    db.add(deployment)
    db.flush()
    row = ProjectDeployment(deployment_id=deployment.id, project_id=make_project().id, asset_version_id=version.id,
                            status=RowStatus.IN_PROGRESS)
    db.add(row)
    db.commit()
    assert [g.deployed for g in improvement_flow(db, where=DashboardFilter())] == [False, False]
    # A project deploys the piloted version: the plan's work has reached it
    move_row(db, row=row, data=RowMoveInput(to=RowStatus.DEPLOYED, version=row.version),
             by=make_user(Role.PROCESS_GROUP))
    assert sorted(improvement_flow(db, where=DashboardFilter()), key=lambda g: g.decision) == [
        FlowGroup("Lesson learned", "Accepted", True, True, True, 1),
        FlowGroup("Lesson learned", "Rejected", False, False, False, 1)]


def test_a_project_page_charts_its_own_deployment_status(client, steering, db, make_project, make_deployment):
    version = released(db, steering, "Peer review procedure")
    pay, dw = make_project(code="PAY"), make_project(code="DW")
    make_deployment([pay, dw], [version], status=RowStatus.IN_PROGRESS)
    page = client.get(f"/projects/{pay.id}").get_data(as_text=True)
    figure = json.loads(FIGURE.search(page).group(1))
    assert [trace["x"] for trace in figure["data"]] == [["PAY"]]  # its own bar only
    rows = list(csv.reader(io.StringIO(client.get(f"/dashboards/deployment.csv?project={pay.id}")
                                       .get_data(as_text=True))))
    assert [row[0] for row in rows[1:]] == ["PAY"]


def test_open_proposals_are_aged_from_their_submission(db, make_proposal):
    from datetime import UTC, datetime, timedelta

    from tracker.dashboards.service import proposal_ages
    from tracker.db import clock_at
    from tracker.proposals.models import ProposalStatus
    today = date(2027, 3, 10)
    for days, status in ((0, ProposalStatus.SUBMITTED), (29, ProposalStatus.SUBMITTED), (30, ProposalStatus.ESCALATED),
                         (181, ProposalStatus.SUBMITTED), (200, ProposalStatus.REJECTED)):
        with clock_at(datetime(2027, 3, 10, 12, tzinfo=UTC) - timedelta(days=days)):
            make_proposal(status)
    # 0 and 29 days: under 30; 30 days: 30-90; 181: over 180; a rejected one is not open
    assert proposal_ages(db, where=DashboardFilter(), today=today) == {("Submitted", 0): 2, ("Escalated", 1): 1, ("Submitted", 3): 1}


def test_the_plans_chart_counts_the_commitments_of_plans_under_way(db, make_plan, make_commitment):
    from datetime import timedelta

    from tracker.action_plans.models import CommitmentStatus, PlanStatus
    from tracker.dashboards.service import plan_work
    today = date(2027, 3, 10)
    plan = make_plan(PlanStatus.IN_PROGRESS, title="Checklists")
    make_plan(PlanStatus.DRAFT, title="Not under way")
    make_commitment(plan, due_date=today - timedelta(days=1))  # overdue
    make_commitment(plan, due_date=today + timedelta(days=5))  # open
    make_commitment(plan, due_date=today, status=CommitmentStatus.DONE, completed_on=today)  # on time
    make_commitment(plan, due_date=today - timedelta(days=9), status=CommitmentStatus.DONE,
                    completed_on=today - timedelta(days=2))  # late
    [work] = plan_work(db, where=DashboardFilter(), today=today)
    assert (work.title, work.total, work.done, work.overdue, work.on_time) == ("Checklists", 4, 2, 1, 1)


@pytest.fixture
def demo(db, app):
    from tracker.demo import load_demo
    with app.app_context():
        assert load_demo(db)
    db.expire_all()


BOARD_PAGES = ["", "deployment", "flow", "plans", "experience", "appraisals"]


def test_every_board_makes_the_same_number_of_queries_at_two_sizes(client, db, demo, login_as, make_user,
                                                                   query_counter,
                                                                   make_project, make_deployment, make_proposal,
                                                                   make_plan, make_commitment, make_tailoring,
                                                                   make_audit, make_lesson, make_pilot):
    from tracker.action_plans.models import PlanStatus
    from tracker.compliance.models import AuditResult, AuditStatus, Compliance
    login_as(Role.STEERING)

    def statements() -> dict[str, int]:
        counted = {}
        for board in BOARD_PAGES:
            assert client.get(f"/dashboards/{board}").status_code == 200
            query_counter.clear()
            assert client.get(f"/dashboards/{board}").status_code == 200
            counted[board] = len(query_counter)
        return counted

    at_demo_size = statements()
    version = released(db, make_user(Role.PROCESS_GROUP), "Another procedure")
    projects = [make_project() for _ in range(15)]
    make_deployment(projects, [version], status=RowStatus.DEPLOYED)
    for n in range(15):
        plan = make_plan(PlanStatus.IN_PROGRESS, proposals=[make_proposal()], started_on=date(2026, 2, 1))
        make_commitment(plan, due_date=date(2026, 1, 1))
        make_pilot(plan, versions=[version])
        make_tailoring(projects[n], version, element=f"Step {n}")
        audit = make_audit(projects[n], status=AuditStatus.COMPLETED)
        db.add(AuditResult(audit_id=audit.id, asset_version_id=version.id, result=Compliance.PARTIALLY))
        make_lesson()
    db.commit()
    assert statements() == at_demo_size
