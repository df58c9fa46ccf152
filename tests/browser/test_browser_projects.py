"""A process-group user creates, corrects, edits a project in Chromium and reads its history."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import pick
from tests.conftest import PASSWORD
from tracker.auth.roles import Role

pytestmark = pytest.mark.browser


def test_process_group_creates_fixes_edits_and_reads_history(page, live_server, sign_in, make_user):
    make_user(Role.PROCESS_GROUP, email="sepg@example.org", name="Sam Process")
    leo = make_user(Role.PROJECT_LEAD, name="Leo Lead")
    make_user(Role.MEMBER, name="Leona Member")  # not a lead: not suggested
    sign_in("sepg@example.org", PASSWORD)

    page.get_by_role("link", name="Projects", exact=True).click()
    page.get_by_role("link", name="New project").click()
    page.wait_for_url("**/projects/new")  # the form's page itself, before it is marked
    page.evaluate("window.notReloaded = true")  # survives only if htmx swaps instead of reloading

    page.get_by_label("Code").fill("pay")
    page.get_by_label("Name").fill("Payments platform")
    page.get_by_label("Lifecycle phase").select_option("execution")
    page.get_by_label("Start date").fill("2026-03-01")
    page.get_by_label("End date").fill("2026-01-31")
    pick(page.get_by_label("Project lead(s)"), "leo", f"Leo Lead <{leo.email}>")  # leads alone are suggested
    page.get_by_role("button", name="Create project").click()

    error = page.locator("#end_date-error")
    expect(error).to_have_text("The end date cannot be before the start date.")
    assert page.evaluate("window.notReloaded") is True
    expect(page.get_by_label("Name")).to_have_value("Payments platform")  # nothing typed is lost

    page.get_by_label("End date").fill("2027-03-31")
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("PAY · Payments platform")
    expect(page.locator(".facts")).to_contain_text("Leo Lead")

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Lifecycle phase").select_option("transition")
    page.get_by_label("Name").fill("Payments platform v2")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("PAY · Payments platform v2")

    history = page.locator("section.history")
    expect(history.get_by_role("row").filter(has_text="Changed").filter(has_text="Lifecycle phase")).to_contain_text(
        re.compile(r"Sam Process\s*Changed\s*Lifecycle phase\s*Execution\s*Transition"))
    expect(history.get_by_role("row").filter(has_text="create").filter(has_text="code")).to_contain_text("PAY")
    expect(history.get_by_role("row").filter(has_text="Payments platform v2")).to_contain_text("Changed")


def test_search_as_you_type_filters_without_reload(page, live_server, sign_in, make_user, make_project):
    make_user(Role.MEMBER, email="mia@example.org")
    make_project(code="PAY", name="Payments platform")
    make_project(code="CRM", name="Customer portal")
    sign_in("mia@example.org", PASSWORD)
    page.goto(f"{live_server}/projects/")
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Search").fill("portal")
    expect(page.locator("#project-table")).not_to_contain_text("PAY")
    expect(page.locator("#project-table")).to_contain_text("CRM")
    assert page.evaluate("window.notReloaded") is True
    assert page.url.endswith("/projects/?q=portal")  # the default sort stays out of the address


def test_stale_button_shows_the_message_and_the_record_as_it_is_now(page, context, live_server, sign_in, make_user,
                                                                   make_proposal):
    from tracker.proposals.models import ProposalStatus

    make_user(Role.PROCESS_GROUP, email="sam@example.org")
    proposal = make_proposal(ProposalStatus.SUBMITTED, title="Stale idea")
    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/proposals/{proposal.id}")
    other_tab = context.new_page()
    other_tab.goto(f"{live_server}/proposals/{proposal.id}")
    other_tab.get_by_role("button", name="Start review").click()
    expect(other_tab.locator("#proposal-status")).to_have_text("Under review")
    page.once("dialog", lambda dialog: dialog.accept())  # a final status asks first
    page.get_by_role("button", name="Mark duplicate").click()
    expect(page.locator("#messages")).to_contain_text("Someone else changed this record")
    expect(page.locator("#proposal-status")).to_have_text("Under review")
