"""Steering reviews through the API: the list's filters, sorts and pages; a review with its attendees and the
decisions taken in it; holding (the pack frozen), closing with the minutes and cancelling (If-Match: a stale move is
412), by the committee and the process group as the page lets them."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from tracker.api.models import Scope
from tracker.auth.roles import Role
from tracker.history.models import AuditEvent
from tracker.reviews.models import MeetingDecision, MeetingStatus, ReviewMeeting


@pytest.fixture
def make_meeting(db, make_user):
    def make(title: str = "Q3 review", status=MeetingStatus.PLANNED, *, held_on=date(2026, 10, 1), chair=None,
             attendees=()) -> ReviewMeeting:
        meeting = ReviewMeeting(title=title, status=status, held_on=held_on, period_from=date(2026, 7, 1),
                                period_to=date(2026, 9, 30), chair_id=(chair or make_user(Role.STEERING)).id,
                                attendees=list(attendees))
        db.add(meeting)
        db.commit()
        return meeting
    return make


def test_the_list_filters_sorts_and_pages_as_the_page_does(api, make_user, make_meeting):
    reader = api(make_user(Role.MEMBER))
    q2 = make_meeting("Q2 review", MeetingStatus.CLOSED, held_on=date(2026, 7, 1))
    q3 = make_meeting("Q3 review", held_on=date(2026, 10, 1))
    extra = make_meeting("Extraordinary review", MeetingStatus.CANCELLED, held_on=date(2026, 8, 15))
    everything = reader.get("/api/v1/reviews")
    assert [item["id"] for item in everything.json["items"]] == [q3.id, extra.id, q2.id]  # the latest first
    assert [item["title"] for item in reader.get("/api/v1/reviews?sort=title").json["items"]] == [
        "Extraordinary review", "Q2 review", "Q3 review"]
    assert [item["title"] for item in reader.get("/api/v1/reviews?status=closed").json["items"]] == ["Q2 review"]
    assert reader.get("/api/v1/reviews?q=EXTRA").json["paging"]["count"] == 1
    first = reader.get("/api/v1/reviews?per_page=2")
    assert first.json["paging"] | {"next": None} == {"page": 1, "per_page": 2, "count": 3, "more": False,
                                                     "next": None, "previous": None}
    assert [item["title"] for item in reader.get(first.json["paging"]["next"]).json["items"]] == ["Q2 review"]
    assert reader.get("/api/v1/reviews?status=postponed").json["errors"] == {
        "status": "Choose one of the listed options."}


def test_the_list_makes_as_many_queries_for_many_reviews_as_for_few(api, make_user, make_meeting, list_reads_flat):
    reader = api(make_user(Role.MEMBER))

    list_reads_flat(reader, "/api/v1/reviews", lambda n: [make_meeting() for _ in range(n)])


def test_a_review_has_its_attendees_and_decisions_and_its_version_as_etag(api, db, make_user, make_meeting,
                                                                         make_proposal):
    reader = api(make_user(Role.MEMBER))
    chair = make_user(Role.STEERING, name="Stella Steering")
    meeting = make_meeting("Q3 review", MeetingStatus.HELD, chair=chair,
                           attendees=[chair, make_user(Role.PROCESS_GROUP, name="Pia Group")])
    proposal = make_proposal(title="Checklist reviews")
    db.add(MeetingDecision(meeting_id=meeting.id, entity="proposal", entity_id=proposal.id, title="Checklist reviews",
                           outcome="Accepted", rationale="Cheap and useful", decided_by_id=chair.id))
    db.commit()
    response = reader.get(f"/api/v1/reviews/{meeting.id}")
    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    body = response.json
    assert (body["title"], body["status"], body["chair"]["name"]) == ("Q3 review", "held", "Stella Steering")
    assert [person["name"] for person in body["attendees"]] == ["Pia Group", "Stella Steering"]  # by name
    assert [(d["record"], d["outcome"], d["decided_by"]["name"]) for d in body["decisions"]] == [
        ({"id": proposal.id, "name": "Checklist reviews", "url": f"/api/v1/proposals/{proposal.id}"}, "Accepted",
         "Stella Steering")]
    assert body["html_url"] == f"/reviews/{meeting.id}"
    missing = reader.get("/api/v1/reviews/2147483647")
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/problem+json"


def test_the_committee_holds_a_review_freezing_its_pack_and_the_history_says_who(api, db, make_user, make_meeting):
    steering = make_user(Role.STEERING)
    meeting = make_meeting()  # its period ended on 2026-09-30
    moved = api(steering).post(f"/api/v1/reviews/{meeting.id}/moves", json={"to": "held"},
                               headers={"If-Match": '"1"'})
    assert moved.status_code == 200 and moved.headers["ETag"] == '"2"'
    assert (moved.json["status"], moved.json["held_on"]) == ("held", str(datetime.now(UTC).date()))  # held today
    assert moved.json["frozen_at"] is not None
    db.refresh(meeting)
    assert "Q3 review" in meeting.pack  # the pack as the committee saw it
    event = db.exec(select(AuditEvent).where(AuditEvent.entity == "review_meeting", AuditEvent.field == "status")).one()
    assert (event.entity_id, event.user_id, event.old, event.new) == (meeting.id, steering.id, "Planned", "Held")


def test_the_process_group_closes_a_held_review_with_its_minutes(api, make_user, make_meeting):
    meeting = make_meeting(status=MeetingStatus.HELD)
    moved = api(make_user(Role.PROCESS_GROUP)).post(f"/api/v1/reviews/{meeting.id}/moves",
                                                    json={"to": "closed", "minutes": "Plans on track."},
                                                    headers={"If-Match": '"1"'})
    assert moved.status_code == 200
    assert (moved.json["status"], moved.json["minutes"]) == ("closed", "Plans on track.")


def test_a_refused_move_is_422_beside_its_fields_and_writes_nothing(api, db, make_user, make_meeting):
    steering = api(make_user(Role.STEERING))
    held = make_meeting(status=MeetingStatus.HELD)
    no_minutes = steering.post(f"/api/v1/reviews/{held.id}/moves", json={"to": "closed"},
                               headers={"If-Match": '"1"'})
    assert no_minutes.status_code == 422
    assert no_minutes.json["errors"] == {"minutes": "Write the minutes: what was discussed and agreed."}
    planned = make_meeting()
    no_reason = steering.post(f"/api/v1/reviews/{planned.id}/moves", json={"to": "cancelled"},
                              headers={"If-Match": '"1"'})
    assert no_reason.status_code == 422
    assert no_reason.json["errors"] == {"rationale": "Say why: a rationale is required for this decision."}
    assert steering.post(f"/api/v1/reviews/{planned.id}/moves", json={"to": "closed", "minutes": "x"},
                         headers={"If-Match": '"1"'}).status_code == 409  # not before it is held
    db.refresh(held), db.refresh(planned)
    assert (held.status, held.version, planned.status, planned.version) == (
        MeetingStatus.HELD, 1, MeetingStatus.PLANNED, 1)
    assert db.exec(select(AuditEvent).where(AuditEvent.entity == "review_meeting")).all() == []


def test_only_the_committee_and_the_process_group_move_a_review_and_only_with_a_write_token(api, db, make_user,
                                                                                          make_meeting):
    meeting = make_meeting()
    url = f"/api/v1/reviews/{meeting.id}/moves"
    cancel = {"to": "cancelled", "rationale": "Nobody can come"}
    for caller in (api(make_user(Role.MEMBER)), api(make_user(Role.PROJECT_LEAD)),
                   api(make_user(Role.STEERING), scope=Scope.READ)):
        assert caller.post(url, json=cancel, headers={"If-Match": '"1"'}).status_code == 403
    db.refresh(meeting)
    assert meeting.status == MeetingStatus.PLANNED


def test_a_stale_move_is_412_with_the_review_as_it_is(api, db, make_user, make_meeting):
    steering = api(make_user(Role.STEERING))
    meeting = make_meeting()
    url = f"/api/v1/reviews/{meeting.id}/moves"
    assert steering.post(url, json={"to": "held"}, headers={"If-Match": '"1"'}).status_code == 200
    stale = steering.post(url, json={"to": "cancelled", "rationale": "Nobody can come"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.headers["ETag"] == '"2"'
    assert stale.json["current"]["status"] == "held"
    db.refresh(meeting)
    assert meeting.status == MeetingStatus.HELD
