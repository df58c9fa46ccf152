"""Issue 13, parts 3 and 4: a save made in place says what it did where screen readers hear it, the focus goes to
the updated section (or the first field in error), an open add form stays open for the next entry, and a move
no move undoes asks first."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import covers, pick
from tests.conftest import PASSWORD
from tracker.action_plans.models import PlanStatus
from tracker.auth.roles import Role
from tracker.proposals.models import ProposalStatus

pytestmark = pytest.mark.browser


@covers("plan_work.add_commitment")
def test_adding_in_place_says_so_and_keeps_the_focus_in_the_section(page, live_server, sign_in, no_reload,
                                                                      make_user, make_plan):
    make_user(Role.PROCESS_GROUP, email="sam@example.org", name="Sam Process")
    plan = make_plan(PlanStatus.IN_PROGRESS, title="Checklist reviews")
    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/plans/{plan.id}")
    no_reload.set()
    commitments = page.locator("#commitments")
    commitments.get_by_text("Propose a commitment").click()
    commitments.get_by_role("button", name="Propose commitment").click()  # nothing filled in
    expect(commitments.get_by_label("New commitment")).to_be_focused()  # the first field in error
    expect(page.locator("#messages")).not_to_contain_text("Commitment proposed")

    commitments.get_by_label("New commitment").fill("Draft the design checklist")
    commitments.get_by_label("Owner").fill("Sam Process")  # typed as its exact name: resolved like a picked suggestion
    commitments.get_by_label("Due").fill("2026-12-15")
    commitments.get_by_role("button", name="Propose commitment").click()
    expect(page.locator("#messages[aria-live=polite]")).to_contain_text("Commitment proposed.")
    expect(commitments.locator("h2")).to_be_focused()  # the updated section's heading
    expect(commitments.get_by_label("New commitment")).to_be_visible()  # still open, for the next one
    expect(commitments.get_by_label("New commitment")).to_have_value("")
    no_reload.check()


@covers("proposals.move")
def test_a_final_move_asks_first_and_does_nothing_when_declined(page, live_server, sign_in, no_reload, make_user,
                                                                  make_proposal):
    make_user(Role.PROCESS_GROUP, email="sam@example.org")
    make_proposal(ProposalStatus.SUBMITTED, title="The original idea")
    proposal = make_proposal(ProposalStatus.SUBMITTED, title="The same idea again")
    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/proposals/{proposal.id}")
    no_reload.set()
    page.get_by_label("Duplicate of (for Mark duplicate)").fill("The original idea")  # typed as its exact name: resolved like a picked suggestion
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Mark duplicate").click()
    expect(page.locator("#proposal-status")).to_have_text("Submitted")  # declined: nothing happened
    assert questions == ["“Mark duplicate” is final: it cannot be undone."]
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Mark duplicate").click()
    expect(page.locator("#proposal-status")).to_have_text("Duplicate")
    expect(page.locator("#messages")).to_contain_text("Status changed to duplicate.")
    no_reload.check()


def test_choosing_several_from_a_long_list_by_keyboard(page, live_server, sign_in, make_user, make_objective):
    """Part 5: the 44 process areas are a list of checkboxes with a box that narrows them; what is chosen shows as
    chips that take it off again; all of it from the keyboard."""
    make_user(Role.MEMBER, email="mia@example.org")
    make_objective(name="Fewer escaped defects")
    sign_in("mia@example.org", PASSWORD)
    page.goto(f"{live_server}/proposals/new")
    areas = page.get_by_role("group", name="Process areas affected")
    expect(areas.get_by_role("checkbox")).to_have_count(44)
    narrow = areas.get_by_role("searchbox", name="Narrow the list: Process areas affected")
    narrow.fill("process focus")
    expect(areas.locator("label:visible")).to_have_count(2)  # CMMI's OPF and the IT Service CMM's
    narrow.press("Tab")
    page.keyboard.press("Space")  # the first one left: checked from the keyboard
    chips = areas.get_by_role("list", name="Chosen")
    expect(chips.get_by_role("button")).to_have_count(1)
    expect(chips).to_contain_text("OPF")
    chips.get_by_role("button").first.press("Enter")  # the chip takes it off again
    expect(areas.get_by_role("checkbox", checked=True)).to_have_count(0)
    expect(chips).to_be_hidden()

    pick(page.get_by_label("Business objectives served"), "escaped", "Fewer escaped defects")
    page.get_by_label("Title").fill("Checklists for design reviews")
    page.get_by_label("Problem or opportunity").fill("Design reviews miss the same defects")
    page.get_by_label("Proposed change").fill("A checklist per review")
    page.locator("#f-source").select_option(label="Lesson learned")
    page.get_by_role("button", name="Submit proposal").click()
    expect(page.locator("main")).to_contain_text("Fewer escaped defects")  # what was chosen was saved
    expect(page.locator("#messages")).to_contain_text("Proposal submitted.")


@covers("proposals.move", "deployments.move_row")
def test_a_whole_page_or_a_row_updated_in_place_keeps_the_reader_oriented(page, live_server, sign_in, no_reload,
                                                                            make_user, make_proposal, make_project,
                                                                            make_released, make_deployment):
    from tracker.deployments.models import RowStatus
    make_user(Role.PROCESS_GROUP, email="sam@example.org")
    proposal = make_proposal(ProposalStatus.SUBMITTED, title="Checklists everywhere")
    project = make_project(code="PAY")
    make_deployment([project], [make_released("1.0", title="Peer review procedure")], status=RowStatus.PLANNED)
    sign_in("sam@example.org", PASSWORD)
    page.set_viewport_size({"width": 1000, "height": 500})
    page.goto(f"{live_server}/proposals/{proposal.id}")
    no_reload.set()
    page.get_by_role("button", name="Start review").click()
    expect(page.locator("#proposal-status")).to_have_text("Under review")
    expect(page.locator("h1")).to_be_focused()  # the page changed whole: its title, at the top
    expect(page.locator("#messages")).to_contain_text("Status changed to under review.")
    expect(page.locator("#messages")).to_be_in_viewport()
    page.once("dialog", lambda dialog: dialog.accept())  # final: it asks first
    page.get_by_role("button", name="Reject").click()  # without the rationale it needs
    expect(page.get_by_label("Rationale (required to reject or defer)")).to_be_focused()
    expect(page.locator("#messages")).not_to_contain_text("Status changed")  # refused: nothing new said
    no_reload.check()

    page.goto(f"{live_server}/deployments/rows")
    no_reload.set()
    row = page.locator("tbody tr", has_text="PAY")
    row.get_by_role("button", name="Start").click()
    moved = page.locator("tbody tr", has_text="PAY")
    expect(moved).to_contain_text("In progress")
    expect(moved).to_be_focused()  # the row it changed
    expect(page.locator("#messages")).to_contain_text("Status changed to in progress.")
    no_reload.check()
