"""Steering reviews (issue 11, GP 2.10), written from the requirement:

- a review has a date, the period under review and its attendees; its agenda is built from the data: the decisions
  waiting (escalated proposals, plans in review, pilots evaluated), each plan against its success measure, overdue
  work, appraisals, objectives, the charts;
- the pack is frozen when the meeting is held and reads the same after the data has moved on;
- decisions are taken in the meeting through each record's own transition table (who may, and whether a reason is
  needed), and the meeting lists them; a stale decision is refused;
- action items become commitments with owners and due dates (on a plan or on none), reminded and escalated like
  any other commitment;
- the pack is mailed to the attendees once per frozen pack;
- only the process group and the steering committee plan, hold and decide.
"""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from tests.conftest import count_rows
from tracker.action_plans.models import PlanStatus
from tracker.auth.roles import Role
from tracker.db import clock_at
from tracker.errors import Conflict, InvalidTransition, PermissionDenied, ValidationError
from tracker.history.models import AuditEvent
from tracker.proposals.models import Proposal, ProposalStatus
from tracker.reminders.models import Notification
from tracker.reminders.sweep import sweep
from tracker.reviews import service
from tracker.reviews.forms import ActionItemInput, DecisionInput, MeetingInput, MeetingMoveInput
from tracker.reviews.models import MeetingDecision, MeetingStatus
from tracker.validation import parse


@pytest.fixture
def steering(make_user):
    return make_user(Role.STEERING, name="Stella Steering")


@pytest.fixture
def meeting(db, steering, make_user):
    form = MultiDict({"title": "Q4 review", "held_on": "2026-11-20", "period_from": "2026-09-01",
                      "period_to": "2026-11-20"})
    form.setlist("attendee_ids", [str(steering.id), str(make_user(Role.PROCESS_GROUP, name="Sam").id)])
    return service.create_meeting(db, data=parse(MeetingInput, form), by=steering)


def hold(db, meeting, by, pack="<p>the pack</p>"):
    return service.move_meeting(db, meeting=meeting, by=by, pack=lambda: pack,
                                data=MeetingMoveInput(to="held", version=meeting.version))


def decision(record, to, rationale="", entity="proposal", decision_=""):
    return DecisionInput(entity=entity, record_id=record.id, to=to, rationale=rationale, decision=decision_,
                         version=record.version)


def test_the_period_ends_after_it_begins_and_someone_attends(db, steering):
    form = MultiDict({"title": "Q4", "held_on": "2026-11-20", "period_from": "2026-11-21", "period_to": "2026-11-20"})
    with pytest.raises(ValidationError) as refused:
        parse(MeetingInput, form)
    assert set(refused.value.errors) == {"period_to", "attendee_ids"}


def test_holding_freezes_the_pack_once(db, meeting, steering):
    hold(db, meeting, steering, pack="<p>escalated: Incident timelines</p>")
    assert meeting.status == MeetingStatus.HELD and meeting.pack == "<p>escalated: Incident timelines</p>"
    assert meeting.frozen_at is not None
    with pytest.raises(InvalidTransition):  # the pack is not edited once held
        service.update_meeting(db, meeting=meeting, by=steering, data=parse(MeetingInput, MultiDict({
            "title": "Renamed", "held_on": "2026-11-20", "period_from": "2026-09-01", "period_to": "2026-11-20",
            "attendee_ids": str(steering.id), "version": str(meeting.version)})))


