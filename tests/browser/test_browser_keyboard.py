"""The guard of issue 13: one flow per domain, walked by keyboard only (Tab to reach a control, typing, Space and
Enter): no mouse, no focus moved by the test."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tracker.action_plans.models import PlanStatus
from tracker.auth.roles import Role
from tracker.deployments.models import RowStatus

pytestmark = pytest.mark.browser


def tab_to(page, target, *, limit: int = 250) -> None:
    """Press Tab until the target has the focus (as someone without a mouse would)."""
    handle = target.element_handle()
    for _ in range(limit):
        if page.evaluate("element => document.activeElement === element", handle):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} is not reached with Tab")


def type_into(page, target, text: str) -> None:
    tab_to(page, target)
    page.keyboard.type(text)


def test_a_member_submits_a_proposal_and_logs_a_lesson_by_keyboard(page, live_server, make_user):
    make_user(Role.MEMBER, email="mia@example.org")
    page.goto(f"{live_server}/login")
    type_into(page, page.get_by_label("Email"), "mia@example.org")
    type_into(page, page.get_by_label("Password"), PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/")

    page.goto(f"{live_server}/proposals/new")
    type_into(page, page.get_by_label("Title"), "Checklists for design reviews")
    type_into(page, page.get_by_label("Problem or opportunity"), "Design reviews miss the same defects")
    type_into(page, page.get_by_label("Proposed change"), "A checklist per review")
    tab_to(page, page.locator("#f-source"))
    page.keyboard.press("ArrowDown")  # the first source
    tab_to(page, page.get_by_role("button", name="Submit proposal"))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Checklists for design reviews")
    expect(page.locator("#messages")).to_contain_text("Proposal submitted.")

    page.goto(f"{live_server}/lessons/new")
    type_into(page, page.get_by_label("Lesson in a line"), "Reviews ran long")
    type_into(page, page.get_by_label("What happened"), "Every review took two hours")
    tab_to(page, page.locator("#f-polarity"))
    page.keyboard.press("ArrowDown")
    tab_to(page, page.locator("main form button[type=submit]").last)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Reviews ran long")


def test_the_process_group_works_a_plan_and_a_list_by_keyboard(page, live_server, sign_in, make_user, make_plan):
    make_user(Role.PROCESS_GROUP, email="sam@example.org", name="Sam Process")
    plan = make_plan(PlanStatus.IN_PROGRESS, title="Checklist reviews")
    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/plans/{plan.id}")
    commitments = page.locator("#commitments")
    tab_to(page, commitments.locator("summary", has_text="Propose a commitment"))
    page.keyboard.press("Enter")  # the add form opens
    type_into(page, commitments.get_by_label("New commitment"), "Draft the design checklist")
    type_into(page, commitments.get_by_label("Owner"), "sam")
    expect(page.get_by_role("option", name="Sam Process <sam@example.org>")).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # the suggestion picked
    type_into(page, commitments.get_by_label("Due"), "12152026")
    tab_to(page, commitments.get_by_role("button", name="Propose commitment"))
    page.keyboard.press("Enter")
    expect(commitments.locator("tbody")).to_contain_text("Draft the design checklist")
    expect(commitments.locator("h2")).to_be_focused()  # the section says what changed, where the reader is

    page.goto(f"{live_server}/plans/")
    tab_to(page, page.get_by_role("link", name="Plan", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("columnheader", name="Plan", exact=True)).to_have_attribute("aria-sort", "ascending")


def test_a_lead_moves_a_deployment_row_and_logs_tailoring_by_keyboard(page, live_server, sign_in, make_user,
                                                                      make_project, make_released, make_deployment):
    project = make_project(code="PAY")
    make_user(Role.PROJECT_LEAD, email="leo@example.org", leads=[project])
    version = make_released("1.0", title="Peer review procedure")
    make_deployment([project], [version], status=RowStatus.PLANNED, title="Peer reviews everywhere")
    sign_in("leo@example.org", PASSWORD)
    page.goto(f"{live_server}/deployments/rows?mine=1")
    row = page.locator("tbody tr", has_text="PAY")
    tab_to(page, row.get_by_role("button", name="Start"))
    page.keyboard.press("Enter")
    expect(page.locator("tbody tr", has_text="PAY")).to_contain_text("In progress")

    page.goto(f"{live_server}/tailoring/new")
    expect(page.get_by_label("Project")).to_have_value(re.compile(r"^PAY · "))  # the one project Leo leads
    version_field = page.get_by_label("Asset version tailored")
    type_into(page, version_field, "peer")  # typed: the suggestions follow
    suggested = page.locator(f"#{version_field.get_attribute('aria-controls')} [role=option]")
    expect(suggested.first).to_have_text("Peer review procedure 1.0")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    type_into(page, page.get_by_label("Element tailored"), "Design review")
    tab_to(page, page.get_by_label("Type"))
    page.keyboard.press("ArrowDown")
    type_into(page, page.get_by_label("Rationale"), "A two-person project")
    tab_to(page, page.locator("main form button[type=submit]").last)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Design review")


def test_the_steering_committee_and_the_admin_work_by_keyboard(page, live_server, sign_in, make_user,
                                                                make_objective):
    """A measurement on an objective, a steering review planned (attendees ticked with Space), an account made."""
    stella = make_user(Role.STEERING, email="stella@example.org", name="Stella Steering")
    make_user(Role.ADMIN, email="ada@example.org", name="Ada Admin")
    objective = make_objective(name="Fewer escaped defects", owner_id=stella.id)
    sign_in("stella@example.org", PASSWORD)
    page.goto(f"{live_server}/objectives/{objective.id}")
    section = page.locator("#measurements")
    tab_to(page, section.locator("summary", has_text="Record a measurement"))
    page.keyboard.press("Enter")
    type_into(page, section.get_by_label("Value"), "8")
    type_into(page, section.get_by_label("Where it came from"), "Defect report, October")
    tab_to(page, section.get_by_role("button", name="Record measurement"))
    page.keyboard.press("Enter")
    expect(page.locator("#measurement-list")).to_contain_text("Defect report, October")

    page.goto(f"{live_server}/reviews/new")
    type_into(page, page.get_by_label("Title"), "Fourth-quarter review")
    type_into(page, page.get_by_label("Period under review, from"), "09012026")
    expect(page.get_by_role("button", name="Remove Stella Steering <stella@example.org>")).to_be_visible()  # the planner
    type_into(page, page.get_by_label("Attendees"), "ada")
    expect(page.get_by_role("option", name="Ada Admin <ada@example.org>")).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # the suggestion picked: a chip
    expect(page.get_by_role("button", name="Remove Ada Admin <ada@example.org>")).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Plan the review"))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Fourth-quarter review")

    sign_in("ada@example.org", PASSWORD)
    page.goto(f"{live_server}/admin/users/new")
    type_into(page, page.get_by_label("Email"), "new.person@example.org")
    type_into(page, page.get_by_label("Name"), "New Person")
    roles = page.get_by_role("group", name="Roles")
    if not roles.get_by_role("checkbox", name="Member").is_checked():
        tab_to(page, roles.get_by_role("checkbox", name="Member"))
        page.keyboard.press("Space")
    expect(roles.get_by_role("checkbox", name="Member")).to_be_checked()
    type_into(page, page.locator("#f-password"), "a brand new secret")
    tab_to(page, page.get_by_role("button", name="Create user"))
    page.keyboard.press("Enter")
    expect(page.locator("#messages")).to_contain_text("new.person@example.org")
