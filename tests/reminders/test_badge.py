"""The navigation's unread badge: the count as it is up to 99, "99+" from 100 on (it counts no further, so a person
who left thousands unread costs every page no more than one who left a hundred)."""

import pytest

from tracker.auth.roles import Role
from tracker.reminders.models import Notification


def unread(db, user, how_many: int) -> None:
    db.add_all(Notification(rule="commitment_due", subject=f"commitment:{n}", recipient_id=user.id, period="p",
                            title=f"Reminder {n}", link="/commitments/") for n in range(how_many))
    db.commit()


@pytest.mark.parametrize(("how_many", "shown", "said"), [
    (1, "1", "1 unread"), (99, "99", "99 unread"), (100, "99+", "more than 99 unread"),
    (250, "99+", "more than 99 unread")])
def test_the_badge_shows_the_count_up_to_99_then_99_plus(client, login, make_user, db, how_many, shown, said):
    member = login(make_user(Role.MEMBER))
    unread(db, member, how_many)
    badge = client.get("/notifications/badge", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f'<span class="count" aria-label="{said}">{shown}</span>' in badge


def test_no_unread_no_count(client, login, make_user):
    login(make_user(Role.MEMBER))
    badge = client.get("/notifications/badge", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'class="count"' not in badge and "Reminders" in badge


def test_the_reminders_page_says_more_than_99_where_the_badge_says_99_plus(client, login, make_user, db):
    """Found by a walk-through: the reminders page said "100 unread" of 1,976."""
    member = login(make_user(Role.MEMBER))
    unread(db, member, 150)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "More than 99 unread" in page and "100 unread" not in page
