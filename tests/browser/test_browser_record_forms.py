"""Every record form that posts with htmx: creating and editing end on the record's page, showing what was saved.

The forms are filled as their marks say: every field marked required gets a value (tests/test_forms_required.py
proves the marks match the input models), so a form that asks for something new needs no change here.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import covers
from tests.conftest import PASSWORD
from tracker.action_plans.models import PlanStatus
from tracker.assets.models import VersionStatus
from tracker.auth.roles import Role
from tracker.pilots.models import PilotStatus
from tracker.proposals.models import ProposalStatus

pytestmark = pytest.mark.browser
SAVED = "Saved from the browser"

LOOKUP_TYPED = {"person": "sam", "plan": "plan", "proposal": "pro", "project": "proj", "version": "peer"}  # what the world's records are called
SPECIAL = {"code": "NEW1", "email": "new.person@example.org", "password": "a brand new secret", "baseline": "14",
           "target": "5", "target_date": "2031-06-30"}


def fill_required(page, form) -> None:
    """Give every empty field marked required a plausible value; the first text field gets SAVED."""
    first_text = True
    for group in form.locator("fieldset.picker:has(legend span[aria-hidden=true])").all():
        if not group.locator("input[type=checkbox]:checked").count():  # choosing several: the first will do
            group.locator("input[type=checkbox]").first.check()
    for label in form.locator("label:has(span[aria-hidden=true])").all():
        field = form.locator(f"#{label.get_attribute('for')}")
        name, tag = field.get_attribute("name"), field.evaluate("e => e.tagName.toLowerCase()")
        kind = field.get_attribute("type") or ""
        lookup = form.locator(f".lookup:has(#{label.get_attribute('for')})")
        if lookup.count():  # chosen by typing: the first suggestion for a few letters, unless one is chosen
            several = lookup.locator(".chips li").count()
            if not (field.input_value() or several):
                field.press_sequentially(LOOKUP_TYPED[lookup.get_attribute("data-lookup")])
                expect(lookup.locator("[role=option]").first).to_be_visible()
                field.press("ArrowDown")
                field.press("Enter")
        elif tag == "select":
            options = [o for o in field.locator("option").all() if o.get_attribute("value")]
            if field.evaluate("e => e.selectedOptions.length && e.value !== ''"):
                continue
            field.select_option(options[0].get_attribute("value"))
        elif name in SPECIAL:
            field.fill(SPECIAL[name])
        elif kind == "date":
            if not field.input_value():
                field.fill("2026-12-01")
        elif first_text:
            field.fill(SAVED)
            first_text = False
        elif not field.input_value():
            field.fill(f"Some {name.replace('_', ' ')}")


@pytest.fixture
def world(make_user, make_project, make_released, make_plan, make_proposal, make_objective, make_pilot,
          make_appraisal, make_lesson, make_audit, make_commitment, make_issue, make_deployment,
          make_tailoring, db):
    """Records the forms offer in their selects, and records to edit."""
    sepg = make_user(Role.PROCESS_GROUP, email="sam@example.org", name="Sam Process")
    make_user(Role.ADMIN, email="ada@example.org", name="Ada Admin")
    project = make_project(code="PAY")
    released = make_released(title="Peer review procedure")
    make_proposal(ProposalStatus.ACCEPTED, title="An accepted proposal")
    plan = make_plan(PlanStatus.IN_PROGRESS, owner_id=sepg.id)
    return {"project": project.id, "asset": released.asset_id, "objective": make_objective().id,
            "proposal": make_proposal(ProposalStatus.SUBMITTED).id, "plan": make_plan(PlanStatus.DRAFT).id,
            "pilot": make_pilot(plan, versions=[make_released(title="Estimation guideline")],
                                status=PilotStatus.PLANNED).id,  # another asset: the gate would hold the first
            "user": make_user(Role.MEMBER, email="mia@example.org").id, "appraisal": make_appraisal().id,
            "lesson": make_lesson(project_id=project.id).id,
            "noncompliance": _noncompliance(db, make_audit(project, noncompliance_owner=sepg)),
            "commitment": make_commitment(plan).id, "issue": make_issue(plan).id, "joint_review": _reviewed(db, plan, sepg),
            # of another asset: planning a deployment of the first asset to PAY must still give it a row
            "deployment": make_deployment([project], [make_released(title="Configuration audit checklist")]).id, "audit": make_audit(project).id,
            "tailoring": make_tailoring(project, released).id,
            "version": make_released("2.0", asset=released.asset, status=VersionStatus.DRAFT,
                                      change_notes="Adds the checklist.").id}


def _reviewed(db, plan, by) -> int:
    from datetime import date

    from tracker.action_plans.models import JointReview
    review = JointReview(plan_id=plan.id, held_on=date(2026, 2, 1), summary="On track", recorded_by_id=by.id)
    db.add(review)
    db.commit()
    return review.id


def _noncompliance(db, audit) -> int:
    from sqlmodel import select

    from tracker.compliance.models import Noncompliance
    return db.exec(select(Noncompliance.id).where(Noncompliance.audit_id == audit.id)).one()


CREATE = [  # endpoint, the form's page
    ("projects.create", "/projects/new"), ("assets.create", "/assets/new"), ("objectives.create", "/objectives/new"),
    ("proposals.create", "/proposals/new"), ("plans.create", "/plans/new"), ("pilots.create", "/pilots/new"),
    ("deployments.create", "/deployments/new"), ("tailoring.create", "/tailoring/new"),
    ("compliance.create", "/compliance/new"), ("lessons.create", "/lessons/new"), ("admin.create_user", "/admin/users/new"),
    ("appraisals.create", "/appraisals/new"),
]
EDIT = [  # endpoint, the edit page
    ("projects.update", "/projects/{project}/edit"), ("assets.update", "/assets/{asset}/edit"),
    ("objectives.update", "/objectives/{objective}/edit"), ("proposals.update", "/proposals/{proposal}/edit"),
    ("plans.update", "/plans/{plan}/edit"), ("pilots.update", "/pilots/{pilot}/edit"),
    ("admin.update_user", "/admin/users/{user}/edit"), ("appraisals.update", "/appraisals/{appraisal}/edit"),
    ("lessons.update", "/lessons/{lesson}/edit"),
    ("compliance.update_noncompliance", "/compliance/noncompliances/{noncompliance}/edit"),
    ("plan_work.update_commitment", "/commitments/{commitment}/edit"), ("plan_work.update_issue", "/issues/{issue}/edit"),
    ("plan_work.update_joint_review", "/joint-reviews/{joint_review}/edit"),
    ("deployments.update", "/deployments/{deployment}/edit"), ("compliance.update", "/compliance/{audit}/edit"),
    ("tailoring.update", "/tailoring/{tailoring}/edit"), ("assets.update_version", "/assets/versions/{version}/edit"),
]


@covers(*[endpoint for endpoint, _ in CREATE])
@pytest.mark.parametrize(("endpoint", "url"), CREATE, ids=[c[0] for c in CREATE])
def test_creating_ends_on_the_new_record(page, live_server, sign_in, world, endpoint, url):
    sign_in("ada@example.org" if url.startswith("/admin") else "sam@example.org", PASSWORD)
    page.goto(live_server + url)
    form = page.locator("form.record")
    fill_required(page, form)
    form.locator("button[type=submit]").click()
    expect(page).not_to_have_url(live_server + url)  # HX-Redirect to the record (or the list, for accounts)
    if endpoint == "compliance.create":
        expect(page.locator("#audit-status")).to_have_text("Planned")
    elif endpoint == "admin.create_user":
        expect(page.locator("table")).to_contain_text("new.person@example.org")
    else:
        expect(page.locator("main")).to_contain_text(SAVED)


@covers(*[endpoint for endpoint, _ in EDIT])
@pytest.mark.parametrize(("endpoint", "url"), EDIT, ids=[e[0] for e in EDIT])
def test_editing_ends_on_the_record_with_the_change(page, live_server, sign_in, world, endpoint, url):
    sign_in("ada@example.org" if url.startswith("/admin") else "sam@example.org", PASSWORD)
    page.goto(live_server + url.format(**world))
    form = page.locator("form.record")
    field = (form.locator("#f-name") if endpoint == "projects.update" else form.locator("#f-description")
             if endpoint == "compliance.update_noncompliance" else form.locator("#f-summary")
             if endpoint == "plan_work.update_joint_review" else form.locator("#f-scope_notes")
             if endpoint == "compliance.update" else form.locator(".field:not(.lookup) input[type=text]").first)
    field.fill(SAVED if endpoint != "admin.update_user" else "mia.renamed@example.org")
    form.locator("button[type=submit]").click()
    expect(page).not_to_have_url(live_server + url.format(**world))
    expected = "mia.renamed@example.org" if endpoint == "admin.update_user" else SAVED
    expect(page.locator("main")).to_contain_text(expected)


@covers("proposals.create")
def test_a_refused_form_keeps_what_was_typed_and_says_what_is_missing(page, live_server, sign_in, world, no_reload):
    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/proposals/new")
    no_reload.set()
    page.get_by_label("Title").fill("Half a proposal")
    page.get_by_role("button", name="Submit proposal").click()
    expect(page.locator("#problem-error")).to_have_text("This field is required.")
    expect(page.get_by_label("Title")).to_have_value("Half a proposal")
    no_reload.check()


def test_a_record_logged_by_mistake_is_removed_after_confirming(page, live_server, sign_in, world):
    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/commitments/{world['commitment']}/edit")
    page.get_by_role("link", name="Remove this commitment…").click()
    expect(page.locator("h1")).to_contain_text("Remove the commitment «Write the checklist»?")
    page.get_by_role("button", name="Remove the commitment").click()
    expect(page).to_have_url(re.compile(r"/plans/\d+#commitments-title$"))
    expect(page.locator(f"#commitment-{world['commitment']}")).to_have_count(0)
    expect(page.locator(".history")).to_contain_text("Commitment removed")
