"""Issue 12 part 2 (SP 2.2): commitments are negotiated, not just assigned. The process group proposes one to anyone,
a team member for themselves; the owner accepts or counters (another date or scope, and why); the plan's side (its
owner or the process group) agrees or not. An agreed due date is renegotiated the same way; every agreed date
stays, on time is measured against the last agreed, the renegotiations are counted. A commitment may wait for
another plan's and shows when that one is late."""

from datetime import UTC, date, datetime

import pytest

from tracker.action_plans.commitments import progress
from tracker.action_plans.models import Commitment, CommitmentStatus, Party, PlanStatus
from tracker.auth.roles import Role
from tracker.db import clock_at


@pytest.fixture(autouse=True)
def in_may_2026():
    """The stories below are told on 1 May 2026: the dates they offer are to come (a date past is refused)."""
    with clock_at(datetime(2026, 5, 1, 12, tzinfo=UTC)):
        yield


@pytest.fixture
def people(make_user):
    return {"sam": make_user(Role.PROCESS_GROUP, name="Sam Process"), "olga": make_user(Role.PROCESS_GROUP, name="Olga Owner"),
            "mia": make_user(Role.MEMBER, name="Mia Member"), "ned": make_user(Role.MEMBER, name="Ned Outsider")}


@pytest.fixture
def plan(make_plan, people):
    return make_plan(PlanStatus.IN_PROGRESS, title="Peer reviews everywhere", owner_id=people["olga"].id,
                     team=[people["mia"]])


def the(db, commitment_id) -> Commitment:
    db.expire_all()
    return db.get(Commitment, commitment_id)


def propose(client, plan, owner, description="Write the review checklist", due="2026-06-30"):
    return client.post(f"/plans/{plan.id}/commitments", data={"description": description, "owner_id": str(owner.id),
                                                              "due_date": due})


def only_commitment(db, plan) -> Commitment:
    from sqlmodel import select
    return db.exec(select(Commitment).where(Commitment.plan_id == plan.id)).one()


def test_proposed_to_the_owner_countered_and_agreed_by_the_plan(client, login, db, plan, people):
    login(people["sam"])
    assert propose(client, plan, people["mia"]).status_code == 200
    c = only_commitment(db, plan)
    assert (c.status, c.awaiting, c.due_date) == (CommitmentStatus.PROPOSED, Party.OWNER, date(2026, 6, 30))
    assert progress(db, plan_ids=[plan.id], today=date(2026, 5, 1))[plan.id].total == 0  # not committed yet
    login(people["mia"])
    page = client.get(f"/commitments/{c.id}").get_data(as_text=True)
    assert "Sam Process offers" in page and "Counter with other terms" in page
    countered = client.post(f"/commitments/{c.id}/counter", data={
        "description": "Write the review checklist", "due_date": "2026-07-31",
        "reason": "The design phase ends in July", "version": str(c.version)})
    assert countered.status_code == 303  # a plain post goes back to the page; htmx swaps it in place
    c = the(db, c.id)
    assert (c.status, c.awaiting, c.due_date) == (CommitmentStatus.PROPOSED, Party.PLAN, date(2026, 6, 30))
    # the owner cannot agree to their own counter-offer: the plan's side answers it
    assert client.post(f"/commitments/{c.id}/answer", data={"answer": "agree", "version": str(c.version)}
                       ).status_code == 403
    login(people["olga"])  # the plan's owner
    agreed = client.post(f"/commitments/{c.id}/answer", data={"answer": "agree", "comment": "Fine",
                                                              "version": str(c.version)})
    assert agreed.status_code == 303
    c = the(db, c.id)
    assert (c.status, c.awaiting, c.due_date, c.renegotiations) == (CommitmentStatus.OPEN, None, date(2026, 7, 31), 0)
    assert progress(db, plan_ids=[plan.id], today=date(2026, 5, 1))[plan.id].total == 1
    terms = client.get(f"/commitments/{c.id}").get_data(as_text=True).split('id="terms-list"', 1)[1]
    assert terms.index("2026-06-30") < terms.index("2026-07-31")
    assert "Countered" in terms and "Agreed" in terms and "The design phase ends in July" in terms


