"""No secret reaches a log: passwords, cookies, tokens, CSRF tokens and the database password are planted as
canaries, every sign-in path and account change is driven through success and failure, and all log output of all
loggers (DEBUG and up, tracebacks and extra fields included) is searched for them."""

import logging
import os

import pytest
import sqlalchemy as sa

from tracker import create_app
from tracker.auth.passwords import hash_password
from tracker.auth.roles import Role
from tracker.auth.throttle import SignInFailure
from tracker.db import normalize_url, utcnow

CANARY_PASSWORD = "canary-pw-7f3a9c1e"
CANARY_WRONG_PASSWORD = "canary-wrong-pw-22b8"
CANARY_TYPED_AS_EMAIL = "canary-typed-in-email-0e71"  # people type their password into the email field
CANARY_NEW_PASSWORD = "canary-new-pw-5a6d"
CANARY_ADMIN_PASSWORD = "canary-admin-pw-13c4"
CANARY_CLI_PASSWORD = "canary-cli-pw-8e90"
CANARY_WEAK_PASSWORD = "cnry-9x"  # refused as too short: the refusal must not repeat it
CANARY_COOKIE = "canary-cookie-51d2"
CANARY_TOKEN = "canary-token-b6e0"
CANARY_CSRF = "canary-csrf-93aa"
CANARY_DB_PASSWORD = "canary-dbpw-4c8d"


@pytest.fixture
def all_logs(caplog, capsys):
    """Everything any logger emits at DEBUG and up, as text: messages, arguments, extra fields, tracebacks; and
    whatever reached stdout or stderr (Flask's own log handler writes there)."""
    caplog.set_level(logging.DEBUG)
    detached = [logger for logger in logging.root.manager.loggerDict.values()
                if isinstance(logger, logging.Logger) and not logger.propagate]
    for logger in detached:
        logger.addHandler(caplog.handler)
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")

    def text() -> str:
        streams = capsys.readouterr()
        records = [formatter.format(r) + " " + repr(r.__dict__) for r in caplog.records]
        return "\n".join([*records, streams.out, streams.err])
    yield text
    for logger in detached:
        logger.removeHandler(caplog.handler)


def sign_in(client, email: str, password: str):
    return client.post("/login", data={"email": email, "password": password})


def password_form(current: str, new: str) -> dict:
    return {"current_password": current, "new_password": new, "new_password_again": new}


