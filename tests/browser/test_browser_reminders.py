"""Reminders in the browser (issue 10): the unread badge changes after a sweep without a reload; reminders are
marked read one by one or all at once in place; the admin tunes a rule and runs the sweep from the admin page."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import covers
from tests.conftest import PASSWORD
from tracker.action_plans.models import PlanStatus
from tracker.auth.roles import Role
from tracker.db import utcnow
from tracker.reminders.sweep import sweep

pytestmark = pytest.mark.browser


@covers("reminders.read", "reminders.read_all")
def test_the_badge_counts_a_new_reminder_without_a_reload_and_reading_clears_it(
        page, live_server, sign_in, no_reload, app, db, make_user, make_plan, make_commitment):
    app.config["BADGE_SECONDS"] = 1
    member = make_user(Role.MEMBER, email="mo@example.org", name="Mo Member")
    plan = make_plan(PlanStatus.IN_PROGRESS)
    today = utcnow().date()
    make_commitment(plan, owner=member, description="Draft the checklist", due_date=today + timedelta(days=2))
    make_commitment(plan, owner=member, description="Train the reviewers", due_date=today - timedelta(days=1))
    sign_in("mo@example.org", PASSWORD)
    page.goto(f"{live_server}/plans/")
    badge = page.locator("#notification-badge")
    expect(badge).to_have_text("Reminders")  # nothing yet
    no_reload.set()

    with app.app_context():
        sweep(db)  # what the scheduler does every few minutes
    expect(badge).to_contain_text("2")  # polled: no reload
    no_reload.check()

    badge.click()
    expect(page.locator("h1")).to_have_text("Reminders")
    no_reload.set()
    reminders = page.locator("#notifications")
    expect(reminders).to_contain_text("Commitment due")
    reminders.get_by_role("button", name="Commitment overdue").click()  # "Mark read: <its title>"
    expect(page.locator("#notifications .count")).to_have_text("1 unread")
    expect(page.locator("#notification-badge")).to_contain_text("1")
    page.get_by_role("button", name="Mark all read").click()
    expect(page.locator("#notifications")).to_contain_text("Nothing unread")
    expect(page.locator("#notification-badge")).to_have_text("Reminders")
    no_reload.check()


@covers("reminder_admin.update_rule", "reminder_admin.run_job")
def test_the_admin_tunes_a_rule_and_runs_the_sweep(page, live_server, sign_in, no_reload, db, make_user, make_plan,
                                                  make_commitment):
    make_user(Role.ADMIN, email="ada@example.org")
    owner = make_user(Role.MEMBER)
    make_commitment(make_plan(PlanStatus.IN_PROGRESS), owner=owner, due_date=utcnow().date() + timedelta(days=6))
    sign_in("ada@example.org", PASSWORD)
    page.goto(f"{live_server}/admin/reminders/")
    no_reload.set()

    row = page.locator("#rule-commitment_due")
    row.get_by_label("Commitment due: days before it is due").fill("-2")
    row.get_by_role("button", name="Save").click()
    expect(page.locator("#rule-commitment_due")).to_contain_text("Enter a whole number from 0 to 365")
    page.locator("#rule-commitment_due").get_by_label("Commitment due: days before it is due").fill("7")
    page.locator("#rule-commitment_due").get_by_role("button", name="Save").click()
    expect(page.locator("#rule-commitment_due .error")).to_have_count(0)
    expect(page.locator("#rule-commitment_due").get_by_label("Commitment due: days before it is due")).to_have_value("7")

    page.get_by_role("button", name="Run sweep now").click()
    expect(page.locator("#job-sweep")).to_contain_text("1 reminders made")
    no_reload.check()


@covers("reminders.new_calendar_link")
def test_a_person_makes_their_calendar_address_and_a_new_one(page, live_server, sign_in, no_reload, make_user):
    make_user(Role.MEMBER, email="mo@example.org")
    sign_in("mo@example.org", PASSWORD)
    page.goto(f"{live_server}/notifications/settings")
    page.get_by_label("Email me my reminders").select_option(label="Once a day, in a digest")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Email me my reminders")).to_have_value("digest")
    no_reload.set()
    page.get_by_role("button", name="Make my calendar address").click()
    first = page.get_by_label("Your calendar address")
    expect(first).to_have_value(re.compile(r"/notifications/calendar/.+\.ics$"))
    old = first.input_value()
    page.once("dialog", lambda dialog: dialog.accept())  # it asks first: the old address stops working
    page.get_by_role("button", name="Make a new calendar address").click()
    expect(page.get_by_label("Your calendar address")).not_to_have_value(old)
    no_reload.check()
