"""Dashboards in the browser (issue 11): each chart is drawn (a plot, no console error, no CSP violation), and a
filter redraws it in place, kept in the URL."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import pick
from tests.conftest import PASSWORD
from tracker.action_plans.models import PlanStatus
from tracker.assets.models import AssetKind, AssetVersion, ProcessAsset, VersionStatus
from tracker.auth.roles import Role
from tracker.demo import DEMO_PASSWORD, load_demo
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
    page.goto(f"{live_server}/dashboards/deployment")
    chart = page.locator("#chart-deployment")
    expect(chart.locator(".main-svg").first).to_be_visible()  # Plotly drew it
    expect(chart.locator(".xtick text")).to_have_count(2)
    expect(chart.locator(".xtick text", has_text="<b>DW</b>")).to_have_count(1)  # drawn as typed
    expect(page.locator("#chart-heatmap .main-svg").first).to_be_visible()  # the projects x assets heatmap
    no_reload.set()

    redraws = []
    page.on("request", lambda request: redraws.append(request.url) if "/dashboards/deployment?" in request.url else None)
    pick(page.get_by_label("Asset", exact=True), "templ", "Plan template")
    page.get_by_label("Asset", exact=True).press("Tab")  # on to the next filter: the charts follow
    expect(page.locator("#chart-deployment .xtick text")).to_have_count(1)  # redrawn: PAY only
    expect(page).to_have_url(f"{live_server}/dashboards/deployment?asset=Plan%20template&sort=completeness")
    page.locator("#chart-deployment").get_by_text("Data as a table").click()
    expect(page.locator("#chart-deployment table tbody tr")).to_have_count(1)
    assert len(redraws) == 1, redraws  # the pick redrew; leaving the box did not again (a second answer closed the table)
    no_reload.check()
    page.goto(f"{live_server}/projects/{pay.id}")  # the project's own chart
    expect(page.locator("#chart-deployment .main-svg").first).to_be_visible()
    assert problems == []


BOARDS = {"": ("objectives", "deployment", "flow"), "deployment": ("deployment", "heatmap", "adoption"),
          "flow": ("flow", "proposals", "throughput", "lead-time"), "plans": ("timeline", "plans", "overdue"),
          "experience": ("pilots", "tailoring", "compliance-time", "compliance-assets", "compliance-projects", "lessons"),
          "appraisals": ("ratings",)}


@pytest.fixture
def demo(db, app, shared):
    """The demo, loaded once for the tests that only read it (they run on one worker: xdist_group)."""
    def load():
        with app.app_context():  # the demo ends with a reminder sweep, which names pages
            assert load_demo(db)
    shared(load)
    db.expire_all()


@pytest.mark.xdist_group("dashboards-demo")
def test_every_board_draws_each_of_its_charts_from_the_demo(page, live_server, sign_in, demo):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in("steering@demo.example", DEMO_PASSWORD)
    for board, keys in BOARDS.items():
        page.goto(f"{live_server}/dashboards/{board}")
        for key in keys:
            card = page.locator(f"#chart-{key}")
            expect(card.locator(".main-svg").first).to_be_attached()  # a drawn plot (a Sankey has no axes)
            expect(card.locator("a", has_text="Download the data (CSV)")).to_be_visible()
        assert page.locator(".chart-card").count() == len(keys), board
    assert problems == []  # no script error, no Content-Security-Policy violation


@pytest.mark.xdist_group("dashboards-demo")
def test_the_data_table_and_the_csv_say_what_the_chart_draws(page, live_server, sign_in, demo):
    sign_in("steering@demo.example", DEMO_PASSWORD)
    page.goto(f"{live_server}/dashboards/deployment")
    card = page.locator("#chart-deployment")
    card.get_by_text("Data as a table").click()
    expect(card.locator("table tbody tr").first).to_be_visible()  # fetched when opened
    drawn = page.evaluate("""() => {
        const plot = document.querySelector('#chart-deployment .js-plotly-plot');
        return Object.fromEntries(plot.data.map(trace => [trace.name, Object.fromEntries(trace.x.map((x, i) => [x, trace.y[i]]))]));
    }""")
    header = card.locator("table thead th").all_inner_texts()
    table = {row[0]: dict(zip(header, row, strict=True)) for row in
             (r.locator("td").all_inner_texts() for r in card.locator("table tbody tr").all())}
    for status, by_project in drawn.items():
        for code, count in by_project.items():
            assert table[code][status] == str(count), (status, code)
    with page.expect_download() as download:
        card.get_by_text("Download the data (CSV)").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert rows[0] == header
    assert [row for row in rows[1:]] == [list(table[row[0]].values()) for row in rows[1:]]
    assert len(rows) - 1 == len(table)


@pytest.mark.xdist_group("dashboards-demo")
def test_a_heatmap_cell_leads_to_its_status_row(page, live_server, sign_in, demo):
    sign_in("steering@demo.example", DEMO_PASSWORD)
    page.goto(f"{live_server}/dashboards/deployment")
    card = page.locator("#chart-heatmap")
    card.get_by_text("Data as a table").click()
    link = card.locator("table tbody a").first
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"{live_server}{href}")
    assert page.locator(f"tr#{href.split('#')[1]}").count() == 1
