"""Deployment and experience in Chromium: a lead logs tailoring for their project (and is refused for
another), the process group approves it, deploys to five projects and updates their status, releases a new
version and sees the drift, and converts a lesson into a proposal."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import pick
from tests.conftest import PASSWORD
from tracker.auth.roles import Role

pytestmark = pytest.mark.browser


@pytest.mark.heavy
def test_tailoring_deployment_drift_and_lesson(page, live_server, sign_in, make_user, make_project, make_released,
                                               signed_off):
    projects = [make_project(code=code) for code in ("MINE", "P2", "P3", "P4", "P5")]
    other = make_project(code="OTHER")
    make_user(Role.PROJECT_LEAD, email="leo@example.org", name="Leo Lead", leads=[projects[0]])
    make_user(Role.PROCESS_GROUP, email="sam@example.org", name="Sam Process")
    make_user(Role.MEMBER, email="mia@example.org", name="Mia Member")
    review = make_released("1.0", title="Peer review procedure")
    signed_off(make_released("1.1", asset=review.asset, status="draft"))  # sign-off: test_browser_documents.py

    def sign_out():
        page.get_by_role("button", name="Sign out").click()

    # The lead logs tailoring for their own project...
    sign_in("leo@example.org", PASSWORD)
    page.goto(f"{live_server}/projects/{projects[0].id}")
    page.get_by_role("link", name="Log tailoring").click()
    pick(page.get_by_label("Asset version tailored"), "peer", "Peer review procedure 1.0")
    page.get_by_label("Element tailored").fill("Design review")
    page.locator("#f-type").select_option("omit")
    page.get_by_label("Rationale").fill("The design is bought in.")
    page.get_by_role("button", name="Log tailoring").click()
    expect(page.locator("#tailoring-status")).to_have_text("Requested")
    tailoring_url = page.url
    # ...and is refused for another project, even when the request is made by hand.
    page.goto(f"{live_server}/projects/{other.id}")
    expect(page.get_by_role("link", name="Log tailoring")).to_have_count(0)
    status = page.evaluate("""async ([projectId, versionId]) => {
        const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
        const body = new URLSearchParams({project_id: projectId, asset_version_id: versionId, element: "x",
                                          type: "omit", rationale: "x", tailored_on: "2026-04-01"});
        const response = await fetch("/tailoring/", {method: "POST", body, headers: {"X-CSRFToken": token}});
        return response.status;
    }""", [str(other.id), str(review.id)])
    assert status == 403
    sign_out()

    # The process group approves it and deploys the procedure to five projects.
    sign_in("sam@example.org", PASSWORD)
    page.goto(tailoring_url)
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#tailoring-status")).to_have_text("Approved")
    page.get_by_role("link", name="Deployments").click()
    page.get_by_role("link", name="Plan a deployment").click()
    page.get_by_label("Title").fill("Peer reviews everywhere")
    pick(page.get_by_label("Released asset versions to deploy"), "peer", "Peer review procedure 1.0")
    for project in projects:
        pick(page.get_by_label("Target projects"), project.code, f"{project.code} · {project.name}")
    page.get_by_label("Target date").fill("2026-09-30")
    page.get_by_role("button", name="Plan deployment").click()
    rows = page.locator("table.rows tbody tr")
    expect(rows).to_have_count(5)
    first = rows.filter(has_text="MINE")
    first.get_by_role("button", name="Start").click()
    expect(first.locator(".badge:not(.overdue)")).to_have_text("In progress")
    first.get_by_role("button", name="Deployed").click()
    expect(first.locator(".badge:not(.overdue)")).to_have_text("Deployed")
    page.once("dialog", lambda dialog: dialog.accept())  # verified is final: it asks first
    first.get_by_role("button", name="Verify").click()
    expect(first.locator(".badge:not(.overdue)")).to_have_text("Verified")
    page.get_by_role("link", name="Deployments").click()
    page.get_by_role("link", name="Deployment status of each project").click()
    expect(page.locator("#status-counts")).to_contain_text("Planned: 4")
    expect(page.locator("#status-counts")).to_contain_text("Verified: 1")

    # A new version is released: the project running 1.0 shows as drift, and gets it in one step.
    page.get_by_role("link", name="Peer review procedure").first.click()
    page.get_by_role("button", name="Release 1.1").click()
    drift = page.locator("#drift")
    expect(drift).to_contain_text("MINE runs 1.0")
    drift.get_by_role("button", name="Deploy 1.1 to these projects").click()
    expect(page.locator("table.rows tbody tr")).to_have_count(1)
    expect(page.locator("table.rows")).to_contain_text("Peer review procedure 1.1")
    sign_out()

    # A member logs a lesson; the process group converts it into a proposal.
    sign_in("mia@example.org", PASSWORD)
    page.get_by_role("link", name="Lessons").click()
    page.get_by_role("link", name="Log a lesson").click()
    page.get_by_label("Lesson in a line").fill("Reviews found design defects late")
    page.locator("#f-polarity").select_option("negative")
    page.get_by_label("What happened").fill("Design defects reached testing.")
    page.get_by_label("Recommendation").fill("Review designs before coding.")
    page.get_by_role("button", name="Log lesson").click()
    expect(page.locator("#lesson-status")).to_have_text("New")
    lesson_url = page.url
    sign_out()
    sign_in("sam@example.org", PASSWORD)
    page.goto(lesson_url)
    page.get_by_role("button", name="Convert to an improvement proposal").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reviews found design defects late")
    expect(page.get_by_role("link", name="Reviews found design defects late")).to_be_visible()


def test_member_proposes_an_improvement_from_a_noncompliance(page, live_server, sign_in, make_user, make_project,
                                                             make_audit):
    make_user(Role.MEMBER, email="mia@example.org", name="Mia Member")
    audit = make_audit(make_project(code="PAY"), noncompliance_owner=make_user(Role.PROJECT_LEAD))
    sign_in("mia@example.org", PASSWORD)
    page.goto(f"{live_server}/compliance/{audit.id}")
    page.get_by_role("link", name="Propose an improvement").click()
    expect(page.get_by_label("Problem or opportunity")).to_have_value("No peer review records")
    expect(page.locator("#f-source")).to_have_value("compliance_audit")
    page.get_by_label("Title").fill("Peer review records in the tool")
    page.get_by_role("button", name="Submit proposal").click()
    expect(page.locator(".field.invalid")).to_have_count(1)  # told what is missing, and only that
    expect(page.locator(".field.invalid")).to_contain_text("Proposed change")
    expect(page.get_by_label("Title")).to_have_value("Peer review records in the tool")  # nothing typed is lost
    page.get_by_label("Proposed change").fill("Record reviews in the review tool, not on paper.")
    page.get_by_role("button", name="Submit proposal").click()
    expect(page.locator("#proposal-status")).to_have_text("Submitted")
    page.get_by_role("link", name="PAY audit 2026-09-01: No peer review records").click()
    expect(page.locator("tr[id^=nc-]")).to_contain_text("Submitted")
    expect(page.get_by_role("link", name="Proposal #1")).to_be_visible()
