"""Issue 12 part 1: the work under a plan can be corrected once logged — a commitment (by the process group; a
steering review's action item by the committee too), an issue (by whoever raised it, its owner or the process
group), a joint review (by the process group) — each with its conflict view, errors beside the fields and every
field in the history. The status of each still moves only through its own buttons."""

from datetime import date

import pytest

from tracker.action_plans.models import Commitment, CommitmentStatus, JointReview, PlanIssue, PlanStatus
from tracker.auth.roles import Role
from tracker.reviews.models import MeetingStatus, ReviewMeeting


def commitment_form(c, **changes):
    return {"description": c.description, "owner_id": str(c.owner_id), "due_date": str(c.due_date),
            "version": str(c.version)} | changes


def issue_form(i, **changes):
    return {"title": i.title, "description": i.description, "owner_id": str(i.owner_id),
            "version": str(i.version)} | changes


@pytest.fixture
def plan(make_plan):
    return make_plan(PlanStatus.IN_PROGRESS, title="Peer reviews everywhere", planned_start=date(2026, 3, 1))


# --- Commitments ---

def test_the_process_group_corrects_a_commitment_and_the_history_keeps_the_old_values(
        client, login, make_user, make_commitment, plan, db):
    mia, leo = make_user(Role.MEMBER, name="Mia Owner"), make_user(Role.MEMBER, name="Leo Newowner")
    commitment = make_commitment(plan, owner=mia, description="Write the checklist", due_date=date(2026, 6, 30),
                                 status=CommitmentStatus.IN_PROGRESS)
    login(make_user(Role.PROCESS_GROUP))
    assert f'href="/commitments/{commitment.id}/edit"' in client.get(f"/plans/{plan.id}").get_data(as_text=True)
    # a plan's commitment was negotiated: its date and owner change by agreement, not by correction
    refused = client.post(f"/commitments/{commitment.id}", data=commitment_form(
        commitment, description="Write and pilot the checklist", owner_id=str(leo.id), due_date="2026-07-31"))
    assert refused.status_code == 422 and "offer new terms on its page" in refused.get_data(as_text=True)
    saved = client.post(f"/commitments/{commitment.id}", data=commitment_form(
        commitment, description="Write and pilot the checklist"))
    assert saved.status_code == 303
    assert saved.headers["Location"].endswith(f"/plans/{plan.id}#commitment-{commitment.id}")
    db.expire_all()
    corrected = db.get(Commitment, commitment.id)
    assert (corrected.description, corrected.owner_id, corrected.due_date, corrected.status, corrected.version) == (
        "Write and pilot the checklist", mia.id, date(2026, 6, 30), CommitmentStatus.IN_PROGRESS, 2)
    history = client.get(f"/commitments/{commitment.id}/edit").get_data(as_text=True).split("History", 1)[1]
    for shown in ("Write the checklist", "Write and pilot the checklist"):
        assert shown in history


def test_a_bad_commitment_correction_is_refused_beside_the_fields_and_nothing_is_written(
        client, login, make_user, make_commitment, plan, db):
    commitment = make_commitment(plan, description="Write the checklist")
    gone = make_user(Role.MEMBER, active=False)
    login(make_user(Role.PROCESS_GROUP))
    refused = client.post(f"/commitments/{commitment.id}", data=commitment_form(
        commitment, description="", owner_id=str(gone.id), due_date="not a day"))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="description-error"' in page and 'id="due_date-error"' in page
    refused = client.post(f"/commitments/{commitment.id}", data=commitment_form(commitment, owner_id=str(gone.id)))
    assert refused.status_code == 422 and "Its owner agreed to it" in refused.get_data(as_text=True)
    db.expire_all()
    assert db.get(Commitment, commitment.id).version == 1


def test_a_stale_commitment_correction_is_a_conflict_showing_the_saved_values(
        client, login, make_user, make_commitment, plan):
    commitment = make_commitment(plan, description="Write the checklist")
    login(make_user(Role.PROCESS_GROUP))
    first = commitment_form(commitment, description="Write the checklist for designs")
    assert client.post(f"/commitments/{commitment.id}", data=first).status_code == 303
    stale = client.post(f"/commitments/{commitment.id}",
                        data=commitment_form(commitment, description="Write the checklist for code"))
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Write the checklist for designs" in page and "Write the checklist for code" in page


