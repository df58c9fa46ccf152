"""Every button and section form that posts with htmx shows its result at once: the new or changed record is
on the page without a reload, and the form it came from is empty or closed again."""

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import covers, pick
from tests.conftest import PASSWORD
from tracker.action_plans.models import PlanStatus
from tracker.auth.roles import Role
from tracker.deployments.models import RowStatus

pytestmark = pytest.mark.browser


@covers("plans.add_member", "plans.remove_member", "plan_work.add_commitment", "plan_work.move_commitment",
        "plan_work.raise_issue", "plan_work.move_issue", "plan_work.record_joint_review")
def test_plan_page_sections(page, live_server, sign_in, no_reload, make_user, make_plan):
    make_user(Role.PROCESS_GROUP, email="sam@example.org", name="Sam Process")
    make_user(Role.MEMBER, name="Mia Member")
    plan = make_plan(PlanStatus.IN_PROGRESS, title="Checklist reviews")
    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/plans/{plan.id}")
    no_reload.set()

    team = page.locator("#team")
    team.get_by_text("Add someone to the team").click()
    team.get_by_label("Person").fill("Mia Member")  # typed as its exact name: resolved like a picked suggestion
    team.get_by_label("Role on the team").fill("checklist author")
    team.get_by_role("button", name="Add to team").click()
    expect(team).to_contain_text("Mia Member — checklist author")
    expect(team.get_by_label("Role on the team")).to_have_value("")
    page.once("dialog", lambda dialog: dialog.accept())  # taking someone off the team asks first
    team.locator("li", has_text="Mia Member").get_by_role("button", name="remove").click()
    expect(team).not_to_contain_text("Mia Member — checklist author")

    commitments = page.locator("#commitments")
    commitments.get_by_text("Propose a commitment").click()
    commitments.get_by_label("New commitment").fill("Draft the design checklist")
    commitments.get_by_label("Owner").fill("Sam Process")  # typed as its exact name: resolved like a picked suggestion
    commitments.get_by_label("Due").fill("2026-12-15")
    commitments.get_by_role("button", name="Propose commitment").click()  # to himself, for the plan: agreed
    row = commitments.locator("tr", has_text="Draft the design checklist")
    expect(row).to_contain_text("2026-12-15")
    expect(commitments.get_by_label("New commitment")).to_have_value("")
    expect(page.locator("#plan-facts")).to_contain_text("0/1 done")  # the plan's progress line, out of band
    row.get_by_role("button", name="Done").click()
    expect(commitments.locator("tr", has_text="Draft the design checklist")).to_contain_text("Done")
    expect(page.locator("#plan-facts")).to_contain_text("1/1 done")

    issues = page.locator("#issues")
    issues.get_by_text("Raise an issue").click()
    issues.locator("#f-issue-title").fill("Review tool has no checklist support")
    issues.get_by_label("Owner").fill("Sam Process")  # typed as its exact name: resolved like a picked suggestion
    issues.get_by_role("button", name="Raise issue").click()
    issue = issues.locator("tr", has_text="Review tool has no checklist support")
    expect(issue).to_contain_text("Open")
    expect(issues.locator("#f-issue-title")).to_have_value("")
    issue.get_by_placeholder("Resolution (to resolve)").fill("Plug-in installed")
    issue.get_by_role("button", name="Resolve").click()
    expect(issues.locator("tr", has_text="Review tool has no checklist support")).to_contain_text("Plug-in installed")

    reviews = page.locator("#joint-reviews")
    reviews.get_by_text("Record a joint review").click()
    reviews.get_by_label("Held on").fill("2026-11-02")
    reviews.get_by_label("Summary").fill("Checklist in use on PAY; reviewers find it long.")
    reviews.get_by_role("button", name="Record joint review").click()
    expect(page.locator("#joint-reviews")).to_contain_text("Checklist in use on PAY; reviewers find it long.")
    expect(page.locator("#joint-reviews")).not_to_contain_text("No joint reviews yet")
    expect(page.locator("#joint-reviews").get_by_label("Summary")).to_have_value("")
    no_reload.check()


