"""Failed sign-ins slow down the address they come from, never the account's owner elsewhere; a throttled
attempt costs no password hashing; an admin, or a password reset, lets the account straight back in."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from tests.conftest import PASSWORD
from tracker.auth import service
from tracker.auth.roles import Role
from tracker.auth.throttle import SignInFailure

ATTACKER, OWNER = "203.0.113.7", "198.51.100.20"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def sign_in(client, email: str, password: str = PASSWORD, *, address: str = ATTACKER):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(service, "utcnow", lambda: NOW)


@pytest.fixture
def hashing(monkeypatch):
    """Counts the password verifications (each one is an Argon2 computation)."""
    calls = []
    real = service.verify_password
    monkeypatch.setattr(service, "verify_password", lambda *a: calls.append(1) or real(*a))
    return calls


def add_failures(db, email: str, address: str, times: list[datetime]) -> None:
    db.add_all(SignInFailure(email=email, address=address, at=at) for at in times)
    db.commit()


def test_five_failures_are_free_then_the_address_must_wait_a_second(client, make_user, frozen):
    make_user(email="mia@example.org")
    for _ in range(5):
        assert sign_in(client, "mia@example.org", "wrong password").status_code == 401
    sixth = sign_in(client, "mia@example.org", "wrong password")
    assert sixth.status_code == 429
    assert sixth.headers["Retry-After"] == "1"
    assert "Try again in 1 second." in sixth.get_data(as_text=True)


def test_each_further_failure_doubles_the_wait(client, make_user, db, frozen):
    make_user(email="mia@example.org")
    # Eight failures, the last two seconds ago: the wait is 2^(8-5) = 8 seconds after it, so 6 from now.
    add_failures(db, "mia@example.org", ATTACKER, [NOW - timedelta(seconds=60 - i) for i in range(7)]
                 + [NOW - timedelta(seconds=2)])
    response = sign_in(client, "mia@example.org")
    assert response.status_code == 429 and response.headers["Retry-After"] == "6"


def test_the_wait_never_exceeds_fifteen_minutes(client, make_user, db, frozen):
    make_user(email="mia@example.org")
    add_failures(db, "mia@example.org", ATTACKER, [NOW - timedelta(seconds=1)] * 25)
    assert sign_in(client, "mia@example.org").headers["Retry-After"] == str(15 * 60 - 1)


def test_failures_older_than_fifteen_minutes_are_forgotten(client, make_user, db, frozen):
    make_user(email="mia@example.org")
    add_failures(db, "mia@example.org", ATTACKER, [NOW - timedelta(minutes=16)] * 10)
    assert sign_in(client, "mia@example.org").status_code == 303


def test_the_owner_signs_in_from_another_address_while_an_attacker_is_slowed(client, make_user, db, frozen):
    make_user(Role.ADMIN, email="admin@example.org")
    add_failures(db, "admin@example.org", ATTACKER, [NOW - timedelta(seconds=1)] * 12)
    assert sign_in(client, "admin@example.org", address=ATTACKER).status_code == 429
    assert sign_in(client, "admin@example.org", address=OWNER).status_code == 303


def test_a_throttled_attempt_runs_no_password_hashing(client, make_user, db, frozen, hashing):
    make_user(email="mia@example.org")
    add_failures(db, "mia@example.org", ATTACKER, [NOW - timedelta(seconds=1)] * 6)
    assert sign_in(client, "mia@example.org").status_code == 429
    assert hashing == []


def test_spraying_many_accounts_from_one_address_is_bounded(client, make_user, db, frozen, hashing):
    make_user(email="mia@example.org")
    # Thirty failures against thirty different accounts (one guess each): the address limit is 30.
    db.add_all(SignInFailure(email=f"user{i}@example.org", address=ATTACKER, at=NOW - timedelta(minutes=5))
               for i in range(30))
    db.commit()
    refused = sign_in(client, "mia@example.org")
    assert refused.status_code == 429 and hashing == []
    assert refused.headers["Retry-After"] == str(10 * 60)  # the oldest failure ages out in ten minutes
    assert sign_in(client, "mia@example.org", address=OWNER).status_code == 303


def test_success_forgets_that_addresss_failures(client, make_user, db):
    make_user(email="mia@example.org")
    for _ in range(4):
        sign_in(client, "mia@example.org", "wrong password")
    assert sign_in(client, "mia@example.org").status_code == 303
    assert db.exec(select(SignInFailure).where(SignInFailure.email == "mia@example.org")).all() == []


def test_admin_sees_a_slowed_account_and_lets_it_sign_in_again(client, login_as, make_user, db):
    mia = make_user(email="mia@example.org")
    add_failures(db, "mia@example.org", ATTACKER, [datetime.now(UTC)] * 6)
    login_as(Role.ADMIN)
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Sign-in slowed after failed attempts" in page
    response = client.post(f"/admin/users/{mia.id}/allow-sign-in")
    assert response.status_code == 303
    assert db.exec(select(SignInFailure)).all() == []
    assert "Sign-in slowed" not in client.get("/admin/users").get_data(as_text=True)
    history = client.get(f"/admin/users/{mia.id}/edit").get_data(as_text=True)
    assert "slowed down after failed attempts" in history


def test_only_admins_can_lift_the_delay(client, login_as, make_user):
    mia = make_user(email="mia@example.org")
    login_as(Role.PROCESS_GROUP)
    assert client.post(f"/admin/users/{mia.id}/allow-sign-in").status_code == 403


def test_an_admin_password_reset_lets_the_owner_straight_back_in(client, login_as, make_user, db):
    mia = make_user(email="mia@example.org")
    add_failures(db, "mia@example.org", ATTACKER, [datetime.now(UTC)] * 8)
    login_as(Role.ADMIN)
    form = {"email": "mia@example.org", "name": mia.name, "roles": "member", "active": "y",
            "password": "a brand new secret", "version": str(mia.version)}
    assert client.post(f"/admin/users/{mia.id}", data=form).status_code == 303
    assert db.exec(select(SignInFailure)).all() == []
