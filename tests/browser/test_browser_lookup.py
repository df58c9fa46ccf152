"""Choosing a person, a plan, a project or an asset by typing (issue 14): part of a name, the suggestion picked with
the keyboard, saved or filtered by, and the result on the page without a reload."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import pick
from tests.conftest import PASSWORD
from tracker.action_plans.models import PlanStatus
from tracker.auth.roles import Role

pytestmark = pytest.mark.browser


@pytest.fixture
def on_plan_page(page, live_server, sign_in, no_reload, make_user, make_plan):
    make_user(Role.PROCESS_GROUP, email="sam@example.org", name="Sam Process")
    make_user(Role.MEMBER, email="mia@example.org", name="Mia Member")
    make_user(Role.MEMBER, email="max@example.org", name="Max Member")
    plan = make_plan(PlanStatus.IN_PROGRESS, title="Checklist reviews")
    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/plans/{plan.id}")
    no_reload.set()
    return plan


def test_a_team_member_is_picked_from_suggestions_by_keyboard(page, on_plan_page, no_reload):
    team = page.locator("#team")
    team.get_by_text("Add someone to the team").click()
    pick(team.get_by_label("Person"), "mia", "Mia Member <mia@example.org>")
    expect(team.get_by_label("Person")).to_have_value("Mia Member <mia@example.org>")
    team.get_by_label("Role on the team").fill("checklist author")
    team.get_by_label("Role on the team").press("Enter")
    expect(team).to_contain_text("Mia Member — checklist author")
    expect(team.get_by_label("Role on the team")).to_have_value("")
    no_reload.check()


def test_a_commitment_owner_is_picked_and_a_name_nobody_has_is_refused_in_place(page, on_plan_page, no_reload):
    commitments = page.locator("#commitments")
    commitments.get_by_text("Propose a commitment").click()
    commitments.get_by_label("New commitment").fill("Draft the design checklist")
    commitments.get_by_label("Owner").fill("Nobody Known")
    commitments.get_by_label("Due").fill("2099-12-15")
    commitments.get_by_role("button", name="Propose commitment").click()
    expect(commitments).to_contain_text("No one with that name or email: pick from the suggestions.")
    expect(commitments.get_by_label("Owner")).to_have_value("Nobody Known")
    commitments.get_by_label("Owner").fill("")
    pick(commitments.get_by_label("Owner"), "max", "Max Member <max@example.org>")
    commitments.get_by_role("button", name="Propose commitment").click()
    row = commitments.locator("tr", has_text="Draft the design checklist")
    expect(row).to_contain_text("Max Member")
    expect(commitments.get_by_label("New commitment")).to_have_value("")
    no_reload.check()


def test_the_commitments_list_is_filtered_by_a_plan_picked_from_suggestions(
        page, live_server, sign_in, no_reload, make_user, make_plan, make_commitment):
    login = make_user(Role.MEMBER, email="mia@example.org")
    reviews, estimation = make_plan(PlanStatus.IN_PROGRESS, title="Checklist reviews"), make_plan(
        PlanStatus.IN_PROGRESS, title="Estimation rework")
    make_commitment(reviews, owner=login, description="Write the checklist")
    make_commitment(estimation, owner=login, description="Collect estimates")
    sign_in("mia@example.org", PASSWORD)
    page.goto(f"{live_server}/commitments/")
    no_reload.set()
    table = page.locator("#commitment-table")
    expect(table).to_contain_text("Collect estimates")
    pick(page.get_by_label("Action plan"), "estim", f"Estimation rework (#{estimation.id})")
    page.get_by_label("Action plan").press("Tab")  # on to the next filter: the list follows
    expect(table).not_to_contain_text("Write the checklist")
    expect(table).to_contain_text("Collect estimates")
    no_reload.check()


def test_the_tailoring_list_is_filtered_by_a_project_and_an_asset_picked_from_suggestions(
        page, live_server, sign_in, no_reload, make_user, make_project, make_released, make_tailoring):
    make_user(Role.STEERING, email="sue@example.org")
    payroll, billing = make_project(code="PX-12", name="Payroll"), make_project(code="PX-13", name="Billing")
    checklist, guide = make_released(title="Review checklist"), make_released(title="Estimation guide")
    make_tailoring(payroll, checklist, element="Payroll skips the checklist")
    make_tailoring(payroll, guide, element="Payroll skips the guide")
    make_tailoring(billing, checklist, element="Billing skips the checklist")
    sign_in("sue@example.org", PASSWORD)
    page.goto(f"{live_server}/tailoring/")
    no_reload.set()
    table = page.locator("#tailoring-table")
    expect(table).to_contain_text("Billing skips the checklist")
    pick(page.get_by_label("Project"), "payr", "PX-12 · Payroll")
    page.get_by_label("Project").press("Tab")  # on to the next filter: the list follows
    expect(table).not_to_contain_text("Billing skips")
    expect(table).to_contain_text("Payroll skips the guide")
    pick(page.get_by_label("Asset"), "check", "Review checklist")
    page.get_by_label("Asset").press("Tab")
    expect(table).not_to_contain_text("skips the guide")
    expect(table).to_contain_text("Payroll skips the checklist")
    page.get_by_label("Asset").fill("No such asset")
    page.get_by_label("Asset").press("Tab")
    expect(page.locator("#f-asset-said")).to_contain_text("No process asset by that name")
    expect(table).not_to_contain_text("Payroll skips")
    no_reload.check()


def test_the_status_matrix_shows_an_asset_picked_from_suggestions_and_pages_its_columns(
        page, live_server, sign_in, no_reload, make_user, make_project, make_released, make_deployment):
    from tracker.deployments.models import RowStatus
    make_user(Role.STEERING, email="sue@example.org")
    versions = [make_released(title=f"Procedure {n:02}") for n in range(1, 14)]  # thirteen: two pages of columns
    make_deployment([make_project(code="PX-12", name="Payroll")], versions, status=RowStatus.DEPLOYED)
    sign_in("sue@example.org", PASSWORD)
    page.goto(f"{live_server}/deployments/status")
    no_reload.set()
    matrix = page.locator("#matrix")
    expect(matrix.locator("thead th")).to_have_count(2 + 12)  # project, phase and twelve assets
    expect(matrix).to_contain_text("Assets 1–12 of 13")
    matrix.get_by_role("link", name="Later assets").click()
    expect(matrix.locator("thead th")).to_have_count(2 + 1)
    expect(matrix.locator("thead")).to_contain_text("Procedure 13")
    matrix.get_by_role("link", name="Earlier assets").click()
    expect(matrix.locator("thead")).to_contain_text("Procedure 01")
    pick(page.get_by_label("Asset", exact=True), "dure 07", "Procedure 07")
    page.get_by_label("Asset", exact=True).press("Tab")  # on to the next filter: the matrix follows
    expect(matrix.locator("thead th")).to_have_count(2 + 1)
    expect(matrix.locator("thead")).to_contain_text("Procedure 07")
    expect(page.locator("#status-counts")).to_contain_text("Deployed: 1")
    no_reload.check()
