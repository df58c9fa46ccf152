"""Signing in and out: one message for every failure, sessions that end on the server."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import PASSWORD
from tracker.auth.roles import Role
from tracker.auth.service import LOGIN_FAILED


def sign_in(client, email: str, password: str = PASSWORD, **kwargs):
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


def test_user_signs_in_and_lands_on_home(client, make_user):
    user = make_user(Role.MEMBER, email="mia@example.org")
    response = sign_in(client, "MIA@example.org ", follow_redirects=True)
    assert response.status_code == 200
    assert user.name in response.get_data(as_text=True)


def test_unknown_email_and_wrong_password_get_the_same_message(client, make_user):
    make_user(email="mia@example.org")
    wrong = sign_in(client, "mia@example.org", "not the password")
    unknown = sign_in(client, "nobody@example.org")
    assert wrong.status_code == unknown.status_code == 401
    assert LOGIN_FAILED in wrong.get_data(as_text=True)
    assert LOGIN_FAILED in unknown.get_data(as_text=True)


def test_deactivated_user_cannot_sign_in(client, make_user):
    make_user(email="gone@example.org", active=False)
    assert sign_in(client, "gone@example.org").status_code == 401


def test_empty_login_form_is_a_422_with_messages(client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 422
    assert "This field is required" in response.get_data(as_text=True)


def test_logout_ends_the_session_on_the_server(app, client, make_user):
    make_user(email="mia@example.org")
    sign_in(client, "mia@example.org")
    stolen_cookie = client.get_cookie("session").value
    client.post("/logout")
    replay = app.test_client()
    replay.set_cookie("session", stolen_cookie)
    response = replay.get("/projects/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_deactivation_ends_a_running_session(client, login, make_user, db):
    user = login(make_user(Role.MEMBER))
    assert client.get("/projects/").status_code == 200
    user.active = False
    db.add(user)
    db.commit()
    assert client.get("/projects/").status_code == 302


def test_idle_session_expires(app, client, login, make_user):
    login(make_user(Role.MEMBER))
    with client.session_transaction() as session:
        session["seen"] = (datetime.now(UTC) - timedelta(minutes=app.config["IDLE_MINUTES"] + 1)).timestamp()
    response = client.get("/projects/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/projects/").status_code == 302  # and stays signed out


def test_htmx_request_without_session_is_told_to_go_to_login(client):
    response = client.get("/projects/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


# Targets an outsider could put in a sign-in link; each must land on this site's home page, never elsewhere.
HOSTILE_NEXT = [
    "//evil.example/x", "/\t/evil.example", "/%09/evil.example", "/\n/evil.example", "/\r\n/evil.example",
    "/%0d%0a/evil.example", "/\\evil.example", "\\\\evil.example", "https://evil.example/", "http:evil.example",
    "javascript:alert(1)", "%2F%2Fevil.example", " //evil.example", "/ /evil.example", "\x00//evil.example",
    "evil.example", "/\u3000/evil.example", "/\x7f/evil.example",
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_sign_in_never_sends_the_user_to_another_site(client, make_user, target):
    make_user(email="mia@example.org")
    response = client.post("/login", query_string={"next": target},
                           data={"email": "mia@example.org", "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_sign_in_follows_a_path_on_this_site(client, make_user):
    make_user(email="mia@example.org")
    response = client.post("/login?next=/projects/%3Fphase%3Dexecution",
                           data={"email": "mia@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/projects/?phase=execution"
