"""The reminder sweep, with an injected clock, rule by rule (issue 10). Written from the requirement:

- reappraisal due within 30 days, and overdue; an appraisal's phase ending (within 7 days); a questionnaire not
  answered 3 days before it closes; a commitment due within 3 days, and overdue; a noncompliance due (3 days)
  and overdue; a pilot's end date passed without a decision; tailoring awaiting review more than 5 days; a
  deployment's target date passed and not deployed; an asset or the standard set due for review (14 days ahead);
  a lesson not reviewed within 14 days; a joint review due (3 days); a proposal escalated to the steering
  committee and undecided for 7 days;
- each goes to the people who own the thing, and to the process group when no one does; anything overdue by
  more than 14 days is escalated once to the owner's plan owner or the process group;
- a reminder is made once per (rule, subject, recipient, period): a second sweep makes nothing; it leaves the
  unread count when its subject is done.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from tracker.action_plans import commitments
from tracker.action_plans.forms import CommitmentMoveInput
from tracker.action_plans.models import CommitmentStatus, JointReview, PlanStatus
from tracker.appraisals.models import AppraisalStatus, CadenceScope, Method, Participant, ReappraisalCadence
from tracker.assets.models import AssetKind, ProcessAsset
from tracker.auth.models import User, holding
from tracker.auth.roles import Role
from tracker.compliance.models import Noncompliance
from tracker.db import clock_at
from tracker.deployments.models import ProjectDeployment, RowStatus
from tracker.lessons.models import LessonStatus
from tracker.pilots.models import PilotStatus
from tracker.proposals.models import ProposalStatus
from tracker.reminders import notify
from tracker.reminders.models import Notification, ReminderRule
from tracker.reminders.sweep import sweep
from tracker.tailoring.models import TailoringStatus

DUE = date(2027, 3, 10)  # the date each case is due on (or ended, was logged, escalated on)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 7, tzinfo=UTC)


@pytest.fixture
def run(app, db):
    """Sweep as of a day; returns the reminders (rule, subject, recipient, period) made so far, open ones."""
    def sweep_on(day: date) -> set[tuple]:
        with app.app_context(), clock_at(at(day)):
            sweep(db, now=at(day))
        db.expire_all()
        return {(n.rule, n.subject, n.recipient_id, n.period)
                for n in db.exec(select(Notification).where(Notification.closed_at.is_(None))).all()}
    return sweep_on


@pytest.fixture
def pg(make_user):
    return make_user(Role.PROCESS_GROUP, name="Pat Group")


def everyone_in_the_process_group(db) -> list[int]:
    return sorted(db.exec(select(User.id).where(holding(Role.PROCESS_GROUP))).all())


def keys_for(found: set[tuple], rule: str) -> set[tuple]:
    return {key for key in found if key[0] == rule}


# --- commitments: due within 3 days, overdue, escalated to the plan owner after 14 days --------------------------

@pytest.fixture
def commitment(make_plan, make_commitment, make_user, pg):
    plan = make_plan(PlanStatus.IN_PROGRESS, owner_id=make_user(Role.PROCESS_GROUP, name="Plan Owner").id)
    return make_commitment(plan, owner=make_user(Role.MEMBER, name="Mo Member"), due_date=DUE)


def test_a_commitment_is_reminded_three_days_ahead_once(run, commitment):
    assert keys_for(run(DUE - timedelta(days=4)), "commitment_due") == set()  # not yet due
    expected = {("commitment_due", f"commitment:{commitment.id}", commitment.owner_id, "due:2027-03-10")}
    assert keys_for(run(DUE - timedelta(days=3)), "commitment_due") == expected
    assert keys_for(run(DUE - timedelta(days=2)), "commitment_due") == expected  # already made: nothing new


def test_an_overdue_commitment_is_reminded_and_escalated_once_after_14_days(run, commitment, db):
    owner_of_plan = commitment.plan.owner_id
    assert keys_for(run(DUE + timedelta(days=1)), "commitment_overdue") == {
        ("commitment_overdue", f"commitment:{commitment.id}", commitment.owner_id, "overdue:2027-03-10")}
    assert len(keys_for(run(DUE + timedelta(days=14)), "commitment_overdue")) == 1  # 14 days: not yet escalated
    escalated = keys_for(run(DUE + timedelta(days=15)), "commitment_overdue")
    assert ("commitment_overdue", f"commitment:{commitment.id}", owner_of_plan, "escalated:overdue:2027-03-10") \
        in escalated
    run(DUE + timedelta(days=30))
    assert db.exec(select(Notification).where(Notification.escalation)).all().__len__() == 1  # once


def test_a_done_commitment_leaves_the_unread_count_at_once(run, commitment, db, app):
    run(DUE - timedelta(days=1))
    owner = commitment.owner
    assert notify.unread_count(db, user=owner) == 1
    with app.app_context(), clock_at(at(DUE - timedelta(days=1))):
        commitments.move_commitment(db, commitment=commitment, by=owner, data=CommitmentMoveInput(
            to=CommitmentStatus.DONE, version=commitment.version))
    assert notify.unread_count(db, user=owner) == 0  # before any sweep
    assert keys_for(run(DUE), "commitment_due") == set()  # and the next sweep does not bring it back


def test_an_inactive_owners_reminder_goes_to_the_process_group(run, commitment, db, pg):
    commitment.owner.active = False
    db.add(commitment.owner)
    db.commit()
    process_group = {pg.id, commitment.plan.owner_id}  # the plan's owner is in the process group too
    assert {key[2] for key in keys_for(run(DUE), "commitment_due")} == process_group


# --- noncompliances ----------------------------------------------------------------------------------------------

def test_a_noncompliance_is_reminded_when_due_and_overdue_and_escalated_to_the_process_group(
        run, make_audit, make_project, make_user, db, pg):
    owner = make_user(Role.PROJECT_LEAD)
    audit = make_audit(make_project(), noncompliance_owner=owner)
    item = db.exec(select(Noncompliance)).one()
    item.due_date = DUE
    db.add(item)
    db.commit()
    subject = f"noncompliance:{item.id}"
    assert keys_for(run(DUE - timedelta(days=4)), "noncompliance_due") == set()
    assert keys_for(run(DUE - timedelta(days=3)), "noncompliance_due") == {
        ("noncompliance_due", subject, owner.id, "due:2027-03-10")}
    assert keys_for(run(DUE + timedelta(days=1)), "noncompliance_overdue") == {
        ("noncompliance_overdue", subject, owner.id, "overdue:2027-03-10")}
    assert ("noncompliance_overdue", subject, pg.id, "escalated:overdue:2027-03-10") in keys_for(
        run(DUE + timedelta(days=15)), "noncompliance_overdue")
    assert audit.id


# --- appraisals ----------------------------------------------------------------------------------------------------

def test_a_reappraisal_is_reminded_30_days_ahead_and_when_overdue(run, db, make_appraisal, pg):
    make_appraisal(AppraisalStatus.COMPLETED, completed_on=date(2025, 3, 10))
    cadence = ReappraisalCadence(scope=CadenceScope.ORGANIZATION, months=24)
    db.add(cadence)
    db.commit()
    subject = f"reappraisal_cadence:{cadence.id}"  # due 2027-03-10: 24 months after the last completed appraisal
    assert keys_for(run(DUE - timedelta(days=31)), "reappraisal_due") == set()
    assert keys_for(run(DUE - timedelta(days=30)), "reappraisal_due") == {
        ("reappraisal_due", subject, who, "due:2027-03-10") for who in everyone_in_the_process_group(db)}
    assert keys_for(run(DUE + timedelta(days=1)), "reappraisal_overdue") == {
        ("reappraisal_overdue", subject, who, "overdue:2027-03-10") for who in everyone_in_the_process_group(db)}


def test_an_appraisal_phase_ending_is_reminded_to_its_team_a_week_ahead(run, make_appraisal, make_user):
    member = make_user(Role.MEMBER)
    appraisal = make_appraisal(AppraisalStatus.EXECUTION, team=[member], reporting_on=DUE)
    assert keys_for(run(DUE - timedelta(days=8)), "appraisal_phase_ending") == set()
    assert keys_for(run(DUE - timedelta(days=7)), "appraisal_phase_ending") == {
        ("appraisal_phase_ending", f"appraisal:{appraisal.id}", who, "execution:2027-03-10")
        for who in (appraisal.lead_appraiser_id, member.id)}


def test_an_unanswered_questionnaire_is_reminded_three_days_before_it_closes(run, make_appraisal, make_user, db):
    participant = make_user(Role.MEMBER)
    appraisal = make_appraisal(AppraisalStatus.EXECUTION, method=Method.A2I, reporting_on=DUE)
    taking_part = Participant(appraisal_id=appraisal.id, user_id=participant.id)
    db.add(taking_part)
    db.commit()
    assert keys_for(run(DUE - timedelta(days=4)), "questionnaire_unanswered") == set()
    assert keys_for(run(DUE - timedelta(days=3)), "questionnaire_unanswered") == {
        ("questionnaire_unanswered", f"appraisal_participant:{taking_part.id}", participant.id, "closes:2027-03-10")}


# --- pilots, tailoring, deployments, reviews, lessons, joint reviews, proposals ----------------------------------

def test_a_pilot_past_its_end_without_a_decision_goes_to_its_plan_owner(run, make_plan, make_pilot, make_user):
    plan = make_plan(PlanStatus.IN_PROGRESS, owner_id=make_user(Role.PROCESS_GROUP).id)
    pilot = make_pilot(plan, end_date=DUE, status=PilotStatus.EVALUATING)
    assert keys_for(run(DUE), "pilot_undecided") == set()  # its last day
    assert keys_for(run(DUE + timedelta(days=1)), "pilot_undecided") == {
        ("pilot_undecided", f"pilot:{pilot.id}", plan.owner_id, "ended:2027-03-10")}


def test_tailoring_awaiting_review_more_than_five_days_goes_to_the_process_group(
        run, make_tailoring, make_project, make_released, app, db, pg):
    with clock_at(at(DUE)):
        record = make_tailoring(make_project(), make_released(), status=TailoringStatus.REQUESTED)
    assert keys_for(run(DUE + timedelta(days=5)), "tailoring_awaiting_review") == set()
    assert keys_for(run(DUE + timedelta(days=6)), "tailoring_awaiting_review") == {
        ("tailoring_awaiting_review", f"tailoring_record:{record.id}", who, "logged:2027-03-10")
        for who in everyone_in_the_process_group(db)}


def test_a_deployment_past_its_target_goes_to_the_project_leads(run, make_deployment, make_project, make_released,
                                                                make_user, db):
    project = make_project()
    lead = make_user(Role.PROJECT_LEAD, leads=[project])
    make_deployment([project], [make_released()], status=RowStatus.IN_PROGRESS)
    row = db.exec(select(ProjectDeployment)).one()
    row.planned_date = DUE
    db.add(row)
    db.commit()
    assert keys_for(run(DUE), "deployment_late") == set()
    assert keys_for(run(DUE + timedelta(days=1)), "deployment_late") == {
        ("deployment_late", f"project_deployment:{row.id}", lead.id, "planned:2027-03-10")}


def test_an_asset_due_for_review_is_reminded_to_its_owner_14_days_ahead(run, db, make_user):
    owner = make_user(Role.MEMBER)
    asset = ProcessAsset(title="Plan template", kind=AssetKind.TEMPLATE, owner_id=owner.id,
                         review_interval_months=6, review_due_on=DUE)
    db.add(asset)
    db.commit()
    assert keys_for(run(DUE - timedelta(days=15)), "asset_review_due") == set()
    assert keys_for(run(DUE - timedelta(days=14)), "asset_review_due") == {
        ("asset_review_due", f"process_asset:{asset.id}", owner.id, "review:2027-03-10")}


def test_the_standard_set_review_is_reminded_to_the_process_group(run, db, pg):
    from tracker.deployments.standard_set import schedule
    dates = schedule(db)
    dates.review_on = DUE
    db.add(dates)
    db.commit()
    assert keys_for(run(DUE - timedelta(days=15)), "standard_set_review_due") == set()
    assert keys_for(run(DUE - timedelta(days=14)), "standard_set_review_due") == {
        ("standard_set_review_due", f"standard_set_schedule:{dates.id}", pg.id, "review:2027-03-10")}


def test_a_lesson_not_reviewed_within_14_days_goes_to_the_process_group(run, make_lesson, pg, db):
    with clock_at(at(DUE)):
        lesson = make_lesson(status=LessonStatus.NEW)
    assert keys_for(run(DUE + timedelta(days=14)), "lesson_unreviewed") == set()
    assert keys_for(run(DUE + timedelta(days=15)), "lesson_unreviewed") == {
        ("lesson_unreviewed", f"lesson:{lesson.id}", who, "logged:2027-03-10")
        for who in everyone_in_the_process_group(db)}


def test_a_joint_review_due_by_the_cadence_goes_to_the_plan_owner(run, make_plan, db, pg):
    plan = make_plan(PlanStatus.IN_PROGRESS, joint_review_weeks=2, owner_id=pg.id)
    db.add(JointReview(plan_id=plan.id, held_on=DUE - timedelta(weeks=2), summary="On track", recorded_by_id=pg.id))
    db.commit()
    assert keys_for(run(DUE - timedelta(days=4)), "joint_review_due") == set()
    assert keys_for(run(DUE - timedelta(days=3)), "joint_review_due") == {
        ("joint_review_due", f"action_plan:{plan.id}", pg.id, "joint_review:2027-03-10")}


def test_an_escalated_proposal_undecided_for_7_days_goes_to_the_steering_committee(run, make_proposal, make_user):
    steering = make_user(Role.STEERING)
    proposal = make_proposal(ProposalStatus.ESCALATED, escalated_on=DUE)
    assert keys_for(run(DUE + timedelta(days=6)), "proposal_undecided") == set()
    assert keys_for(run(DUE + timedelta(days=7)), "proposal_undecided") == {
        ("proposal_undecided", f"proposal:{proposal.id}", steering.id, "escalated:2027-03-10")}


# --- the admin's settings ------------------------------------------------------------------------------------------

def test_a_longer_lead_reminds_earlier_and_a_rule_switched_off_leaves_the_unread_count(run, commitment, db):
    rule = db.exec(select(ReminderRule).where(ReminderRule.key == "commitment_due")).one()
    rule.days = 10
    db.add(rule)
    db.commit()
    assert len(keys_for(run(DUE - timedelta(days=10)), "commitment_due")) == 1
    assert notify.unread_count(db, user=commitment.owner) == 1
    rule.enabled = False
    db.add(rule)
    db.commit()
    assert keys_for(run(DUE - timedelta(days=9)), "commitment_due") == set()  # closed, and not made again
    assert notify.unread_count(db, user=commitment.owner) == 0
    assert len(keys_for(run(DUE + timedelta(days=1)), "commitment_overdue")) == 1  # the other rules still run


def test_a_closed_reminder_due_again_is_reopened_not_made_twice(run, commitment, db, app):
    run(DUE - timedelta(days=1))
    with app.app_context():
        notify.close(db, subject=f"commitment:{commitment.id}")  # say, done, then reopened by its owner
        db.commit()
    assert keys_for(run(DUE), "commitment_due") == {
        ("commitment_due", f"commitment:{commitment.id}", commitment.owner_id, "due:2027-03-10")}
    assert len(db.exec(select(Notification)).all()) == 1


def test_the_commitments_of_a_plan_that_is_over_are_not_reminded(run, commitment, db):
    commitment.plan.status = PlanStatus.CANCELLED
    db.add(commitment.plan)
    db.commit()
    assert keys_for(run(DUE), "commitment_due") == set()
    assert keys_for(run(DUE + timedelta(days=20)), "commitment_overdue") == set()


def test_a_pilot_undecided_two_weeks_after_its_end_is_escalated_to_the_process_group(run, make_plan, make_pilot,
                                                                                     make_user, db):
    plan = make_plan(PlanStatus.IN_PROGRESS, owner_id=make_user(Role.PROCESS_GROUP).id)
    pilot = make_pilot(plan, end_date=DUE, status=PilotStatus.EVALUATING)
    escalated = {key for key in keys_for(run(DUE + timedelta(days=15)), "pilot_undecided")
                 if key[3].startswith("escalated:")}
    assert escalated == {("pilot_undecided", f"pilot:{pilot.id}", who, "escalated:ended:2027-03-10")
                         for who in everyone_in_the_process_group(db)}


def test_a_failing_rule_is_skipped_and_the_sweep_goes_on(run, commitment, monkeypatch, app, db):
    from tracker.reminders import rules

    def broken(session, today, days):
        raise RuntimeError("boom")
    failing = rules.Rule("reappraisal_due", "Reappraisal due", 30, "", broken)
    monkeypatch.setattr("tracker.reminders.sweep.RULES", (failing, *rules.RULES[1:]))
    with app.app_context():
        result = sweep(db, now=at(DUE))
    assert result.failed and "boom" in result.failed[0]
    assert result.created == 1  # the commitment due today