def test_who_corrects_a_commitment(client, login, make_user, make_commitment, plan, db):
    owner = make_user(Role.MEMBER)
    on_plan = make_commitment(plan, owner=owner)
    chair = make_user(Role.STEERING)
    meeting = ReviewMeeting(title="Q3 review", held_on=date(2026, 9, 30), period_from=date(2026, 7, 1),
                            period_to=date(2026, 9, 30), chair_id=chair.id, status=MeetingStatus.HELD)
    db.add(meeting)
    db.commit()
    item = Commitment(meeting_id=meeting.id, description="Report on the pilots", owner_id=owner.id,
                      due_date=date(2026, 10, 31))
    db.add(item)
    db.commit()
    # its owner works it through its status, and does not rewrite what was agreed
    login(owner)
    assert client.get(f"/commitments/{on_plan.id}/edit").status_code == 403
    assert client.post(f"/commitments/{on_plan.id}", data=commitment_form(on_plan, due_date="2027-01-01")
                       ).status_code == 403
    # the committee corrects the action items its reviews gave, not the plans' commitments
    login(make_user(Role.STEERING))
    assert client.get(f"/commitments/{on_plan.id}/edit").status_code == 403
    saved = client.post(f"/commitments/{item.id}", data=commitment_form(item, due_date="2026-11-15"))
    assert saved.status_code == 303
    assert saved.headers["Location"].endswith(f"/reviews/{meeting.id}#commitment-{item.id}")
    assert f'href="/commitments/{item.id}/edit"' in client.get(f"/reviews/{meeting.id}").get_data(as_text=True)
    assert client.get("/commitments/999999/edit").status_code == 404
    db.expire_all()
    assert (db.get(Commitment, on_plan.id).version, db.get(Commitment, item.id).due_date) == (1, date(2026, 11, 15))


# --- Issues ---

def test_whoever_raised_an_issue_or_owns_it_corrects_it_and_no_one_else(client, login, make_user, plan, db):
    raiser, owner, other = (make_user(Role.MEMBER, name=name) for name in ("Rae Raiser", "Oli Owner", "Otto"))
    issue = PlanIssue(plan_id=plan.id, title="Tool licence missing", raised_by_id=raiser.id, owner_id=owner.id)
    db.add(issue)
    db.commit()
    login(other)
    assert client.get(f"/issues/{issue.id}/edit").status_code == 403
    assert client.post(f"/issues/{issue.id}", data=issue_form(issue, title="Nope")).status_code == 403
    login(raiser)
    assert f'href="/issues/{issue.id}/edit"' in client.get(f"/plans/{plan.id}").get_data(as_text=True)
    saved = client.post(f"/issues/{issue.id}", data=issue_form(issue, title="Review tool licence missing",
                                                               description="Ten seats short"))
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"/plans/{plan.id}#issue-{issue.id}")
    login(owner)
    db.expire_all()
    issue = db.get(PlanIssue, issue.id)
    refused = client.post(f"/issues/{issue.id}", data=issue_form(issue, title=""))
    assert refused.status_code == 422 and 'id="title-error"' in refused.get_data(as_text=True)
    history = client.get(f"/issues/{issue.id}/edit").get_data(as_text=True).split("History", 1)[1]
    assert "Tool licence missing" in history and "Review tool licence missing" in history
    assert "Ten seats short" in history and "Rae Raiser" in history
    db.expire_all()
    assert (db.get(PlanIssue, issue.id).title, db.get(PlanIssue, issue.id).version) == (
        "Review tool licence missing", 2)


# --- Joint reviews ---

def test_the_process_group_corrects_a_joint_review_its_date_and_attendees(client, login, make_user, plan, db):
    pg = make_user(Role.PROCESS_GROUP)
    ana, ben = make_user(Role.MEMBER, name="Ana Attendee"), make_user(Role.MEMBER, name="Ben Late")
    review = JointReview(plan_id=plan.id, held_on=date(2026, 4, 10), summary="On track", recorded_by_id=pg.id,
                         attendees=[ana])
    db.add(review)
    db.commit()
    login(make_user(Role.MEMBER))
    assert client.get(f"/joint-reviews/{review.id}/edit").status_code == 403
    login(pg)
    assert f'href="/joint-reviews/{review.id}/edit"' in client.get(f"/plans/{plan.id}").get_data(as_text=True)
    form = {"held_on": "2026-04-09", "summary": "On track; the checklist slips a week", "decisions": "Add a reviewer",
            "attendee_ids": [str(ana.id), str(ben.id)], "version": "1"}
    # before the plan starts (2026-03-01) a review of its progress is not held
    refused = client.post(f"/joint-reviews/{review.id}", data=form | {"held_on": "2026-02-20"})
    assert refused.status_code == 422
    assert "The plan starts on 2026-03-01" in refused.get_data(as_text=True)
    saved = client.post(f"/joint-reviews/{review.id}", data=form)
    assert saved.status_code == 303
    assert saved.headers["Location"].endswith(f"/plans/{plan.id}#joint-review-{review.id}")
    db.expire_all()
    corrected = db.get(JointReview, review.id)
    assert (corrected.held_on, corrected.decisions, sorted(a.name for a in corrected.attendees), corrected.version) == (
        date(2026, 4, 9), "Add a reviewer", ["Ana Attendee", "Ben Late"], 2)
    stale = client.post(f"/joint-reviews/{review.id}", data=form | {"summary": "Late"})
    assert stale.status_code == 409
    history = client.get(f"/joint-reviews/{review.id}/edit").get_data(as_text=True).split("History", 1)[1]
    assert "2026-04-10" in history and "2026-04-09" in history and "Ben Late" in history
