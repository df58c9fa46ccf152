"""Signing in and out: one message for every failure, lockout, sessions that end on the server."""

from datetime import UTC, datetime, timedelta

from tests.conftest import PASSWORD
from tracker.auth.models import User
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


def test_ten_failures_lock_the_account_even_for_the_right_password(client, make_user, db):
    user = make_user(email="mia@example.org")
    for _ in range(10):
        sign_in(client, "mia@example.org", "wrong password")
    response = sign_in(client, "mia@example.org")
    assert response.status_code == 401
    db.expire_all()
    assert db.get(User, user.id).locked_until > datetime.now(UTC) + timedelta(minutes=9)


def test_lock_expires_after_ten_minutes(client, make_user, db):
    user = make_user(email="mia@example.org", locked_until=datetime.now(UTC) - timedelta(seconds=1))
    assert sign_in(client, "mia@example.org").status_code == 303
    db.expire_all()
    assert db.get(User, user.id).failed_logins == 0


def test_nine_failures_then_success_resets_the_count(client, make_user):
    make_user(email="mia@example.org")
    for _ in range(9):
        sign_in(client, "mia@example.org", "wrong password")
    assert sign_in(client, "mia@example.org").status_code == 303
    client.post("/logout")
    for _ in range(9):
        sign_in(client, "mia@example.org", "wrong password")
    assert sign_in(client, "mia@example.org").status_code == 303


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


def test_login_redirects_only_to_paths_on_this_site(client, make_user):
    make_user(email="mia@example.org")
    response = client.post("/login?next=//evil.example/x", data={"email": "mia@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/projects/", data={"email": "mia@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/projects/"


def test_htmx_request_without_session_is_told_to_go_to_login(client):
    response = client.get("/projects/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")
