"""The improvement pipeline in Chromium, role by role: a member proposes, the process group accepts it and
writes a plan, the steering committee approves, the member completes a commitment, a pilot is adopted,
and every page shows where its record came from and what it led to."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import pick
from tests.conftest import PASSWORD
from tracker.assets.models import AssetKind, AssetVersion, ProcessAsset
from tracker.auth.roles import Role

pytestmark = pytest.mark.browser


@pytest.mark.heavy
def test_proposal_to_adopted_pilot(page, live_server, sign_in, make_user, make_objective, make_project, db):
    make_user(Role.MEMBER, email="mia@example.org", name="Mia Member")
    sepg = make_user(Role.PROCESS_GROUP, email="sam@example.org", name="Sam Process")
    make_user(Role.STEERING, email="stella@example.org", name="Stella Steering")
    make_objective(name="Fewer escaped defects")
    pay = make_project(code="PAY")
    asset = ProcessAsset(title="Peer review procedure", kind=AssetKind.PROCEDURE, owner_id=sepg.id)
    db.add(asset)
    db.flush()
    db.add(AssetVersion(asset_id=asset.id, label="1.1"))
    db.commit()

    def sign_out():
        page.get_by_role("button", name="Sign out").click()

    # A member submits a proposal.
    sign_in("mia@example.org", PASSWORD)
    page.get_by_role("link", name="Proposals").click()
    page.get_by_role("link", name="Submit a proposal").click()
    page.get_by_label("Title").fill("Checklist-driven peer reviews")
    page.get_by_label("Problem or opportunity").fill("Defects escape our reviews.")
    page.get_by_label("Proposed change").fill("Review with checklists.")
    page.locator("#f-source").select_option("lesson_learned")
    pick(page.get_by_label("Business objectives served"), "fewer", "Fewer escaped defects")
    page.get_by_role("button", name="Submit proposal").click()
    expect(page.locator("#proposal-status")).to_have_text("Submitted")
    proposal_url = page.url
    sign_out()

    # The process group triages it and writes a plan with the member on the team.
    sign_in("sam@example.org", PASSWORD)
    page.goto(proposal_url)
    page.get_by_role("button", name="Start review").click()
    expect(page.locator("#proposal-status")).to_have_text("Under review")
    page.get_by_role("button", name="Accept").click()
    expect(page.locator("#proposal-status")).to_have_text("Accepted")
    page.get_by_role("link", name="Write an action plan for it").click()
    page.get_by_label("Title").fill("Checklist reviews plan")
    page.get_by_label("Objective of the plan").fill("Catch defects in review.")
    page.get_by_label("Success measure").fill("Escaped defects per release")
    page.locator("#f-success_target").fill("<= 5")
    page.get_by_label("Planned start").fill("2026-04-01")
    page.get_by_label("Planned end").fill("2026-12-31")
    page.get_by_role("button", name="Create plan").click()
    expect(page.locator("#plan-status")).to_have_text("Draft")
    plan_url = page.url
    page.get_by_text("Add someone to the team").click()
    page.locator("#team").get_by_label("Person").fill("Mia Member")  # typed as its exact name: resolved like a picked suggestion
    page.get_by_label("Role on the team").fill("checklist author")
    page.get_by_role("button", name="Add to team").click()
    expect(page.locator("#team")).to_contain_text("Mia Member — checklist author")
    page.get_by_text("Propose a commitment").click()
    page.get_by_label("New commitment").fill("Draft the design checklist")
    page.locator("#commitments").get_by_label("Owner").fill("Mia Member")  # typed as its exact name: resolved like a picked suggestion
    page.locator("#commitments").get_by_label("Due").fill("2027-06-30")
    page.get_by_role("button", name="Propose commitment").click()
    expect(page.locator("#commitments")).to_contain_text("Draft the design checklist")
    expect(page.locator("#commitments")).to_contain_text("awaiting Mia Member")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#plan-status")).to_have_text("In review")
    sign_out()

    # The steering committee approves it.
    sign_in("stella@example.org", PASSWORD)
    page.goto(plan_url)
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#plan-status")).to_have_text("Approved")
    expect(page.get_by_role("link", name="revision 1")).to_be_visible()
    sign_out()

    # The member accepts the commitment offered to her, then completes it.
    sign_in("mia@example.org", PASSWORD)
    page.get_by_role("link", name="My commitments").click()
    page.locator("#to-answer").get_by_role("link", name="Draft the design checklist").click()
    page.get_by_role("button", name="Accept").click()
    expect(page.locator("#commitment-status")).to_have_text("Open")
    page.get_by_role("link", name="My commitments").click()
    row = page.locator("tr", has_text="Draft the design checklist")
    row.get_by_role("button", name="Done").click()
    expect(page.locator("#my-commitments")).to_contain_text("Nothing on your list")
    sign_out()

    # The process group runs a pilot of the new procedure version.
    sign_in("sam@example.org", PASSWORD)
    page.goto(plan_url)
    expect(page.locator("#commitments")).to_contain_text("1/1 done")
    page.get_by_role("button", name="Start implementing").click()
    expect(page.locator("#plan-status")).to_have_text("In progress")
    page.get_by_role("link", name="Plan a pilot").click()
    page.get_by_label("Title").fill("Checklists on PAY")
    pick(page.get_by_label("Asset versions on trial"), "peer rev", "Peer review procedure 1.1")  # a draft on trial
    pick(page.get_by_label("Pilot projects"), "pay", f"PAY · {pay.name}")
    page.get_by_label("Success measure").fill("Defects found in review per KLOC")
    page.locator("#f-target").fill(">= 3")
    page.locator("#f-start_date").fill("2026-05-01")
    page.locator("#f-end_date").fill("2026-08-31")
    page.get_by_role("button", name="Create pilot").click()
    page.get_by_role("button", name="Start pilot").click()
    page.get_by_role("button", name="Evaluate results").click()
    expect(page.locator("#pilot-status")).to_have_text("Evaluating")
    pilot_url = page.url
    sign_out()

    # The steering committee decides to adopt it.
    sign_in("stella@example.org", PASSWORD)
    page.goto(pilot_url)
    page.get_by_label("Decision").select_option("adopt")
    page.get_by_label("Rationale").fill("Target met on PAY.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("#pilot-decision")).to_contain_text("Adopt")

    # Traceability, both ways, on each page.
    expect(page.get_by_role("link", name="Checklist reviews plan")).to_be_visible()
    expect(page.get_by_role("link", name="Peer review procedure 1.1")).to_be_visible()
    page.goto(plan_url)
    expect(page.get_by_role("link", name="Checklists on PAY")).to_be_visible()
    expect(page.locator(".facts").get_by_role("link", name="Checklist-driven peer reviews")).to_be_visible()
    page.goto(proposal_url)
    expect(page.locator(".trace").get_by_role("link", name="Checklist reviews plan")).to_be_visible()
    expect(page.locator(".trace").get_by_role("link", name="Checklists on PAY")).to_be_visible()
    expect(page.locator(".trace").get_by_role("link", name="Peer review procedure 1.1")).to_be_visible()
    page.get_by_role("link", name="Peer review procedure 1.1").click()
    expect(page.locator(".trace").get_by_role("link", name="Checklists on PAY")).to_be_visible()