@covers("plans.move", "plans.review")
def test_plan_review_and_status_change(page, live_server, sign_in, no_reload, make_user, make_plan):
    make_user(Role.STEERING, email="stella@example.org", name="Stella Steering")
    plan = make_plan(PlanStatus.IN_REVIEW, title="Estimation with history")
    sign_in("stella@example.org", PASSWORD)
    page.goto(f"{live_server}/plans/{plan.id}")
    no_reload.set()
    reviews = page.locator("#reviews")
    reviews.get_by_label("Your verdict").select_option("approve")
    reviews.get_by_label("Comment").fill("Scope is right.")
    reviews.get_by_role("button", name="Record review").click()
    expect(reviews).to_contain_text("Scope is right.")
    expect(page.locator("#reviews").get_by_label("Comment")).to_have_value("")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#plan-status")).to_have_text("Approved")
    no_reload.check()


@covers("proposals.comment", "proposals.move")
def test_proposal_comment_and_duplicate_of_which(page, live_server, sign_in, no_reload, make_user, make_proposal):
    make_user(Role.PROCESS_GROUP, email="sam@example.org", name="Sam Process")
    original = make_proposal(title="Checklist-driven peer reviews")
    copy = make_proposal(title="Peer review checklists for designs")
    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/proposals/{copy.id}")
    no_reload.set()
    comments = page.locator("#comments")
    comments.get_by_label("Add a comment").fill("Same as the checklist proposal.")
    comments.get_by_role("button", name="Comment").click()
    expect(comments).to_contain_text("Same as the checklist proposal.")
    expect(page.locator("#comments").get_by_label("Add a comment")).to_have_value("")
    page.get_by_label("Duplicate of (for Mark duplicate)").fill("Checklist-driven peer reviews")  # typed as its exact name: resolved like a picked suggestion
    page.once("dialog", lambda dialog: dialog.accept())  # a final status asks first
    page.get_by_role("button", name="Mark duplicate").click()
    expect(page.locator("#proposal-status")).to_have_text("Duplicate")
    expect(page.get_by_role("link", name=f"#{original.id} Checklist-driven peer reviews")).to_be_visible()
    no_reload.check()


@covers("assets.add_version", "assets.move_version", "assets.delete_version", "lessons.feedback")
def test_asset_versions_and_feedback(page, live_server, sign_in, no_reload, make_user, make_released, make_version,
                                     signed_off):
    make_user(Role.PROCESS_GROUP, email="sam@example.org", name="Sam Process")
    released = make_released("1.0", title="Peer review procedure")
    signed_off(make_version(released.asset, "1.1"))  # its content and sign-offs: tests/browser/test_browser_documents.py
    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/assets/{released.asset_id}")
    no_reload.set()
    versions = page.locator("#versions")
    versions.get_by_text("Add a draft version").click()
    versions.get_by_label("Version label").fill("2.0")
    versions.get_by_label("Change notes").fill("Adds the design checklist.")
    page.locator("#versions").get_by_role("button", name="Add draft").click()
    expect(page.locator("#versions tr", has_text="2.0")).to_contain_text("Draft")
    expect(page.locator("#versions").get_by_label("Version label")).to_have_value("")
    expect(page.locator("#feedback").get_by_label("Version")).to_contain_text("2.0")  # every section, not one
    expect(page.get_by_role("button", name="Release 2.0")).to_have_count(0)  # not signed off
    page.get_by_role("button", name="Release 1.1").click()
    expect(page.locator("#versions tr", has_text="1.1")).to_contain_text("Released")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#versions tr", has_text="2.0").get_by_role("button", name="Delete draft").click()
    expect(page.locator("#versions tr", has_text="2.0")).to_have_count(0)

    feedback = page.locator("#feedback")
    feedback.get_by_text("Give feedback").click()
    feedback.get_by_label("Rating").select_option("4")
    feedback.get_by_label("Comment").fill("The checklist saves time.")
    feedback.get_by_role("button", name="Send feedback").click()
    expect(page.locator("#feedback")).to_contain_text("The checklist saves time.")
    expect(page.locator("#feedback").get_by_label("Comment")).to_have_value("")
    no_reload.check()


