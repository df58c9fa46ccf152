"""Security events: one record each on the `tracker.security` logger, as key=value pairs with who, from where and
through what (the request id when the request-id middleware set one)."""

import json
import logging
import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import PASSWORD
from tracker.auth.roles import Role
from tracker.auth.throttle import SignInFailure

ADDRESS = "203.0.113.7"
PAIR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)')


@pytest.fixture
def security(caplog):
    """The security records so far, each parsed from its one line of key=value pairs."""
    caplog.set_level(logging.INFO, logger="tracker.security")

    def records(kind: str | None = None) -> list[dict[str, str]]:
        found = []
        for record in caplog.records:
            if record.name != "tracker.security":
                continue
            line = record.getMessage()
            assert "\n" not in line and "\r" not in line
            fields = {k: json.loads(v) if v.startswith('"') else v for k, v in PAIR.findall(line)}
            fields["level"] = record.levelname
            if kind is None or fields["event"] == kind:
                found.append(fields)
        return found
    return records


@pytest.fixture
def request_id(app, client):
    """The id the proxy in front sends with every request (tracker/observe.py keeps it, behind a proxy)."""
    app.config["PROXY_FIX"] = True
    client.environ_base["HTTP_X_REQUEST_ID"] = "req-00000042"
    return "req-00000042"


def post_from(client, url: str, data: dict, **kwargs):
    return client.post(url, data=data, environ_base={"REMOTE_ADDR": ADDRESS}, **kwargs)


def sign_in(client, email: str, password: str = PASSWORD):
    return post_from(client, "/login", {"email": email, "password": password})


def test_sign_in_success(client, make_user, security, request_id):
    mia = make_user(Role.MEMBER, email="mia@example.org")
    assert sign_in(client, "mia@example.org").status_code == 303
    assert security() == [{"event": "sign_in.success", "user_id": str(mia.id), "email": "mia@example.org",
                           "address": ADDRESS, "endpoint": "auth.login", "request_id": "req-00000042", "level": "INFO"}]


def test_sign_in_failure_is_one_line_with_the_attempted_email(client, make_user, security, request_id, caplog):
    make_user(Role.MEMBER, email="mia@example.org")
    assert sign_in(client, "Mia@Example.org", "not the password").status_code == 401
    lines = [r.getMessage() for r in caplog.records if r.name == "tracker.security"]
    assert lines == ["event=sign_in.failure email=mia@example.org reason=wrong_password address=203.0.113.7 "
                     "endpoint=auth.login request_id=req-00000042"]
    assert security()[0]["level"] == "WARNING"


def test_unknown_account_and_deactivated_account_failures(client, make_user, security):
    make_user(Role.MEMBER, email="gone@example.org", active=False)
    sign_in(client, "nobody@example.org")
    sign_in(client, "gone@example.org")
    assert [(e["email"], e["reason"]) for e in security("sign_in.failure")] == [
        ("nobody@example.org", "unknown_account"), ("gone@example.org", "deactivated")]


def test_without_a_proxys_request_id_the_app_makes_one(client, make_user, security):
    make_user(Role.MEMBER, email="mia@example.org")
    sign_in(client, "mia@example.org")
    assert re.fullmatch(r"[0-9a-f]{16}", security("sign_in.success")[0]["request_id"])


def test_throttled_sign_in(client, make_user, db, security):
    make_user(Role.MEMBER, email="mia@example.org")
    db.add_all(SignInFailure(email="mia@example.org", address=ADDRESS, at=datetime.now(UTC) - timedelta(seconds=1))
               for _ in range(8))  # five are free, then the delay doubles: 8 seconds after the eighth
    db.commit()
    assert sign_in(client, "mia@example.org").status_code == 429
    [event] = security()
    assert event["event"] == "sign_in.throttled" and event["email"] == "mia@example.org"
    assert event["level"] == "WARNING" and int(event["retry_after"]) > 0


def test_sign_out(client, login, make_user, security):
    mia = login(make_user(Role.MEMBER, email="mia@example.org"))
    client.post("/logout")
    assert [(e["event"], e["user_id"], e["endpoint"]) for e in security()] == [("sign_out", str(mia.id), "auth.logout")]


def test_permission_denied(client, login, make_user, security, request_id):
    mia = login(make_user(Role.MEMBER, email="mia@example.org"))
    assert client.get("/admin/users", environ_base={"REMOTE_ADDR": ADDRESS}).status_code == 403
    assert security() == [{"event": "permission.denied", "user_id": str(mia.id), "email": "mia@example.org",
                           "action": "user.manage", "reason": "Only an administrator may do that.",
                           "address": ADDRESS, "endpoint": "admin.users", "request_id": "req-00000042", "level": "WARNING"}]


