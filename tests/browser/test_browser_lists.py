"""All open work in one place, in the browser (issue 12, part 4): a member follows a home tile to the list of
exactly what it counts, filters and sorts it in place (the address follows), and finds the same work in My work."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tracker.action_plans.models import IssueStatus, PlanStatus
from tracker.auth.roles import Role

pytestmark = pytest.mark.browser


def test_a_tile_leads_to_its_list_which_filters_and_sorts_in_place(page, live_server, sign_in, no_reload, make_user,
                                                                   make_plan, make_issue):
    mia = make_user(Role.MEMBER, email="mia@example.org", name="Mia Member")
    ned = make_user(Role.MEMBER, name="Ned Other")
    plan = make_plan(PlanStatus.IN_PROGRESS, title="Peer reviews everywhere", team=[mia])
    make_issue(plan, owner=mia, title="Tool licence missing")
    make_issue(plan, owner=mia, title="Agenda template unclear", status=IssueStatus.IN_PROGRESS)
    make_issue(plan, owner=mia, title="Closed long ago", status=IssueStatus.CLOSED)
    make_issue(plan, owner=ned, title="Someone else's issue")
    sign_in("mia@example.org", PASSWORD)
    page.get_by_role("link", name="2 Plan issues you own, still open").click()
    table = page.locator("#issue-table")
    expect(table.locator("tbody tr")).to_have_count(2)  # exactly what the tile counted
    expect(table).not_to_contain_text("Closed long ago")
    expect(table).not_to_contain_text("Someone else's issue")

    no_reload.set()
    header = table.locator("th", has_text="Issue")
    header.get_by_role("link").click()  # sort by title, A to Z
    expect(header).to_have_attribute("aria-sort", "ascending")  # swapped: the next click reaches the new header
    expect(table.locator("tbody tr").first).to_contain_text("Agenda template unclear")
    header.get_by_role("link").click()  # and the other way
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(table.locator("tbody tr").first).to_contain_text("Tool licence missing")
    page.get_by_label("Status").select_option(label="In progress")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Agenda template unclear")
    expect(page).to_have_url(re.compile(r"/issues/\?sort=-title&owner=[^&]+&status=in_progress&open=1$"))  # kept
    no_reload.check()

    page.goto(f"{live_server}/my-work")
    expect(page.locator("#work-issues")).to_contain_text("Tool licence missing")
    expect(page.locator("#work-issues")).not_to_contain_text("Closed long ago")


def test_a_list_sorts_filters_clears_and_downloads_what_it_shows(page, live_server, sign_in, no_reload, make_user,
                                                                 make_project):
    """Issue 13, part 2, on the projects list: a header sorts in place (aria-sort, the address follows), a search that
    hides everything offers to clear it, and the CSV is exactly what the filters select."""
    make_user(Role.PROCESS_GROUP, email="pia@example.org")
    for code, name in (("CRM", "Customer portal"), ("PAY", "Payments"), ("HR", "People system")):
        make_project(code=code, name=name)
    sign_in("pia@example.org", PASSWORD)
    page.goto(f"{live_server}/projects/")
    table = page.locator("#project-table")
    no_reload.set()
    header = table.locator("th", has_text="Name")
    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(table.locator("tbody tr").first).to_contain_text("People system")
    expect(page).to_have_url(re.compile(r"/projects/\?sort=-name$"))

    page.get_by_label("Search").fill("pay")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/projects/\?sort=-name&q=pay"))  # the sort kept
    with page.expect_download() as download:
        table.get_by_role("link", name="Download CSV").click()
    assert download.value.path().read_text().splitlines() == ["Code,Name,Phase,Status,Lead(s),Start,End",
                                                              "PAY,Payments,Execution,Active,,2026-01-01,"]

    page.get_by_label("Search").fill("nothing like it")
    expect(table).to_contain_text("No projects match")
    no_reload.check()
    table.get_by_role("link", name="clear the filters").click()  # a new page: the filters form starts empty
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(page.get_by_label("Search")).to_have_value("")  # the form cleared too
    expect(table.locator("th", has_text="Name")).to_have_attribute("aria-sort", "descending")  # the sort kept