@covers("compliance.record_results", "compliance.add_noncompliance", "compliance.move_noncompliance", "compliance.move")
def test_audit_results_noncompliances_and_completion(page, live_server, sign_in, no_reload, make_user,
                                                    make_project, make_released, make_deployment, make_audit):
    make_user(Role.PROCESS_GROUP, email="sam@example.org", name="Sam Process")
    project = make_project(code="PAY")
    make_deployment([project], [make_released("1.0", title="Peer review procedure")], status=RowStatus.DEPLOYED)
    audit = make_audit(project)
    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/compliance/{audit.id}")
    no_reload.set()
    page.get_by_label("Result for Peer review procedure").select_option("partially")
    page.get_by_label("Notes").fill("Two reviews without records")
    with page.expect_response(lambda response: response.url.endswith("/results")):
        page.get_by_role("button", name="Save results").click()
    expect(page.locator("main")).to_contain_text("Two reviews without records")  # in the history, once saved

    page.get_by_text("Record a noncompliance").click()
    page.get_by_label("Noncompliance").fill("Review records missing for two reviews")
    page.get_by_label("Owner").fill("Sam Process")  # typed as its exact name: resolved like a picked suggestion
    page.get_by_label("Due").fill(date.today().replace(year=date.today().year + 1).isoformat())
    page.get_by_role("button", name="Record noncompliance").click()
    row = page.locator("tr[id^=nc-]", has_text="Review records missing for two reviews")  # not its history's rows
    expect(row).to_contain_text("Open")
    row.get_by_placeholder("Resolution (to resolve)").fill("Records added")
    row.get_by_role("button", name="Resolve").click()
    expect(page.locator("tr[id^=nc-]", has_text="Review records missing for two reviews")).to_contain_text(
        "Records added")

    page.get_by_label("Summary").fill("Mostly compliant.")
    page.get_by_role("button", name="Complete").click()
    expect(page.locator("#audit-status")).to_have_text("Completed")
    no_reload.check()


@covers("deployments.move_row")
def test_deployment_row_moves_in_place(page, live_server, sign_in, no_reload, make_user, make_project,
                                       make_released, make_deployment):
    make_user(Role.PROCESS_GROUP, email="sam@example.org", name="Sam Process")
    deployment = make_deployment([make_project(code="PAY")], [make_released(title="Peer review procedure")])
    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/deployments/{deployment.id}")
    no_reload.set()
    row = page.locator("table.rows tbody tr", has_text="PAY")
    row.get_by_placeholder("Note (optional)").fill("Waiting for the team")
    row.get_by_role("button", name="Not applicable").click()  # no reason given: refused, nothing typed is lost
    expect(row).to_contain_text("Say why")
    expect(page.locator("table.rows tbody tr", has_text="PAY").get_by_placeholder("Note (optional)")).to_have_value(
        "Waiting for the team")
    row.get_by_placeholder("Note (optional)").fill("Kick-off booked")
    row.get_by_role("button", name="Start").click()
    expect(row.locator(".badge:not(.overdue)")).to_have_text("In progress")
    expect(page.locator("table.rows tbody tr", has_text="PAY")).to_contain_text("Kick-off booked")
    no_reload.check()


@covers("plan_work.move_commitment")
def test_my_commitments_done_in_place(page, live_server, sign_in, no_reload, make_user, make_plan, make_commitment):
    mia = make_user(Role.MEMBER, email="mia@example.org", name="Mia Member")
    make_commitment(make_plan(PlanStatus.IN_PROGRESS), mia, description="Trim the checklist",
                    due_date=date(2027, 1, 15))
    sign_in("mia@example.org", PASSWORD)
    page.get_by_role("link", name="My commitments").click()
    no_reload.set()
    page.locator("tr", has_text="Trim the checklist").get_by_role("button", name="Done").click()
    expect(page.locator("#my-commitments")).not_to_contain_text("Trim the checklist")
    no_reload.check()


@covers("lessons.move", "pilots.move", "tailoring.review")
def test_status_changes_show_at_once(page, live_server, sign_in, no_reload, make_user, make_lesson, make_plan,
                                     make_pilot, make_tailoring, make_project, make_released):
    make_user(Role.PROCESS_GROUP, email="sam@example.org", name="Sam Process")
    lesson = make_lesson(title="Reviews found design defects late")
    pilot = make_pilot(make_plan(PlanStatus.IN_PROGRESS), status="planned")
    record = make_tailoring(make_project(), make_released())
    sign_in("sam@example.org", PASSWORD)
    for url, button, locator, expected in [
        (f"/lessons/{lesson.id}", "Mark reviewed", "#lesson-status", "Reviewed"),
        (f"/pilots/{pilot.id}", "Start pilot", "#pilot-status", "Running"),
        (f"/tailoring/{record.id}", "Approve", "#tailoring-status", "Approved"),
    ]:
        page.goto(live_server + url)
        no_reload.set()
        page.get_by_role("button", name=button).click()
        expect(page.locator(locator)).to_have_text(expected)
        no_reload.check()


