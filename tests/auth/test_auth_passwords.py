"""Passwords: hashed at OWASP's Argon2 floor, common ones refused everywhere, and users change their own."""

import pytest
from argon2 import PasswordHasher
from sqlmodel import select

from tests.conftest import PASSWORD
from tracker.auth.models import User
from tracker.auth.passwords import hash_password
from tracker.auth.roles import Role


def test_passwords_are_hashed_with_argon2id_at_19_mib_and_two_passes():
    assert hash_password("a long enough secret").startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_hash_made_with_older_parameters_is_replaced_at_sign_in(client, make_user, db):
    old = PasswordHasher(memory_cost=65536, time_cost=3, parallelism=4).hash(PASSWORD)
    mia = make_user(email="mia@example.org", password_hash=old)
    assert client.post("/login", data={"email": "mia@example.org", "password": PASSWORD}).status_code == 303
    db.expire_all()
    assert db.get(User, mia.id).password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


@pytest.mark.parametrize(("password", "message"), [
    ("password12", "This is one of the most common passwords"),
    ("Password12", "This is one of the most common passwords"),
    ("qwertyuiop", "This is one of the most common passwords"),
    ("aaaaaaaaaa", "Use more than one or two different characters."),
    ("abababababab", "Use more than one or two different characters."),
    ("short", "Use at least 10 characters."),
    ("new@example.org", "Do not use your email address as your password."),
])
def test_an_admin_cannot_give_a_weak_password(client, login_as, db, password, message):
    login_as(Role.ADMIN)
    form = {"email": "new@example.org", "name": "New", "roles": "member", "active": "y", "password": password}
    response = client.post("/admin/users", data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.exec(select(User).where(User.email == "new@example.org")).first() is None


def test_the_command_line_refuses_a_common_password(app):
    result = app.test_cli_runner().invoke(args=["user", "create", "ops@example.org", "--role", "admin",
                                                "--password-stdin"], input="password12\n")
    assert result.exit_code != 0 and "most common passwords" in result.output


def change(client, current: str, new: str, again: str | None = None):
    return client.post("/account/password", data={"current_password": current, "new_password": new,
                                                  "new_password_again": new if again is None else again})


def test_every_user_has_a_change_password_page_linked_from_their_name(client, login_as):
    login_as(Role.MEMBER, name="Mia Member")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/account/password"' in home
    page = client.get("/account/password").get_data(as_text=True)
    for label in ("Current password", "New password", "New password again"):
        assert label in page


def test_changing_needs_the_current_password(client, login_as, db):
    mia = login_as(Role.MEMBER)
    response = change(client, "not my password", "a brand new secret")
    assert response.status_code == 422
    assert "That is not your current password." in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(User, mia.id).password_hash == mia.password_hash


@pytest.mark.parametrize(("new", "again", "message"), [
    ("password12", None, "This is one of the most common passwords"),
    ("short", None, "Use at least 10 characters."),
    ("a brand new secret", "a brand new secrex", "The two new passwords differ."),
])
def test_a_new_password_that_breaks_a_rule_is_refused_beside_its_field(client, login_as, new, again, message):
    login_as(Role.MEMBER)
    response = change(client, PASSWORD, new, again)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert PASSWORD not in response.get_data(as_text=True)  # passwords are never echoed back


def test_changing_ends_the_other_sessions_and_keeps_this_one(app, client, make_user, login, db):
    mia = make_user(Role.MEMBER, email="mia@example.org")
    login(mia)
    elsewhere = app.test_client()
    with elsewhere.session_transaction() as session:
        session["_user_id"] = mia.get_id()
    assert elsewhere.get("/projects/").status_code == 200
    response = change(client, PASSWORD, "a brand new secret")
    assert response.status_code == 303
    assert client.get("/projects/").status_code == 200  # still signed in here
    assert elsewhere.get("/projects/").status_code == 302  # signed out there
    db.expire_all()
    assert db.get(User, mia.id).session_generation == 1
    client.post("/logout")
    signed_in = client.post("/login", data={"email": "mia@example.org", "password": "a brand new secret"})
    assert signed_in.status_code == 303
