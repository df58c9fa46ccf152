"""Training and evidence of adoption in the browser (issue 12, part 6): the process group attaches training material
and records a session on the deployment's page; the lead reports their row deployed with evidence and sees who on
the project was trained on what; the auditor attaches evidence to a result; a noncompliance is attached to a proposal already raised. Each
shows without a reload."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import covers, pick
from tests.conftest import PASSWORD
from tracker.auth.roles import Role
from tracker.compliance.models import AuditResult, Compliance
from tracker.deployments.models import RowStatus

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@covers("deployments.add_material", "deployments.record_training", "deployments.move_row", "compliance.add_evidence")
def test_training_material_sessions_and_evidence(page, live_server, sign_in, no_reload, db, make_user, make_project,
                                                 make_released, make_deployment, make_audit):
    make_user(Role.PROCESS_GROUP, email="sam@example.org", name="Sam Process")
    leo = make_user(Role.PROJECT_LEAD, email="leo@example.org", name="Leo Lead")
    make_user(Role.MEMBER, email="mia@example.org", name="Mia Member")
    pay = make_project(code="PAY", leads=[leo])
    version = make_released("2.0", title="Peer review procedure")
    deployment = make_deployment([pay], [version], status=RowStatus.IN_PROGRESS, title="Peer reviews 2.0")
    ops = make_project(code="OPS")
    make_deployment([ops], [version], status=RowStatus.DEPLOYED)  # in the audit's scope
    audit = make_audit(ops)
    db.add(AuditResult(audit_id=audit.id, asset_version_id=version.id, result=Compliance.COMPLIANT))
    db.commit()

    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/deployments/{deployment.id}")
    no_reload.set()
    training = page.locator("#training")
    training.locator("summary", has_text="Attach material").click()
    training.get_by_label("What it is").fill("Kick-off slides")
    training.locator("#f-material-file").set_input_files(
        files=[{"name": "kick-off.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    training.get_by_role("button", name="Attach material").click()
    expect(page.locator("#training ul.evidence")).to_contain_text("kick-off.pdf")
    expect(page.locator("#training").get_by_label("What it is")).to_have_value("")

    page.locator("#training summary", has_text="Record a training session").click()
    page.locator("#training").get_by_label("For project").select_option(label="PAY")
    attended = page.locator("#training").get_by_label("Attended")
    pick(attended, "leo", "Leo Lead <leo@example.org>")
    pick(attended, "mia", "Mia Member <mia@example.org>")
    page.locator("#training").get_by_role("button", name="Record session").click()
    expect(page.locator("#training tbody tr")).to_contain_text("Leo Lead, Mia Member")
    expect(page.locator("#training .chips li")).to_have_count(0)
    no_reload.check()

    page.goto(f"{live_server}/compliance/{audit.id}")
    no_reload.set()
    page.locator("summary", has_text="Attach evidence to a result").click()
    page.locator("#add-evidence").get_by_label("Result").select_option(label="Peer review procedure 2.0")
    page.locator("#add-evidence").get_by_label("Link").fill("https://wiki.example/pay/reviews")
    page.locator("#add-evidence").get_by_role("button", name="Attach evidence").click()
    expect(page.locator("table.list").first).to_contain_text("wiki.example/pay/reviews")
    expect(page.locator("#add-evidence").get_by_label("Link")).to_have_value("")
    no_reload.check()

    sign_in("leo@example.org", PASSWORD)
    page.goto(f"{live_server}/projects/{pay.id}")
    expect(page.locator("#trained")).to_contain_text("Peer review procedure 2.0")
    expect(page.locator("#trained")).to_contain_text("Leo Lead, Mia Member")
    no_reload.set()
    row = page.locator("tr", has_text="Peer review procedure 2.0").filter(has=page.get_by_role("button", name="Deployed"))
    row.get_by_label("Note").fill("Used in every review since March")
    row.locator("summary", has_text="Evidence").click()
    row.get_by_label("File").set_input_files(files=[{"name": "review records.pdf", "mimeType": "application/pdf",
                                                     "buffer": PDF}])
    row.get_by_role("button", name="Deployed").click()
    updated = page.locator("tr", has_text="review records.pdf")
    expect(updated).to_contain_text("Deployed")
    expect(updated).to_contain_text("Used in every review since March")
    no_reload.check()


@covers("proposals.attach_source")
def test_a_noncompliance_attached_to_a_proposal_already_raised(page, live_server, sign_in, no_reload, make_user,
                                                               make_project, make_audit, make_proposal):
    from tracker.proposals.models import ProposalStatus
    make_user(Role.PROCESS_GROUP, email="sam@example.org", name="Sam Process")
    audit = make_audit(make_project(code="PAY"), noncompliance_owner=make_user(Role.MEMBER))
    proposal = make_proposal(ProposalStatus.UNDER_REVIEW, title="Lighter peer reviews")
    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/compliance/{audit.id}")
    no_reload.set()
    block = page.locator(".attach-source").first
    block.locator("summary").click()
    block.get_by_label("Proposal number").fill("999999")
    block.get_by_role("button", name="Attach").click()
    expect(page.locator(".attach-source").first).to_contain_text("There is no proposal #999999.")
    page.locator(".attach-source").first.get_by_label("Proposal number").fill(str(proposal.id))
    page.locator(".attach-source").first.get_by_role("button", name="Attach").click()
    expect(page.locator(".attach-source").first.get_by_role("link", name=f"Proposal #{proposal.id}")).to_be_visible()
    expect(page.locator(".attach-source").first.get_by_label("Proposal number")).not_to_be_visible()  # closed again
    no_reload.check()


@covers("lessons.attach")
def test_a_lesson_attached_to_a_proposal_already_raised(page, live_server, sign_in, no_reload, make_user, make_lesson,
                                                         make_proposal):
    from tracker.lessons.models import LessonStatus
    from tracker.proposals.models import ProposalStatus
    make_user(Role.PROCESS_GROUP, email="sam@example.org", name="Sam Process")
    lesson = make_lesson(title="Two-hour reviews lose the room", status=LessonStatus.REVIEWED)
    proposal = make_proposal(ProposalStatus.UNDER_REVIEW, title="Shorter design reviews")
    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/lessons/{lesson.id}")
    no_reload.set()
    field = page.get_by_label("Or attach it to a proposal already raised: its number")
    field.fill("999999")
    page.get_by_role("button", name="Attach to that proposal").click()
    expect(page.locator("#attach-lesson")).to_contain_text("There is no proposal #999999.")
    no_reload.check()  # refused in place, the number kept
    expect(page.get_by_label("Or attach it to a proposal already raised: its number")).to_have_value("999999")
    page.get_by_label("Or attach it to a proposal already raised: its number").fill(str(proposal.id))
    page.get_by_role("button", name="Attach to that proposal").click()
    page.wait_for_url(f"{live_server}/proposals/{proposal.id}")
    expect(page.locator("#proposal-behind")).to_contain_text("Two-hour reviews lose the room")