@covers("proposals.save_weights")
def test_priority_weights_save(page, live_server, sign_in, make_user):
    make_user(Role.ADMIN, email="ada@example.org", name="Ada Admin")
    sign_in("ada@example.org", PASSWORD)
    page.goto(f"{live_server}/proposals/priority-weights")
    page.get_by_label("Weight of expected benefit (0–10)").fill("7")
    page.get_by_role("button", name="Save weights").click()
    expect(page).to_have_url(f"{live_server}/proposals/")  # redirected to the list the weights re-scored
    expect(page.locator("#messages")).to_contain_text("Weights saved")


@covers("plan_work.answer_commitment", "plan_work.counter_commitment", "plan_work.renegotiate_commitment",
        "plan_work.link_commitment", "plan_work.unlink_commitment")
def test_a_commitment_negotiated_in_place(page, live_server, sign_in, no_reload, make_user, make_plan,
                                          make_commitment):
    """Proposed by the process group, countered by its owner, agreed by the plan's owner, renegotiated later; and
    linked to what it waits for on another plan. Each answer shows on the page without a reload."""
    sam = make_user(Role.PROCESS_GROUP, email="sam@example.org", name="Sam Process")
    olga = make_user(Role.PROCESS_GROUP, email="olga@example.org", name="Olga Owner")
    mia = make_user(Role.MEMBER, email="mia@example.org", name="Mia Member")
    plan = make_plan(PlanStatus.IN_PROGRESS, title="Checklist reviews", owner_id=olga.id, team=[mia])
    tool = make_commitment(make_plan(PlanStatus.IN_PROGRESS, title="Tool roll-out"), owner=sam,
                           description="Install the review tool", due_date=date(2026, 3, 31))

    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/plans/{plan.id}")
    commitments = page.locator("#commitments")
    commitments.get_by_text("Propose a commitment").click()
    commitments.get_by_label("New commitment").fill("Draft the design checklist")
    commitments.get_by_label("Owner").fill("Mia Member")  # typed as its exact name: resolved like a picked suggestion
    commitments.get_by_label("Due").fill("2027-06-30")
    commitments.get_by_role("button", name="Propose commitment").click()
    expect(commitments.locator("tr", has_text="Draft the design checklist")).to_contain_text("awaiting Mia Member")

    sign_in("mia@example.org", PASSWORD)
    page.goto(f"{live_server}/plans/{plan.id}")
    page.get_by_role("link", name="Draft the design checklist", exact=True).click()
    no_reload.set()
    page.get_by_text("Counter with other terms").click()
    page.locator("#f-counter-due_date").fill("2027-07-31")
    page.locator("#f-counter-reason").fill("The design phase ends in July")
    page.get_by_role("button", name="Counter").click()
    expect(page.locator("#commitment-awaiting")).to_contain_text("awaiting the plan's answer")
    expect(page.locator("#terms-list")).to_contain_text("The design phase ends in July")
    no_reload.check()

    sign_in("olga@example.org", PASSWORD)
    page.goto(f"{live_server}/plans/{plan.id}")
    page.get_by_role("link", name="Draft the design checklist", exact=True).click()
    no_reload.set()
    page.locator("#f-answer-comment").fill("July it is")
    page.get_by_role("button", name="Agree").click()
    expect(page.locator("#commitment-status")).to_have_text("Open")
    expect(page.locator("#commitment-due")).to_contain_text("2027-07-31")
    expect(page.locator("#pending-terms")).to_have_count(0)

    page.get_by_text("Renegotiate its terms").click()
    page.locator("#f-renegotiate-due_date").fill("2027-08-31")
    page.locator("#f-renegotiate-reason").fill("Reviewers on leave in July")
    page.get_by_role("button", name="Offer new terms").click()
    expect(page.locator("#commitment-awaiting")).to_contain_text("awaiting Mia Member")
    expect(page.locator("#commitment-due")).to_contain_text("2027-07-31")  # the agreed date holds meanwhile

    pick(page.locator("#f-link-depends_on_id"), "review tool", f"Install the review tool — Tool roll-out (#{tool.id})")
    page.locator("#waits").get_by_role("button", name="Add").click()
    expect(page.locator("#waits")).to_contain_text("Install the review tool")
    expect(page.locator("#waits")).to_contain_text("Overdue")
    page.locator("#waits").get_by_role("button", name="No longer waits").click()
    expect(page.locator("#waits")).to_contain_text("Nothing on other plans.")
    no_reload.check()