def test_no_secret_reaches_any_log(app, client, make_user, login, db, all_logs, tmp_path):
    mia = make_user(Role.MEMBER, email="mia@example.org", name="Mia", password_hash=hash_password(CANARY_PASSWORD))
    root = make_user(Role.ADMIN, email="root@example.org", name="Root")

    # Signing in and out, with the real session cookie and CSRF token kept as canaries too.
    assert sign_in(client, "mia@example.org", CANARY_PASSWORD).status_code == 303
    secrets = [client.get_cookie("session").value, client.csrf_token()]
    assert client.get("/admin/users").status_code == 403  # a permission denial
    assert client.post("/account/password", data=password_form(CANARY_WRONG_PASSWORD, CANARY_NEW_PASSWORD)
                       ).status_code == 422
    assert client.post("/account/password", data=password_form(CANARY_PASSWORD, CANARY_NEW_PASSWORD)
                       ).status_code == 303
    secrets.append(client.get_cookie("session").value)
    # CSRF failures: a planted token in the form, and in the header htmx sends.
    assert client.post("/logout", csrf=False, data={"csrf_token": CANARY_CSRF}).status_code == 400
    assert client.post("/logout", csrf=False, headers={"X-CSRFToken": CANARY_CSRF}).status_code == 400
    assert client.post("/logout").status_code == 303

    # Failures: a wrong password, a password typed as the email, an unknown account, then throttled.
    assert sign_in(client, "mia@example.org", CANARY_WRONG_PASSWORD).status_code == 401
    assert sign_in(client, CANARY_TYPED_AS_EMAIL, CANARY_NEW_PASSWORD).status_code == 401
    assert sign_in(client, "nobody@example.org", CANARY_PASSWORD).status_code == 401
    db.add_all(SignInFailure(email="mia@example.org", address="127.0.0.1", at=utcnow()) for _ in range(8))
    db.commit()
    assert sign_in(client, "mia@example.org", CANARY_NEW_PASSWORD).status_code == 429

    # Planted cookies and tokens.
    stranger = app.test_client()
    stranger.set_cookie("session", CANARY_COOKIE)
    stranger.set_cookie("remember_token", CANARY_COOKIE)
    assert stranger.get("/projects/", headers={"Authorization": f"Bearer {CANARY_TOKEN}"}).status_code == 302
    assert stranger.get(f"/notifications/calendar/{CANARY_TOKEN}.ics").status_code == 404

    # Account changes from the admin form and the command line.
    login(root)
    form = {"email": "mia@example.org", "name": "Mia", "roles": ["member", "steering"], "version": str(mia.version + 1),
            "password": CANARY_ADMIN_PASSWORD}  # the password change above made version 2; active unticked
    assert client.post(f"/admin/users/{mia.id}", data=form).status_code == 303
    runner = app.test_cli_runner()
    for args, typed, status in [
            (["reset-password", "mia@example.org", "--password-stdin"], CANARY_CLI_PASSWORD, 0),
            (["reset-password", "mia@example.org"], f"{CANARY_CLI_PASSWORD}x\n{CANARY_CLI_PASSWORD}x", 0),
            (["reset-password", "mia@example.org", "--password-stdin"], CANARY_WEAK_PASSWORD, 1),
            (["create", "new@example.org", "--role", "member", "--password-stdin"], CANARY_CLI_PASSWORD, 0),
            (["unlock", "mia@example.org"], "", 0), (["roles", "mia@example.org", "--set", "member"], "", 0),
            (["list"], "", 0)]:
        result = runner.invoke(args=["user", *args], input=typed + "\n")
        assert result.exit_code == status, result.output
        assert CANARY_CLI_PASSWORD not in result.output and CANARY_WEAK_PASSWORD not in result.output

    # A database that refuses the configured password (or cannot be reached): its URL holds a canary.
    _broken_database_requests(tmp_path)

    logs = all_logs()
    assert "event=sign_in.success" in logs and "event=csrf.failure" in logs  # the capture did see the events
    for canary in [CANARY_PASSWORD, CANARY_WRONG_PASSWORD, CANARY_TYPED_AS_EMAIL, CANARY_NEW_PASSWORD,
                   CANARY_ADMIN_PASSWORD, CANARY_CLI_PASSWORD, CANARY_WEAK_PASSWORD, CANARY_COOKIE, CANARY_TOKEN,
                   CANARY_CSRF, CANARY_DB_PASSWORD, *secrets]:
        assert canary not in logs, f"{canary!r} is in the log"


def _broken_database_requests(tmp_path) -> None:
    """The app on a PostgreSQL URL with a canary password: the test server's host (which refuses it) when the suite
    runs on PostgreSQL, else a port nothing listens on."""
    server = os.environ.get("TRACKER_DATABASE_URL", "")
    url = (sa.engine.make_url(normalize_url(server)).set(password=CANARY_DB_PASSWORD) if server.startswith("postgres")
           else sa.engine.make_url(f"postgresql+psycopg://tracker:{CANARY_DB_PASSWORD}@127.0.0.1:9/tracker"))
    broken = create_app({"DATABASE_URL": url.render_as_string(hide_password=False), "DATA_DIR": str(tmp_path),
                         "SECRET_KEY": "another-secret"})
    broken.config["TESTING"] = True
    try:
        client = broken.test_client()
        assert client.get("/healthz").status_code == 503
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token"')[1].split('value="')[1].split('"')[0]
        response = client.post("/login", data={"email": "mia@example.org", "password": CANARY_PASSWORD,
                                               "csrf_token": token})
        assert response.status_code == 503
        result = broken.test_cli_runner().invoke(args=["user", "list"])
        assert result.exit_code != 0 and CANARY_DB_PASSWORD not in result.output
    finally:
        broken.extensions["tracker.engine"].dispose()
