"""Accounts from the command line: the admin form's rules and history, sessions ended where the form ends them."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from tests.conftest import PASSWORD, count_rows
from tracker.auth.models import User
from tracker.auth.passwords import verify_password
from tracker.auth.roles import Role
from tracker.auth.throttle import SignInFailure
from tracker.history.models import AuditEvent

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def invoke(*args: str, input: str | None = None):  # noqa: A002 - CliRunner's own word
        return runner.invoke(args=["user", *args], input=input)
    return invoke


@pytest.fixture
def signed_in_as(app):
    """A second browser, signed in as someone: does their session survive what the command line does?"""
    def sign_in(user: User):
        browser = app.test_client()
        with browser.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["seen"] = datetime.now(UTC).timestamp()
        assert browser.get("/projects/").status_code == 200
        return browser
    return sign_in


def history_of(db, user: User) -> list[tuple]:
    db.expire_all()
    rows = db.exec(select(AuditEvent).where(AuditEvent.entity == "user", AuditEvent.entity_id == user.id)
                   .order_by(AuditEvent.id)).all()
    return [(row.user_id, row.action, row.field, row.old, row.new) for row in rows]


def reloaded(db, user: User) -> User:
    db.expire_all()
    return db.get(User, user.id)


def signed_out(browser) -> bool:
    response = browser.get("/projects/")
    return response.status_code == 302 and "/login" in response.headers["Location"]


# list

def test_list_shows_every_account_with_roles_state_and_lock(run, make_user, db):
    make_user(Role.PROCESS_GROUP, email="head@example.org", name="Hanna Head", also=(Role.STEERING,))
    make_user(Role.MEMBER, email="gone@example.org", name="Gus Gone", active=False)
    make_user(Role.MEMBER, email="mia@example.org", name="Mia")
    now = datetime.now(UTC)
    db.add_all(SignInFailure(email="mia@example.org", address="203.0.113.7", at=now - timedelta(minutes=m))
               for m in range(1, 6))
    db.commit()
    result = run("list")
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.splitlines()]
    assert lines[0] == ["email", "name", "roles", "active", "locked"]
    assert lines[1:] == [["gone@example.org", "Gus", "Gone", "member", "no", "no"],
                         ["head@example.org", "Hanna", "Head", "process_group,", "steering", "yes", "no"],
                         ["mia@example.org", "Mia", "member", "yes", "yes"]]


# deactivate

def test_deactivate_ends_sessions_and_writes_history(run, make_user, signed_in_as, db):
    mia = make_user(Role.MEMBER, email="mia@example.org")
    browser = signed_in_as(mia)
    result = run("deactivate", "MIA@example.org")
    assert result.exit_code == 0, result.output
    assert "deactivated mia@example.org" in result.output
    assert reloaded(db, mia).active is False
    assert history_of(db, mia) == [(None, "update", "active", "yes", "no")]  # the command line: no account
    assert signed_out(browser)


def test_deactivating_the_last_active_admin_is_refused(run, make_user, signed_in_as, db):
    root = make_user(Role.ADMIN, email="root@example.org")
    make_user(Role.ADMIN, email="old@example.org", active=False)  # a deactivated admin does not count
    browser = signed_in_as(root)
    result = run("deactivate", "root@example.org")
    assert result.exit_code == 1  # said plainly: no form field's name before it
    assert result.output == ("Error: This is the last active administrator: make another account an administrator "
                             "first.\n")
    assert reloaded(db, root).active is True and history_of(db, root) == []
    assert not signed_out(browser)


def test_an_admin_may_be_deactivated_while_another_stays(run, make_user, db):
    root = make_user(Role.ADMIN, email="root@example.org")
    make_user(Role.ADMIN, email="ops@example.org")
    assert run("deactivate", "root@example.org").exit_code == 0
    assert reloaded(db, root).active is False


def test_deactivating_twice_changes_nothing_more(run, make_user, db):
    gone = make_user(Role.MEMBER, email="gone@example.org", active=False)
    result = run("deactivate", "gone@example.org")
    assert result.exit_code == 0 and "already deactivated" in result.output
    assert history_of(db, gone) == []


# reset-password

def test_reset_password_from_stdin_ends_sessions_and_lifts_delays(run, make_user, signed_in_as, db):
    mia = make_user(Role.MEMBER, email="mia@example.org")
    db.add(SignInFailure(email="mia@example.org", address="203.0.113.7", at=datetime.now(UTC)))
    db.commit()
    browser = signed_in_as(mia)
    result = run("reset-password", "mia@example.org", "--password-stdin", input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert verify_password(reloaded(db, mia).password_hash, NEW_PASSWORD)
    assert history_of(db, mia) == [(None, "update", "password", "(hidden)", "(changed)")]
    assert signed_out(browser)
    assert count_rows(db, SignInFailure) == 0


def test_reset_password_prompts_hidden_and_twice(run, make_user, db):
    mia = make_user(Role.MEMBER, email="mia@example.org")
    result = run("reset-password", "mia@example.org", input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output  # hidden input is not echoed
    assert verify_password(reloaded(db, mia).password_hash, NEW_PASSWORD)


def test_reset_password_never_takes_the_password_as_an_argument(run, make_user, db):
    mia = make_user(Role.MEMBER, email="mia@example.org")
    result = run("reset-password", "mia@example.org", NEW_PASSWORD)
    assert result.exit_code == 2 and "unexpected extra argument" in result.output.lower()
    assert verify_password(reloaded(db, mia).password_hash, PASSWORD)


@pytest.mark.parametrize(("password", "said"), [
    ("short", "password: Use at least 10 characters."),
    ("password123", "password: This is one of the most common passwords"),
    ("mia.muster", "password: Do not use your email address as your password."),
    ("", "password: This field is required."),
])
def test_reset_password_applies_the_password_rules(run, make_user, signed_in_as, db, password, said):
    mia = make_user(Role.MEMBER, email="mia.muster@example.org")
    browser = signed_in_as(mia)
    result = run("reset-password", "mia.muster@example.org", "--password-stdin", input=password + "\n")
    assert result.exit_code == 1
    assert said in result.output
    assert verify_password(reloaded(db, mia).password_hash, PASSWORD)
    assert history_of(db, mia) == []
    assert not signed_out(browser)


# unlock

def test_unlock_forgets_failures_from_every_address(run, make_user, db):
    mia = make_user(Role.MEMBER, email="mia@example.org")
    now = datetime.now(UTC)
    db.add_all(SignInFailure(email="mia@example.org", address=address, at=now)
               for address in ("203.0.113.7", "198.51.100.20"))
    db.add(SignInFailure(email="other@example.org", address="203.0.113.7", at=now))
    db.commit()
    result = run("unlock", "mia@example.org")
    assert result.exit_code == 0, result.output
    assert db.exec(select(SignInFailure.email)).all() == ["other@example.org"]
    assert history_of(db, mia) == [(None, "update", "sign-in", "slowed down after failed attempts", "allowed")]


# roles

def test_roles_add_applies_from_the_next_request_without_ending_the_session(run, make_user, signed_in_as, db):
    mia = make_user(Role.MEMBER, email="mia@example.org")
    browser = signed_in_as(mia)
    assert browser.get("/admin/users").status_code == 403
    result = run("roles", "mia@example.org", "--add", "admin", "--add", "steering")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "mia@example.org: admin, steering, member"
    assert reloaded(db, mia).roles == {Role.ADMIN, Role.STEERING, Role.MEMBER}
    assert history_of(db, mia) == [(None, "update", "roles", "Member", "Admin, Steering committee, Member")]
    assert browser.get("/admin/users").status_code == 200  # the admin form does not end sessions on a role change


def test_roles_remove_and_set(run, make_user, db):
    head = make_user(Role.PROCESS_GROUP, email="head@example.org", also=(Role.STEERING,))
    assert run("roles", "head@example.org", "--remove", "steering").exit_code == 0
    assert reloaded(db, head).roles == {Role.PROCESS_GROUP}
    assert run("roles", "head@example.org", "--set", "member", "--set", "project_lead").exit_code == 0
    assert reloaded(db, head).roles == {Role.MEMBER, Role.PROJECT_LEAD}
    assert [row[3:] for row in history_of(db, head)] == [("Process group, Steering committee", "Process group"),
                                                         ("Process group", "Project lead, Member")]


def test_roles_without_options_shows_them(run, make_user, db):
    head = make_user(Role.PROCESS_GROUP, email="head@example.org", also=(Role.STEERING,))
    result = run("roles", "head@example.org")
    assert result.exit_code == 0 and result.output.strip() == "head@example.org: process_group, steering"
    assert history_of(db, head) == []


def test_an_unknown_role_is_a_usage_error(run, make_user, db):
    mia = make_user(Role.MEMBER, email="mia@example.org")
    result = run("roles", "mia@example.org", "--add", "boss")
    assert result.exit_code == 2
    assert "'boss' is not one of" in result.output
    assert reloaded(db, mia).roles == {Role.MEMBER}


def test_set_does_not_mix_with_add(run, make_user):
    make_user(Role.MEMBER, email="mia@example.org")
    result = run("roles", "mia@example.org", "--set", "admin", "--add", "member")
    assert result.exit_code == 2 and "use --set alone" in result.output


def test_removing_every_role_is_refused(run, make_user, db):
    mia = make_user(Role.MEMBER, email="mia@example.org")
    result = run("roles", "mia@example.org", "--remove", "member")
    assert result.exit_code == 1 and "roles: Choose at least one role." in result.output
    assert history_of(db, mia) == []


def test_taking_admin_from_the_last_active_admin_is_refused(run, make_user, db):
    root = make_user(Role.ADMIN, email="root@example.org", also=(Role.MEMBER,))
    result = run("roles", "root@example.org", "--remove", "admin")
    assert result.exit_code == 1 and "last active administrator" in result.output
    assert reloaded(db, root).roles == {Role.ADMIN, Role.MEMBER}


def test_a_lead_keeps_the_role_while_leading_projects(run, make_user, make_project, db):
    leo = make_user(Role.PROJECT_LEAD, email="leo@example.org", leads=[make_project()])
    result = run("roles", "leo@example.org", "--set", "member")
    assert result.exit_code == 1 and "projects led: Only project leads lead projects." in result.output
    assert reloaded(db, leo).roles == {Role.PROJECT_LEAD}


# every command, unknown email

@pytest.mark.parametrize("command", [["deactivate"], ["reset-password", "--password-stdin"], ["unlock"],
                                     ["roles", "--add", "member"], ["roles"]])
def test_an_unknown_email_says_so_and_exits_1(run, make_user, db, command):
    make_user(Role.ADMIN, email="root@example.org")
    result = run(command[0], "nobody@example.org", *command[1:], input=NEW_PASSWORD + "\n")
    assert result.exit_code == 1
    assert "No account has the email nobody@example.org." in result.output
    assert count_rows(db, AuditEvent) == 0


def test_a_database_not_migrated_is_refused_in_words(empty_database, tmp_path):
    """A walk-through's `user list` on a fresh data directory printed a traceback ("no such table")."""
    from tracker import create_app
    from tracker.migrations import upgrade

    app = create_app({"DATABASE_URL": empty_database, "DATA_DIR": str(tmp_path), "SECRET_KEY": "test"})
    for command in (["user", "list"], ["reminders", "sweep"]):
        result = app.test_cli_runner().invoke(args=command)
        assert (result.exit_code, result.output) == (1, "Error: The database has no tables yet: run `flask --app "
                                                        "tracker migrate` first (`make run` does).\n")
    upgrade(empty_database)
    assert app.test_cli_runner().invoke(args=["user", "list"]).output == "email  name  roles  active  locked\n"


def test_a_database_that_cannot_be_reached_is_said_in_words_without_the_address(tmp_path):
    """A walk-through's `user list` with a wrong password or a closed port printed a 130-line traceback."""
    from tracker import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/tracker.db", "DATA_DIR": str(tmp_path),
                      "SECRET_KEY": "test"})
    result = app.test_cli_runner().invoke(args=["user", "list"])
    assert (result.exit_code, result.output) == (1, "Error: The database cannot be reached: unable to open database "
                                                    "file\n")
