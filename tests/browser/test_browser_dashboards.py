"""Dashboards in the browser (issue 11): each chart is drawn (a plot, no console error, no CSP violation), and a
filter redraws it in place, kept in the URL."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tracker.action_plans.models import PlanStatus
from tracker.assets.models import AssetKind, AssetVersion, ProcessAsset, VersionStatus
from tracker.auth.roles import Role
from tracker.deployments.models import RowStatus

pytestmark = pytest.mark.browser


def test_the_charts_are_drawn_and_a_filter_redraws_them_in_place(page, live_server, sign_in, no_reload, db, make_user,
                                                                 make_project, make_deployment, make_proposal, make_plan,
                                                                 make_commitment):
    steering = make_user(Role.STEERING, email="sc@example.org")
    versions = []
    for title in ("Peer review procedure", "Plan template"):
        asset = ProcessAsset(title=title, kind=AssetKind.PROCEDURE, owner_id=steering.id)
        db.add(asset)
        db.flush()
        versions.append(AssetVersion(asset_id=asset.id, label="1.0", status=VersionStatus.RELEASED))
        db.add(versions[-1])
    db.commit()
    pay, dw = make_project(code="PAY"), make_project(code="<b>DW</b>")
    make_deployment([pay, dw], [versions[0]], status=RowStatus.DEPLOYED)
    make_deployment([pay], [versions[1]], status=RowStatus.PLANNED)
    make_proposal()
    make_commitment(make_plan(PlanStatus.IN_PROGRESS, title="Checklists"))
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in("sc@example.org", PASSWORD)
    page.goto(f"{live_server}/dashboards/")
    chart = page.locator("#chart-deployment")
    expect(chart.locator(".main-svg").first).to_be_visible()  # Plotly drew it
    expect(chart.locator(".xtick text")).to_have_count(2)
    expect(chart.locator(".xtick text", has_text="<b>DW</b>")).to_have_count(1)  # drawn as typed
    expect(page.locator("#chart-flow .sankey").first).to_be_attached()  # the improvement flow too
    expect(page.locator("#chart-proposals .main-svg").first).to_be_visible()  # the open proposals
    expect(page.locator("#chart-plans .main-svg").first).to_be_visible()  # and the plans under way
    no_reload.set()

    page.get_by_label("Asset").select_option(label="Plan template")
    expect(page.locator("#chart-deployment .xtick text")).to_have_count(1)  # redrawn: PAY only
    expect(page).to_have_url(f"{live_server}/dashboards/?asset={versions[1].asset_id}&sort=completeness")  # kept
    page.locator("#chart-deployment").get_by_text("Data as a table").click()
    expect(page.locator("#chart-deployment table tbody tr")).to_have_count(1)
    no_reload.check()
    page.goto(f"{live_server}/projects/{pay.id}")  # the project's own chart
    expect(page.locator("#chart-deployment .main-svg").first).to_be_visible()
    assert problems == []