def test_csrf_failure(client, login, make_user, security):
    member = login(make_user(Role.MEMBER))
    client.get("/projects/")  # a page gives the session its CSRF secret
    assert client.post("/logout", csrf=False, data={"csrf_token": "forged"}).status_code == 400
    [event] = security()
    assert event["event"] == "csrf.failure" and event["endpoint"] == "auth.logout" and event["level"] == "WARNING"
    assert event["reason"] == "The CSRF token is invalid."
    assert str(event["user_id"]) == str(member.id)  # found by a walk-through: the account was not named


def admin_form(user, **changes) -> dict:
    return {"email": user.email, "name": user.name, "roles": [r.value for r in user.roles], "active": "y",
            "version": str(user.version)} | changes


def test_role_change_from_the_admin_form(client, login_as, make_user, security, request_id):
    admin = login_as(Role.ADMIN, email="root@example.org")
    mia = make_user(Role.MEMBER, email="mia@example.org")
    assert client.post(f"/admin/users/{mia.id}", data=admin_form(mia, roles=["member", "steering"])).status_code == 303
    assert security() == [{"event": "account.roles_changed", "user_id": str(mia.id), "email": "mia@example.org",
                           "old": "Member", "new": "Steering committee, Member", "by_user_id": str(admin.id),
                           "by_email": "root@example.org", "sessions_ended": "no", "address": "127.0.0.1",
                           "endpoint": "admin.update_user", "request_id": "req-00000042", "level": "INFO"}]


def test_deactivation_and_password_reset_from_the_admin_form(client, login_as, make_user, security):
    admin = login_as(Role.ADMIN, email="root@example.org")
    mia = make_user(Role.MEMBER, email="mia@example.org")
    form = admin_form(mia, password="a brand new passphrase")
    del form["active"]
    assert client.post(f"/admin/users/{mia.id}", data=form).status_code == 303
    events = {e["event"]: e for e in security()}
    assert sorted(events) == ["account.deactivated", "account.password_reset"]
    for event in events.values():
        assert (event["user_id"], event["by_user_id"], event["sessions_ended"]) == (str(mia.id), str(admin.id), "yes")


@pytest.mark.parametrize(("args", "kind"), [
    (["roles", "mia@example.org", "--add", "steering"], "account.roles_changed"),
    (["deactivate", "mia@example.org"], "account.deactivated"),
    (["reset-password", "mia@example.org", "--password-stdin"], "account.password_reset"),
    (["unlock", "mia@example.org"], "account.unlocked"),
])
def test_command_line_changes(app, make_user, security, args, kind):
    mia = make_user(Role.MEMBER, email="mia@example.org")
    result = app.test_cli_runner().invoke(args=["user", *args], input="a brand new passphrase\n")
    assert result.exit_code == 0, result.output
    [event] = security()
    assert event["event"] == kind and event["user_id"] == str(mia.id) and event["by_user"] == "command line"
    assert event["via"] == "cli" and event["command"].endswith(f"user {args[0]}") and event["os_user"]


def test_account_created_from_the_command_line(app, security):
    result = app.test_cli_runner().invoke(args=["user", "create", "new@example.org", "--role", "steering",
                                                "--password-stdin"], input="a brand new passphrase\n")
    assert result.exit_code == 0, result.output
    [event] = security()
    assert (event["event"], event["email"], event["roles"], event["by_user"]) == (
        "account.created", "new@example.org", "Steering committee", "command line")


def test_own_password_change(client, login, make_user, security):
    mia = login(make_user(Role.MEMBER, email="mia@example.org"))
    client.post("/account/password", data={"current_password": "wrong guess", "new_password": "a brand new passphrase",
                                           "new_password_again": "a brand new passphrase"})
    client.post("/account/password", data={"current_password": PASSWORD, "new_password": "a brand new passphrase",
                                           "new_password_again": "a brand new passphrase"})
    assert [(e["event"], e["user_id"], e.get("reason")) for e in security()] == [
        ("password_change.failure", str(mia.id), "wrong_password"), ("password_change", str(mia.id), None)]


def test_sessions_ended_by_the_app(client, login, make_user, security):
    mia = login(make_user(Role.MEMBER))
    with client.session_transaction() as session:
        session["signed_in"] = (datetime.now(UTC) - timedelta(hours=13)).timestamp()
    client.get("/projects/")
    login(mia)
    with client.session_transaction() as session:
        session["seen"] = (datetime.now(UTC) - timedelta(hours=1)).timestamp()
    client.get("/projects/")
    assert [(e["event"], e["reason"], e["user_id"]) for e in security()] == [
        ("session.expired", "absolute", str(mia.id)), ("session.expired", "idle", str(mia.id))]


def test_a_typed_email_cannot_forge_a_line_or_a_field(client, security, caplog):
    sign_in(client, 'x"y=z@example.org')
    sign_in(client, "mia@example.org\nevent=sign_in.success")
    assert [e["email"] for e in security()] == ['x"y=z@example.org', "(not an email address)"]
    assert [e["event"] for e in security()] == ["sign_in.failure", "sign_in.failure"]
