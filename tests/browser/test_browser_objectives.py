"""Measured objectives in the browser (issue 11): a measurement recorded or removed shows at once, with the chart
and the state redrawn; a completed plan's result lands on its objective."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import covers
from tests.conftest import PASSWORD
from tracker.action_plans.models import PlanObjective, PlanStatus
from tracker.auth.roles import Role
from tracker.db import utcnow
from tracker.objectives.models import BusinessObjective

pytestmark = pytest.mark.browser


@covers("objectives.measure", "objectives.remove_measurement")
def test_the_owner_records_and_removes_a_measurement_in_place(page, live_server, sign_in, no_reload, db, make_user):
    owner = make_user(Role.MEMBER, email="olga@example.org", name="Olga Owner")
    today = utcnow().date()
    objective = BusinessObjective(name="Fewer escaped defects", kpi="Escaped defects per release", unit="defects",
                                  baseline=14, baseline_on=today - timedelta(days=100), target=5,
                                  target_date=today + timedelta(days=100), owner_id=owner.id)
    db.add(objective)
    db.commit()
    sign_in("olga@example.org", PASSWORD)
    page.goto(f"{live_server}/objectives/{objective.id}")
    expect(page.locator("#objective-state")).to_contain_text("Not measured yet")
    no_reload.set()

    section = page.locator("#measurements")
    section.get_by_text("Record a measurement").click()
    section.get_by_label("Value (defects)").fill("nine")
    section.get_by_label("Where it came from").fill("Release 4.2 report")
    section.get_by_role("button", name="Record measurement").click()
    expect(section.locator(".field.invalid")).to_contain_text("Enter a number")  # beside the field
    expect(section.get_by_label("Where it came from")).to_have_value("Release 4.2 report")  # kept

    section.get_by_label("Value (defects)").fill("9,5")  # half the way in half the time: on track
    section.get_by_role("button", name="Record measurement").click()
    expect(page.locator("#measurement-list")).to_contain_text("9.5 defects")
    expect(page.locator("#objective-state")).to_contain_text("On track")
    expect(page.locator("#chart-objective .main-svg").first).to_be_visible()
    expect(page.locator("#measurements details.add").locator("textarea, input:not([type=hidden]):not([type=date])").first).to_have_value("")  # open for the next one, and empty

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#measurement-list").get_by_role("button", name="Remove").click()
    expect(page.locator("#measurement-list")).to_have_count(0)
    expect(page.locator("#objective-state")).to_contain_text("Not measured yet")
    expect(page.locator("section.history")).to_contain_text("9.5 defects on")
    no_reload.check()


@covers("plans.record_result")
def test_a_completed_plans_result_is_recorded_on_its_objective(page, live_server, sign_in, no_reload, db, make_user,
                                                              make_plan):
    make_user(Role.PROCESS_GROUP, email="sam@example.org")
    steering = make_user(Role.STEERING)
    today = utcnow().date()
    objective = BusinessObjective(name="Predictable delivery", kpi="Releases on time", unit="%", baseline=55,
                                  target=85, target_date=today + timedelta(days=200), owner_id=steering.id)
    db.add(objective)
    plan = make_plan(PlanStatus.COMPLETED, title="Estimation with history", completed_on=today - timedelta(days=2),
                     planned_start=date(2026, 1, 1))
    db.add(PlanObjective(plan_id=plan.id, objective_id=objective.id))
    db.commit()
    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/plans/{plan.id}")
    no_reload.set()
    section = page.locator("#plan-result")
    section.get_by_text("Record the result as a measurement").click()
    expect(section.get_by_label("Measured on")).to_have_value(str(today - timedelta(days=2)))
    section.get_by_label("Value").fill("70")
    section.get_by_role("button", name="Record result").click()
    expect(page.locator("#plan-facts")).to_contain_text("70% now")  # the objective's latest, beside it
    expect(page.locator("#plan-results")).to_contain_text("Predictable delivery: 70% on")  # and what was recorded
    expect(page.locator("#plan-result details.add").locator("textarea, input:not([type=hidden]):not([type=date])").first).to_have_value("")  # open for the next one, and empty
    no_reload.check()
    page.goto(f"{live_server}/objectives/{objective.id}")
    expect(page.locator("#measurement-list")).to_contain_text("Result of the action plan «Estimation with history»")