def test_a_decision_goes_through_the_records_workflow_and_the_meeting_keeps_it(db, meeting, steering, make_proposal):
    proposal = make_proposal(ProposalStatus.ESCALATED, title="Incident timelines")
    hold(db, meeting, steering)
    with pytest.raises(ValidationError) as refused:  # rejecting needs its reason, as on the proposal's page
        service.decide(db, meeting=meeting, by=steering, data=decision(proposal, "rejected"))
    assert "rationale" in refused.value.errors
    db.rollback()
    assert count_rows(db, MeetingDecision) == 0
    service.decide(db, meeting=meeting, by=steering, data=decision(proposal, "rejected", "No budget this year."))
    db.expire_all()
    assert db.get(Proposal, proposal.id).status == ProposalStatus.REJECTED
    taken = db.exec(select(MeetingDecision)).one()
    assert (taken.title, taken.outcome, taken.rationale) == ("Incident timelines", "Rejected", "No budget this year.")
    assert db.exec(select(AuditEvent.new).where(AuditEvent.entity == "review_meeting",
                                                AuditEvent.field == "decision")).one() == "Incident timelines: Rejected"


def test_the_process_group_cannot_take_the_committees_decision(db, meeting, steering, make_user, make_proposal):
    proposal = make_proposal(ProposalStatus.ESCALATED)
    hold(db, meeting, steering)
    with pytest.raises(PermissionDenied):  # the proposal's table gives accept to the committee only
        service.decide(db, meeting=meeting, by=make_user(Role.PROCESS_GROUP), data=decision(proposal, "accepted"))
    with pytest.raises(PermissionDenied):  # a member is not in the meeting's policy at all
        service.decide(db, meeting=meeting, by=make_user(Role.MEMBER), data=decision(proposal, "accepted"))
    db.rollback()
    assert count_rows(db, MeetingDecision) == 0


def test_a_decision_on_a_record_that_changed_meanwhile_is_refused(db, meeting, steering, make_plan):
    plan = make_plan(PlanStatus.IN_REVIEW)
    stale = decision(plan, "approved", entity="action_plan")
    plan.title = "Edited meanwhile"
    plan.version += 1
    db.add(plan)
    db.commit()
    hold(db, meeting, steering)
    with pytest.raises(Conflict):
        service.decide(db, meeting=meeting, by=steering, data=stale)


def test_decisions_and_action_items_wait_for_the_meeting_to_be_held(db, meeting, steering, make_proposal):
    proposal = make_proposal(ProposalStatus.ESCALATED)
    with pytest.raises(InvalidTransition):
        service.decide(db, meeting=meeting, by=steering, data=decision(proposal, "accepted"))
    with pytest.raises(InvalidTransition):
        service.add_action_item(db, meeting=meeting, by=steering, data=ActionItemInput(
            description="Price the tool", owner_id=steering.id, due_date=date(2026, 12, 31)))


def test_an_action_item_is_a_commitment_reminded_and_escalated_to_the_chair(db, app, meeting, steering, make_user):
    owner = make_user(Role.PROCESS_GROUP, name="Sam Process")
    hold(db, meeting, steering)
    item = service.add_action_item(db, meeting=meeting, by=steering, data=ActionItemInput(
        description="Price the incident timeline tool", owner_id=owner.id, due_date=date(2026, 12, 1)))
    assert (item.plan_id, item.meeting_id, item.owner_id) == (None, meeting.id, owner.id)
    with app.app_context():  # 16 days overdue: reminded to its owner, and escalated (14 days) to the chair
        sweep(db, now=datetime(2026, 12, 17, 7, tzinfo=UTC))
    reminders = db.exec(select(Notification.recipient_id, Notification.escalation, Notification.link)
                        .where(Notification.subject == f"commitment:{item.id}")).all()
    assert {(who, escalated) for who, escalated, _ in reminders} == {(owner.id, False), (steering.id, True)}
    assert all(link == f"/reviews/{meeting.id}#commitment-{item.id}" for *_, link in reminders)


def test_an_action_item_may_belong_to_a_plan(db, meeting, steering, make_plan):
    plan = make_plan(PlanStatus.IN_PROGRESS)
    hold(db, meeting, steering)
    item = service.add_action_item(db, meeting=meeting, by=steering, data=ActionItemInput(
        description="Report the review effort", owner_id=steering.id, due_date=date(2026, 12, 31), plan_id=plan.id))
    assert (item.plan_id, item.meeting_id) == (plan.id, meeting.id)
    with pytest.raises(ValidationError):
        service.add_action_item(db, meeting=meeting, by=steering, data=ActionItemInput(
            description="x", owner_id=steering.id, due_date=date(2026, 12, 31), plan_id=2**31 - 1))


