"""A session lasts at most ABSOLUTE_HOURS (12 by default) from its sign-in, however active the person is."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import PASSWORD
from tracker.auth.roles import Role
from tracker.config import load_config

ENDED = "Your session ended after 12 hours; please sign in again."


def age(client, *, signed_in: timedelta, seen: timedelta = timedelta(minutes=1)) -> None:
    """Move the session's clock: signed in `signed_in` ago, last request `seen` ago."""
    now = datetime.now(UTC)
    with client.session_transaction() as session:
        session["signed_in"] = (now - signed_in).timestamp()
        session["seen"] = (now - seen).timestamp()


def test_signing_in_stamps_the_sign_in_time(client, make_user):
    make_user(Role.MEMBER, email="mia@example.org")
    before = datetime.now(UTC).timestamp()
    assert client.post("/login", data={"email": "mia@example.org", "password": PASSWORD}).status_code == 303
    with client.session_transaction() as session:
        assert before <= session["signed_in"] <= datetime.now(UTC).timestamp()


def test_an_active_session_ends_twelve_hours_after_sign_in(client, login, make_user):
    login(make_user(Role.MEMBER))
    age(client, signed_in=timedelta(hours=12, minutes=1), seen=timedelta(minutes=1))
    response = client.get("/projects/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert ENDED in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get("/projects/").status_code == 302  # and stays signed out


def test_a_session_just_under_twelve_hours_goes_on(client, login, make_user):
    login(make_user(Role.MEMBER))
    age(client, signed_in=timedelta(hours=11, minutes=59))
    assert client.get("/projects/").status_code == 200


def test_activity_does_not_extend_the_lifetime(client, login, make_user):
    login(make_user(Role.MEMBER))
    age(client, signed_in=timedelta(hours=11, minutes=59, seconds=58), seen=timedelta(seconds=1))
    assert client.get("/projects/").status_code == 200
    with client.session_transaction() as session:  # two seconds on, the same sign-in: past 12 hours
        session["signed_in"] -= 3
    assert client.get("/projects/").status_code == 302


def test_an_htmx_request_is_sent_to_sign_in_with_the_message(client, login, make_user):
    login(make_user(Role.MEMBER))
    age(client, signed_in=timedelta(hours=13))
    response = client.get("/projects/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")
    assert ENDED in client.get(response.headers["HX-Redirect"]).get_data(as_text=True)


def test_polling_in_the_background_is_signed_out_too(client, login, make_user):
    login(make_user(Role.MEMBER))
    age(client, signed_in=timedelta(hours=13))
    response = client.get("/notifications/badge", headers={"HX-Request": "true"})
    assert response.status_code == 401


def test_signed_in_again_after_an_htmx_request_one_returns_to_the_page_not_the_fragment(client, login, make_user):
    """Found by a walk-through: the badge's poll after the session ended sent the person to sign in with
    next=/notifications/badge, and they landed on a bare badge. They return to the page they were on."""
    member = login(make_user(Role.MEMBER))
    age(client, signed_in=timedelta(hours=13))
    response = client.get("/notifications/badge", headers={
        "HX-Request": "true", "HX-Current-URL": "http://localhost/plans/?status=in_progress"})
    assert response.headers["HX-Redirect"] == "/login?next=/plans/?status%3Din_progress"
    page = client.post(response.headers["HX-Redirect"], data={"email": member.email, "password": PASSWORD})
    assert page.status_code == 303 and page.headers["Location"] == "/plans/?status=in_progress"


def test_the_lifetime_is_configurable(app, client, login, make_user):
    app.config["ABSOLUTE_HOURS"] = 1
    login(make_user(Role.MEMBER))
    age(client, signed_in=timedelta(minutes=61))
    response = client.get("/projects/", follow_redirects=True)
    assert "Your session ended after 1 hour; please sign in again." in response.get_data(as_text=True)


def test_a_session_from_before_the_stamp_counts_from_its_next_request(client, login, make_user):
    login(make_user(Role.MEMBER))  # the fixture stamps no sign-in time, as cookies made before this change
    assert client.get("/projects/").status_code == 200
    with client.session_transaction() as session:
        assert session["signed_in"] <= datetime.now(UTC).timestamp()


@pytest.mark.parametrize(("environment", "hours"), [(None, 12), ("3", 3)])
def test_absolute_hours_default_and_environment(monkeypatch, tmp_path, environment, hours):
    monkeypatch.delenv("TRACKER_ABSOLUTE_HOURS", raising=False)
    if environment is not None:
        monkeypatch.setenv("TRACKER_ABSOLUTE_HOURS", environment)
    assert load_config({"DATA_DIR": str(tmp_path), "SECRET_KEY": "x"})["ABSOLUTE_HOURS"] == hours
