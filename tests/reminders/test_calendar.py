"""The personal calendar feed (issue 10): a secret address the person can make anew (the old one stops working at
once), holding their due dates; parsed here by a real iCalendar parser; events keep their UIDs across fetches."""

import re
from datetime import date

import icalendar
import pytest

from tracker.action_plans.models import PlanStatus
from tracker.auth.roles import Role

FEED = re.compile(r'value="(http://localhost/notifications/calendar/[^"]+\.ics)"')


@pytest.fixture
def member(login_as):
    return login_as(Role.MEMBER, name="Mo Member")


def new_address(client) -> str:
    page = client.post("/notifications/settings/calendar").get_data(as_text=True)
    return FEED.search(page).group(1).removeprefix("http://localhost")


def events(client, address) -> dict[str, icalendar.Event]:
    response = client.get(address)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_holds_the_persons_due_dates_with_stable_uids(client, member, make_plan, make_commitment, make_pilot):
    plan = make_plan(PlanStatus.IN_PROGRESS, owner_id=member.id, joint_review_weeks=4, planned_start=date(2026, 1, 5))
    commitment = make_commitment(plan, owner=member, description="Draft the checklist", due_date=date(2027, 3, 12))
    pilot = make_pilot(plan, end_date=date(2027, 5, 31))
    address = new_address(client)
    client.post("/logout")  # calendars fetch without signing in
    found = events(client, address)
    due = found[f"commitment-{commitment.id}@127.0.0.1"]
    assert due.decoded("DTSTART") == date(2027, 3, 12)
    assert str(due["SUMMARY"]) == "Due: Draft the checklist"
    assert found[f"pilot-{pilot.id}-end@127.0.0.1"].decoded("DTSTART") == date(2027, 5, 31)
    assert found[f"plan-{plan.id}-joint-review@127.0.0.1"].decoded("DTSTART") == date(2026, 2, 2)  # 4 weeks on
    assert set(events(client, address)) == set(found)  # the same UIDs on every fetch


def test_a_wrong_or_replaced_address_is_not_found(client, member):
    first = new_address(client)
    assert client.get(first).status_code == 200
    second = new_address(client)
    assert client.get(first).status_code == 404  # the old address stops working at once
    assert client.get(second).status_code == 200
    assert client.get("/notifications/calendar/not-the-secret.ics").status_code == 404


def test_a_deactivated_persons_feed_stops(client, member, db):
    address = new_address(client)
    member.active = False
    db.add(member)
    db.commit()
    assert client.get(address).status_code == 404


def test_the_address_is_kept_only_as_a_hash(client, member, db):
    address = new_address(client)
    db.refresh(member)
    token = address.rsplit("/", 1)[1].removesuffix(".ics")
    assert member.calendar_token_hash and token not in member.calendar_token_hash