def test_a_member_proposes_for_themselves_only_and_the_plan_may_decline(client, login, db, plan, people):
    login(people["ned"])  # not on the team
    assert propose(client, plan, people["ned"]).status_code == 403
    login(people["mia"])
    plan_page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    owner_select = plan_page.split('id="f-commitment-owner_id"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{people["mia"].id}" selected' in owner_select  # herself, already chosen
    refused = propose(client, plan, people["sam"])
    assert refused.status_code == 422
    assert "You propose commitments for yourself" in refused.get_data(as_text=True)
    assert propose(client, plan, people["mia"], description="Pilot the checklist").status_code == 200
    c = only_commitment(db, plan)
    assert (c.status, c.awaiting) == (CommitmentStatus.PROPOSED, Party.PLAN)
    login(people["sam"])  # the process group answers for the plan too
    refused = client.post(f"/commitments/{c.id}/answer", data={"answer": "decline", "version": str(c.version)})
    assert refused.status_code == 422 and "Say why you decline" in refused.get_data(as_text=True)
    declined = client.post(f"/commitments/{c.id}/answer", data={"answer": "decline", "comment": "Olga pilots it",
                                                                "version": str(c.version)})
    assert declined.status_code == 303
    c = the(db, c.id)
    assert (c.status, c.awaiting) == (CommitmentStatus.DECLINED, None)
    assert progress(db, plan_ids=[plan.id], today=date(2026, 5, 1))[plan.id].total == 0


def test_a_renegotiated_date_is_the_one_on_time_is_measured_against(client, login, db, plan, people):
    login(people["olga"])  # the plan's owner proposes to Mia, who accepts
    propose(client, plan, people["mia"], due="2026-06-30")
    c = only_commitment(db, plan)
    login(people["mia"])
    client.post(f"/commitments/{c.id}/answer", data={"answer": "agree", "version": str(c.version)})
    c = the(db, c.id)
    assert (c.status, c.due_date) == (CommitmentStatus.OPEN, date(2026, 6, 30))
    # Mia asks for a month more; until the plan agrees, the agreed date holds
    offered = client.post(f"/commitments/{c.id}/renegotiate", data={
        "description": c.description, "due_date": "2026-07-31", "reason": "Reviewers on leave", "version": str(c.version)})
    assert offered.status_code == 303
    c = the(db, c.id)
    assert (c.awaiting, c.due_date) == (Party.PLAN, date(2026, 6, 30))
    login(people["olga"])
    client.post(f"/commitments/{c.id}/answer", data={"answer": "agree", "version": str(c.version)})
    c = the(db, c.id)
    assert (c.awaiting, c.due_date, c.renegotiations) == (None, date(2026, 7, 31), 1)
    page = client.get(f"/commitments/{c.id}").get_data(as_text=True)
    assert "2026-06-30 → 2026-07-31" in page and "renegotiated 1×" in page
    assert "(renegotiated 1×)" in client.get(f"/plans/{plan.id}").get_data(as_text=True)
    # done on 15 July: late by the first date, on time by the one last agreed
    login(people["mia"])
    with clock_at(datetime(2026, 7, 15, 12, tzinfo=UTC)):
        assert client.post(f"/commitments/{c.id}/move", data={"to": "done", "version": str(c.version),
                                                               "from": "page"}).status_code == 303
    made = progress(db, plan_ids=[plan.id], today=date(2026, 8, 1))[plan.id]
    assert (made.done, made.on_time, made.on_time_rate) == (1, 1, 100)


def test_only_the_awaited_party_answers_and_a_stale_answer_is_a_conflict(client, login, db, plan, people):
    login(people["sam"])
    propose(client, plan, people["mia"])
    c = only_commitment(db, plan)
    for someone in (people["ned"], people["olga"]):  # it waits for Mia, not the plan's side
        login(someone)
        assert client.post(f"/commitments/{c.id}/answer", data={"answer": "agree", "version": str(c.version)}
                           ).status_code == 403
    login(people["mia"])
    assert client.post(f"/commitments/{c.id}/answer", data={"answer": "agree", "version": str(c.version + 1)}
                       ).status_code == 409
    assert the(db, c.id).status == CommitmentStatus.PROPOSED


def test_a_commitment_shows_when_what_it_waits_for_on_another_plan_is_late(client, login, db, make_plan,
                                                                          make_commitment, people, plan):
    other_plan = make_plan(PlanStatus.IN_PROGRESS, title="Tool roll-out")
    mine = make_commitment(plan, owner=people["mia"], description="Run the pilot reviews", due_date=date(2026, 9, 30))
    theirs = make_commitment(other_plan, owner=people["ned"], description="Install the review tool",
                             due_date=date(2026, 3, 31))
    same_plan = make_commitment(plan, owner=people["mia"], description="Train the reviewers")
    login(people["mia"])  # the owner alone does not say what the plan waits for
    assert client.post(f"/commitments/{mine.id}/waits-for", data={"depends_on_id": str(theirs.id)}).status_code == 403
    login(people["olga"])
    refused = client.post(f"/commitments/{mine.id}/waits-for", data={"depends_on_id": str(same_plan.id)})
    assert refused.status_code == 422 and "Choose a commitment of another action plan, still to do." in refused.get_data(
        as_text=True)
    picked = f"Install the review tool — Tool roll-out (#{theirs.id})"  # as its suggestion reads
    assert client.post(f"/commitments/{mine.id}/waits-for", data={"depends_on_id": picked}).status_code == 303
    again = client.post(f"/commitments/{mine.id}/waits-for", data={"depends_on_id": "Install the review tool"})
    assert again.status_code == 422 and "It waits for that one already." in again.get_data(as_text=True)
    with clock_at(datetime(2026, 4, 15, 12, tzinfo=UTC)):  # the tool was due on 31 March and is not installed
        plan_page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
        assert "Waits for «Install the review tool» (Tool roll-out): overdue" in plan_page
        assert "Run the pilot reviews" in client.get(f"/commitments/{theirs.id}").get_data(as_text=True)  # needed by
    refused = client.post(f"/commitments/{theirs.id}/waits-for", data={"depends_on_id": str(mine.id)})
    assert refused.status_code == 422 and "cannot wait for each other" in refused.get_data(as_text=True)
    assert client.post(f"/commitments/{mine.id}/waits-for/{theirs.id}/remove").status_code == 303
    assert "Waits for «" not in client.get(f"/plans/{plan.id}").get_data(as_text=True)


def test_terms_offered_are_to_come_and_differ_from_the_agreed_ones(client, login, db, plan, people):
    login(people["sam"])
    refused = propose(client, plan, people["mia"], due="2026-04-30")  # the day before the story's today
    assert refused.status_code == 422 and "Offer a date to come: today at the earliest." in refused.get_data(
        as_text=True)
    propose(client, plan, people["mia"], due="2026-06-30")
    c = only_commitment(db, plan)
    login(people["mia"])
    client.post(f"/commitments/{c.id}/answer", data={"answer": "agree", "version": str(c.version)})
    c = the(db, c.id)
    same = client.post(f"/commitments/{c.id}/renegotiate", data={
        "description": c.description, "due_date": "2026-06-30", "reason": "Nothing changes", "version": str(c.version)})
    assert same.status_code == 422 and "Offer other terms: these are the ones agreed." in same.get_data(as_text=True)


def test_finishing_a_commitment_withdraws_the_terms_still_waiting(client, login, db, plan, people):
    login(people["olga"])
    propose(client, plan, people["mia"], due="2026-06-30")
    c = only_commitment(db, plan)
    login(people["mia"])
    client.post(f"/commitments/{c.id}/answer", data={"answer": "agree", "version": str(c.version)})
    c = the(db, c.id)
    client.post(f"/commitments/{c.id}/renegotiate", data={
        "description": c.description, "due_date": "2026-07-31", "reason": "Later", "version": str(c.version)})
    c = the(db, c.id)
    client.post(f"/commitments/{c.id}/move", data={"to": "done", "version": str(c.version), "from": "page"})
    c = the(db, c.id)
    assert (c.status, c.awaiting, c.due_date) == (CommitmentStatus.DONE, None, date(2026, 6, 30))
    login(people["olga"])  # too late to agree: it ended on the terms agreed before
    stale = client.post(f"/commitments/{c.id}/answer", data={"answer": "agree", "version": str(c.version)})
    assert stale.status_code in (403, 409)
    assert "Withdrawn" in client.get(f"/commitments/{c.id}").get_data(as_text=True)
    assert the(db, c.id).due_date == date(2026, 6, 30)


def test_a_stale_answer_shows_the_commitment_as_it_is_now(client, login, db, plan, people):
    login(people["sam"])
    propose(client, plan, people["mia"])
    c = only_commitment(db, plan)
    seen = c.version
    login(people["mia"])
    client.post(f"/commitments/{c.id}/counter", data={"description": c.description, "due_date": "2026-07-31",
                                                      "reason": "Design first", "version": str(seen)})
    stale = client.post(f"/commitments/{c.id}/answer", data={"answer": "agree", "version": str(seen)})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "It changed since your page was shown" in page
    assert "awaiting the plan" in page


def test_a_plan_over_owes_no_answers_and_an_action_item_is_not_negotiated(client, login, db, plan, people):
    from tracker.reviews.models import MeetingStatus, ReviewMeeting
    login(people["sam"])
    propose(client, plan, people["mia"])
    c = only_commitment(db, plan)
    plan.status = PlanStatus.CANCELLED
    db.add(plan)
    db.commit()
    login(people["mia"])
    refused = client.post(f"/commitments/{c.id}/answer", data={"answer": "agree", "version": str(c.version)})
    assert refused.status_code == 409 and the(db, c.id).status == CommitmentStatus.PROPOSED
    assert "Commitment terms waiting for your answer" not in client.get("/my-work").get_data(as_text=True)
    meeting = ReviewMeeting(title="Q2 review", held_on=date(2026, 4, 30), period_from=date(2026, 1, 1),
                            period_to=date(2026, 3, 31), chair_id=people["sam"].id, status=MeetingStatus.HELD)
    db.add(meeting)
    db.commit()
    item = Commitment(meeting_id=meeting.id, description="Report on the pilots", owner_id=people["mia"].id,
                      due_date=date(2026, 6, 30))
    db.add(item)
    db.commit()
    refused = client.post(f"/commitments/{item.id}/renegotiate", data={
        "description": item.description, "due_date": "2026-07-31", "reason": "Later", "version": "1"})
    assert refused.status_code == 409 and the(db, item.id).awaiting is None


def test_a_counter_offers_other_terms_and_the_whole_plan_side_is_told(client, login, db, plan, people, make_user):
    """A counter repeating the terms offered is refused (accept them instead); the countered terms wait for the
    plan's side — its owner and every process-group member, who may all answer — and My work tells each of them."""
    login(people["sam"])
    propose(client, plan, people["mia"])
    c = only_commitment(db, plan)
    login(people["mia"])
    same = client.post(f"/commitments/{c.id}/counter", data={
        "description": "Write the review checklist", "due_date": "2026-06-30", "reason": "Same",
        "version": str(c.version)})
    assert same.status_code == 422 and "Counter with other terms" in same.get_data(as_text=True)
    assert client.post(f"/commitments/{c.id}/counter", data={
        "description": "Write the review checklist", "due_date": "2026-07-31", "reason": "Design ends in July",
        "version": str(c.version)}).status_code == 303
    quinn = make_user(Role.PROCESS_GROUP, name="Quinn Quality")
    for person, told in ((people["olga"], True), (people["sam"], True), (quinn, True), (people["mia"], False),
                         (people["ned"], False)):
        login(person)
        work = client.get("/my-work").get_data(as_text=True)
        assert ("Commitment terms waiting for your answer" in work) is told, person.name