def test_the_pack_is_mailed_to_each_attendee_once(db, app, meeting, steering):
    hold(db, meeting, steering)
    with app.test_request_context():
        assert service.mail_pack(db, meeting=meeting, by=steering) == ("pack", 2)
        assert service.mail_pack(db, meeting=meeting, by=steering) == ("pack", 0)  # a second click sends nothing
    assert count_rows(db, Notification) == 2


def test_the_pack_is_mailed_only_once_frozen(db, app, meeting, steering):
    with app.test_request_context(), pytest.raises(InvalidTransition):
        service.mail_pack(db, meeting=meeting, by=steering)


def test_a_review_is_held_once_its_period_has_ended(db, meeting, steering):
    with clock_at(datetime(2026, 11, 19, 9, tzinfo=UTC)), pytest.raises(ValidationError) as refused:
        hold(db, meeting, steering)  # the period runs to 20 November
    assert "ends on 2026-11-20" in refused.value.errors["__all__"]
    db.rollback()
    with clock_at(datetime(2026, 11, 24, 9, tzinfo=UTC)):
        hold(db, meeting, steering)
    assert meeting.held_on == date(2026, 11, 24)  # the day it was actually held


def test_closing_needs_the_minutes(db, meeting, steering):
    hold(db, meeting, steering)
    with pytest.raises(ValidationError) as refused:
        service.move_meeting(db, meeting=meeting, by=steering, pack=lambda: "",
                             data=MeetingMoveInput(to="closed", version=meeting.version))
    assert "minutes" in refused.value.errors
    db.rollback()
    service.move_meeting(db, meeting=meeting, by=steering, pack=lambda: "", data=MeetingMoveInput(
        to="closed", version=meeting.version, minutes="Rejected the timelines."))
    assert meeting.status == MeetingStatus.CLOSED and meeting.pack == "<p>the pack</p>"  # the pack kept as it was


def test_the_live_agenda_lists_what_waits_and_the_frozen_pack_does_not_change(client, login, db, meeting, steering,
                                                                              make_proposal):
    make_proposal(ProposalStatus.ESCALATED, title="Incident timelines")
    login(steering)
    page = client.get(f"/reviews/{meeting.id}").get_data(as_text=True)
    assert "Incident timelines" in page and "built from the data as it stands now" in page
    client.post(f"/reviews/{meeting.id}/move", data={"to": "held", "version": str(meeting.version)})
    make_proposal(ProposalStatus.ESCALATED, title="Tool budget")
    db.expire_all()
    pack = db.get(type(meeting), meeting.id).pack
    assert "Incident timelines" in pack and "Tool budget" not in pack
    later = client.get(f"/reviews/{meeting.id}").get_data(as_text=True)
    assert later.count("Tool budget") == 1  # in the live "Decisions to take", not in the pack


def test_the_review_page_makes_the_same_number_of_queries_at_two_sizes(client, login, db, meeting, steering,
                                                                       make_proposal, make_plan, make_commitment,
                                                                       query_counter):
    login(steering)
    make_proposal(ProposalStatus.ESCALATED)
    make_commitment(make_plan(PlanStatus.IN_PROGRESS), due_date=date(2026, 1, 1))
    client.get(f"/reviews/{meeting.id}")
    query_counter.clear()
    client.get(f"/reviews/{meeting.id}")
    few = len(query_counter)
    for _ in range(10):
        make_proposal(ProposalStatus.ESCALATED)
        make_commitment(make_plan(PlanStatus.IN_PROGRESS), due_date=date(2026, 1, 1))
        make_plan(PlanStatus.IN_REVIEW)
    query_counter.clear()
    assert client.get(f"/reviews/{meeting.id}").status_code == 200
    assert len(query_counter) == few
