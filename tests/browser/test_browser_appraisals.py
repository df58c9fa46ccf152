"""Appraisals in the browser (issue 10): the process group moves an appraisal through its phases, the team
records a finding and a rating, a weakness becomes a proposal and the finding shows how far it has come; the
reappraisal cadences are kept in place. Every result shows without a reload."""

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import covers
from tests.conftest import PASSWORD
from tracker.action_plans.models import PlanStatus
from tracker.appraisals.models import AppraisalStatus, Method
from tracker.auth.roles import Role
from tracker.process_areas.models import ProcessArea
from tracker.proposals.models import Proposal

pytestmark = pytest.mark.browser


@covers("appraisals.move", "appraisals.record_finding", "appraisals.rate", "appraisals.propose")
def test_an_appraisal_from_execution_to_a_proposal_and_its_progress(page, live_server, sign_in, no_reload, db,
                                                                     make_user, make_appraisal, make_plan):
    make_user(Role.PROCESS_GROUP, email="sam@example.org", name="Sam Process")
    ver = db.exec(select(ProcessArea).where(ProcessArea.code == "VER")).one()
    appraisal = make_appraisal(AppraisalStatus.PREPARATION, areas=[ver], title="SCAMPI A 2026")
    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/appraisals/{appraisal.id}")
    no_reload.set()

    page.get_by_role("button", name="Start execution").click()
    expect(page.locator("#appraisal-status")).to_have_text("Execution")

    findings = page.locator("#findings")
    findings.get_by_text("Record a finding").click()
    findings.get_by_label("Kind").select_option(label="Weakness")
    findings.get_by_label("Process area").select_option(label=ver.label)
    findings.get_by_role("textbox", name="Finding").fill("Peer reviews are skipped under schedule pressure")
    findings.get_by_label("Evidence").fill("No review records for 4 of 9 work products")
    findings.get_by_role("button", name="Record finding").click()
    expect(findings.locator("table")).to_contain_text("Peer reviews are skipped under schedule pressure")
    expect(findings.locator("details.add").locator("textarea, input:not([type=hidden]):not([type=date])").first).to_have_value("")  # open for the next one, and empty
    expect(findings.locator("#f-finding-statement")).to_have_value("")

    ratings = page.locator("#ratings")
    ratings.get_by_text("Rate a process area").click()
    ratings.get_by_label("Process area").select_option(label=ver.label)
    ratings.get_by_role("combobox", name="Rating").select_option(label="Partially satisfied")
    ratings.get_by_role("button", name="Record rating").click()
    expect(ratings.locator("#rating-VER")).to_contain_text("Partially satisfied")
    no_reload.check()

    findings.get_by_role("button", name="Propose an improvement").click()
    expect(page.locator("h1")).to_contain_text("Peer reviews are skipped under schedule pressure")  # the proposal
    proposal = db.exec(select(Proposal)).one()
    make_plan(PlanStatus.IN_PROGRESS, title="Make reviews stick", proposals=[proposal])
    page.get_by_role("link", name="SCAMPI A 2026", exact=False).first.click()
    expect(page.locator("#findings")).to_contain_text("Submitted")
    expect(page.locator("#findings")).to_contain_text("Make reviews stick")


@covers("appraisals.add_cadence", "appraisals.update_cadence")
def test_cadences_are_added_and_changed_in_place(page, live_server, sign_in, no_reload, make_user):
    make_user(Role.PROCESS_GROUP, email="sam@example.org")
    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/appraisals/cadences")
    no_reload.set()
    page.locator("#f-cadence-scope").select_option(label="Organization")
    page.locator("#f-cadence-months").fill("24")
    page.get_by_role("button", name="Add cadence").click()
    row = page.locator("#cadences tbody tr", has_text="The whole organization")
    expect(row.get_by_label("Months between appraisals")).to_have_value("24")
    expect(page.locator("#f-cadence-months")).to_have_value("24")  # the add form starts again from its default
    row.get_by_label("Months between appraisals").fill("18")
    row.get_by_role("button", name="Save").click()
    expect(page.locator("#cadences tbody tr", has_text="The whole organization")
           .get_by_label("Months between appraisals")).to_have_value("18")
    no_reload.check()


@covers("appraisals.add_question", "appraisals.retire_question", "appraisals.add_participant", "appraisals.answer")
def test_the_team_builds_a_questionnaire_and_a_participant_answers_it(page, live_server, sign_in, no_reload, db,
                                                                      make_user, make_appraisal, make_project):
    make_user(Role.PROCESS_GROUP, email="sam@example.org")
    make_user(Role.MEMBER, email="mia@example.org", name="Mia Member")
    srim = db.exec(select(ProcessArea).where(ProcessArea.code == "ITS-SRIM")).one()
    appraisal = make_appraisal(AppraisalStatus.PREPARATION, areas=[srim], projects=[make_project(code="OPS")],
                               title="A2I of the service desk", method=Method.A2I)
    sign_in("sam@example.org", PASSWORD)

    page.goto(f"{live_server}/appraisals/questions")
    no_reload.set()
    for text in ("Every incident is logged with its priority.", "Incidents are closed with the user."):
        page.locator("#f-question-area_id").select_option(label=srim.label)
        page.locator("#f-question-text").fill(text)
        page.get_by_role("button", name="Add question").click()
        expect(page.locator("#questions")).to_contain_text(text)
        expect(page.locator("#f-question-text")).to_have_value("")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("li", has_text="closed with the user").get_by_role("button", name="Retire").click()
    expect(page.locator("li", has_text="closed with the user")).to_contain_text("(retired)")
    no_reload.check()

    page.goto(f"{live_server}/appraisals/{appraisal.id}")
    no_reload.set()
    participants = page.locator("#participants")
    participants.get_by_text("Name a participant").click()
    participants.get_by_role("combobox", name="Person").fill("Mia Member")  # typed as its exact name: resolved like a picked suggestion
    participants.get_by_role("combobox", name="Answers for project").select_option(label="OPS")
    participants.get_by_role("button", name="Name participant").click()
    expect(participants.get_by_role("list")).to_contain_text("Mia Member — OPS")
    page.get_by_role("button", name="Start execution").click()
    expect(page.locator("#appraisal-status")).to_have_text("Execution")
    no_reload.check()

    sign_in("mia@example.org", PASSWORD)
    page.goto(f"{live_server}/appraisals/{appraisal.id}/questionnaire")
    no_reload.set()
    questions = page.locator("#questionnaire")
    expect(questions).not_to_contain_text("closed with the user")  # retired: not asked
    questions.get_by_role("combobox", name="Rating").select_option(label="4 · Usually")
    questions.get_by_role("textbox", name="Comment").fill("Except at night")
    questions.get_by_role("button", name="Save answers").click()
    expect(questions.get_by_role("status")).to_contain_text("Saved: 1 answer changed.")
    expect(questions.get_by_role("combobox", name="Rating")).to_have_value("4")
    no_reload.check()
