"""A steering review in the browser (issue 11): a committee member plans it, holds it (the pack frozen), takes a
decision from its agenda that moves the record through its own workflow, gives an action item, mails the pack
and closes the meeting; the frozen pack still shows what it showed after the data has changed."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import covers, pick
from tests.conftest import PASSWORD
from tracker.action_plans.models import PlanStatus
from tracker.auth.roles import Role
from tracker.db import utcnow
from tracker.proposals.models import Proposal, ProposalStatus
from tracker.reminders.models import Notification

pytestmark = pytest.mark.browser


@covers("reviews.create", "reviews.update", "reviews.move", "reviews.decide", "reviews.add_action_item",
        "reviews.mail_pack", "reviews.move_action_item")
def test_a_committee_member_decides_in_a_review_and_the_pack_stays_as_it_was(page, live_server, sign_in, no_reload,
                                                                             db, make_user, make_proposal, make_plan):
    make_user(Role.STEERING, email="stella@example.org", name="Stella Steering")
    make_user(Role.PROCESS_GROUP, email="sam@example.org", name="Sam Process")
    make_proposal(ProposalStatus.ESCALATED, title="Incident timelines", escalated_on=utcnow().date())
    make_plan(PlanStatus.IN_REVIEW, title="Estimation with history")
    today = utcnow().date()
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))  # holding and closing ask
    sign_in("stella@example.org", PASSWORD)

    page.goto(f"{live_server}/reviews/")
    page.get_by_role("link", name="Plan a review").click()
    page.get_by_label("Title").fill("Fourth-quarter review")
    pick(page.get_by_label("Attendees"), "sam", "Sam Process <sam@example.org>")
    page.get_by_role("button", name="Remove Stella Steering <stella@example.org>").click()  # Sam alone
    page.get_by_label("Period under review, from").fill(str(today + timedelta(days=1)))  # after its end
    page.get_by_role("button", name="Plan the review").click()
    expect(page.locator(".field.invalid")).to_contain_text("The period must end after it begins.")  # beside the field
    expect(page.get_by_label("Title")).to_have_value("Fourth-quarter review")  # what was typed is kept
    page.get_by_label("Period under review, from").fill(str(today - timedelta(days=90)))
    page.get_by_role("button", name="Plan the review").click()
    expect(page.locator("h1")).to_have_text("Fourth-quarter review")
    expect(page.locator("#pack")).to_contain_text("Incident timelines")  # the agenda, built from the data

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Title").fill("Fourth-quarter steering review")
    pick(page.get_by_label("Attendees"), "stel", "Stella Steering <stella@example.org>")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("h1")).to_have_text("Fourth-quarter steering review")
    expect(page.locator("#meeting-facts")).to_contain_text("Sam Process, Stella Steering")
    expect(page.locator("#chart-flow .main-svg").first).to_be_attached()  # the page's scripts have run
    no_reload.set()

    page.get_by_role("button", name="Hold the meeting (freeze the pack)").click()
    expect(page.locator("h1")).to_be_visible()
    assert any(question.startswith("Holding the meeting freezes the pack") for question in asked), asked
    expect(page.locator("#meeting-status")).to_have_text("Held")
    expect(page.locator("#pack-title")).to_have_text("The pack as the committee saw it")
    decision = page.locator("#decisions-to-take .decision", has_text="Incident timelines")
    decision.get_by_role("button", name="Reject").click()  # a rejection needs its reason
    expect(decision.locator(".field.invalid")).to_contain_text("rationale is required")
    decision.get_by_label("Rationale").fill("Not this year: no budget for the tool.")
    decision.get_by_role("button", name="Defer").click()
    expect(page.locator("#decision-list")).to_contain_text("Incident timelines")
    expect(page.locator("#decision-list")).to_contain_text("Deferred")
    expect(page.locator("#decisions-to-take")).not_to_contain_text("Incident timelines")

    items = page.locator("#action-items")
    items.get_by_text("Give an action item").click()
    items.get_by_label("Action").fill("Price the incident timeline tool")
    items.get_by_label("Owner").fill("Sam Process")  # typed as its exact name: resolved like a picked suggestion
    items.get_by_label("Due").fill(str(today + timedelta(days=30)))
    items.get_by_role("button", name="Give the action item").click()
    expect(page.locator("#action-item-list")).to_contain_text("Price the incident timeline tool")
    expect(page.locator("#action-items details.add").locator("textarea, input:not([type=hidden]):not([type=date])").first).to_have_value("")  # open for the next one, and empty

    page.get_by_role("button", name="Mail the pack to the attendees").click()
    expect(page.locator("#meeting-notice")).to_have_text("The pack went to 2 attendees.")
    no_reload.check()

    # The data moves on: the proposal was decided, another is escalated. The frozen pack shows what it showed.
    make_proposal(ProposalStatus.ESCALATED, title="Tool budget for 2027")
    page.reload()
    expect(page.locator("#chart-flow .main-svg").first).to_be_attached()  # the frozen charts draw too
    expect(page.locator("#pack")).to_contain_text("Incident timelines")
    expect(page.locator("#pack")).not_to_contain_text("Tool budget for 2027")
    expect(page.locator("#decisions-to-take")).to_contain_text("Tool budget for 2027")  # the live list has it
    db.expire_all()
    decided = db.exec(select(Proposal).where(Proposal.title == "Incident timelines")).one()
    assert decided.status == ProposalStatus.DEFERRED and decided.decision_rationale.startswith("Not this year")
    assert len(db.exec(select(Notification).where(Notification.rule == "review_pack")).all()) == 2

    no_reload.set()
    page.get_by_label("Minutes (required to close)").fill("Deferred the incident timelines; Sam prices the tool.")
    page.get_by_role("button", name="Close with the minutes").click()
    expect(page.locator("#meeting-status")).to_have_text("Closed")
    expect(page.locator("#meeting-facts")).to_contain_text("Sam prices the tool")
    no_reload.check()
    page.goto(f"{live_server}/proposals/{decided.id}")
    expect(page.locator("body")).to_contain_text("Deferred")
    expect(page.get_by_role("link", name="Fourth-quarter steering review")).to_be_visible()  # where it was decided

    # Its owner works the action item from the review's page.
    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/reviews/")
    page.get_by_role("link", name="Fourth-quarter steering review").click()
    no_reload.set()
    page.locator("#action-item-list").get_by_role("button", name="Start").click()
    expect(page.locator("#action-item-list")).to_contain_text("In progress")
    no_reload.check()
