"""Admin pages and the CLI: accounts, roles, leads tied to projects, deactivation."""

from sqlmodel import select

from tests.conftest import count_rows
from tracker.auth.models import User, UserRole
from tracker.auth.passwords import verify_password
from tracker.auth.roles import Role
from tracker.projects.models import ProjectLead

NEW_USER = {"email": "Leo@Example.org", "name": "Leo Lead", "roles": "project_lead", "password": "long enough pw",
            "active": "y"}


def test_admin_creates_a_lead_tied_to_a_project(client, login_as, make_project, db):
    login_as(Role.ADMIN)
    project = make_project(code="PAY")
    response = client.post("/admin/users", data=NEW_USER | {"project_ids": [str(project.id)]},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "leo@example.org" in response.get_data(as_text=True)
    user = db.exec(select(User).where(User.email == "leo@example.org")).one()
    assert verify_password(user.password_hash, "long enough pw")
    assert db.exec(select(ProjectLead.project_id).where(ProjectLead.user_id == user.id)).all() == [project.id]


def test_short_password_and_bad_email_are_field_errors(client, login_as, db):
    login_as(Role.ADMIN)
    before = count_rows(db, User)
    page = client.post("/admin/users", data=NEW_USER | {"password": "short", "email": "not-an-email"})
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Use at least 10 characters." in text and "Enter an email address like name@example.org." in text
    assert count_rows(db, User) == before


def test_only_leads_lead_projects(client, login_as, make_project):
    login_as(Role.ADMIN)
    project = make_project()
    page = client.post("/admin/users", data=NEW_USER | {"roles": "member", "project_ids": [str(project.id)]})
    assert page.status_code == 422 and "Only project leads lead projects." in page.get_data(as_text=True)


def test_deactivating_a_user_ends_their_sessions(app, client, login_as, make_user, db):
    login_as(Role.ADMIN)
    target = make_user(Role.MEMBER, email="mia@example.org", name="Mia")
    their_client = app.test_client()
    with their_client.session_transaction() as session:
        session["_user_id"] = target.get_id()
    assert their_client.get("/projects/").status_code == 200
    form = {"email": "mia@example.org", "name": "Mia", "roles": "member", "version": "1"}  # active unchecked
    assert client.post(f"/admin/users/{target.id}", data=form).status_code == 303
    assert their_client.get("/projects/").status_code == 302
    page = client.get(f"/admin/users/{target.id}/edit").get_data(as_text=True)
    assert "<td>Active</td><td>yes</td><td>no</td>" in page


def test_admin_cannot_lock_themselves_out(client, login_as):
    admin = login_as(Role.ADMIN, email="root@example.org", name="Root")
    form = {"email": "root@example.org", "name": "Root", "roles": "member", "version": "1", "active": "y"}
    response = client.post(f"/admin/users/{admin.id}", data=form)
    assert response.status_code == 422
    # Unticking their own "Active" is refused beside that box (a walk-through found it said beside the roles).
    form = {"email": "root@example.org", "name": "Root", "roles": "admin", "version": "1"}
    page = client.post(f"/admin/users/{admin.id}", data=form).get_data(as_text=True)
    assert 'aria-describedby="active-error">' in page
    assert '<p class="error" id="active-error">You cannot deactivate your own account.</p>' in page


def test_cli_creates_a_user_reading_the_password_from_stdin(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "create", "cli@example.org", "--role", "steering", "--password-stdin"],
                           input="a strong password\n")
    assert result.exit_code == 0, result.output
    user = db.exec(select(User).where(User.email == "cli@example.org")).one()
    assert user.roles == {Role.STEERING} and verify_password(user.password_hash, "a strong password")


def test_cli_refuses_a_short_password(app, db):
    result = app.test_cli_runner().invoke(args=["user", "create", "cli@example.org", "--role", "member",
                                                "--password-stdin"], input="short\n")
    assert result.exit_code != 0 and "at least 10 characters" in result.output
    assert count_rows(db, User) == 0


def test_demo_loads_once_with_a_login_per_role(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0 and "demo organization loaded" in first.output
    roles = set(db.exec(select(UserRole.role)).all())
    assert roles == set(Role)
    users = count_rows(db, User)
    second = runner.invoke(args=["demo"])
    assert "already has users" in second.output and count_rows(db, User) == users


def test_tying_a_lead_shows_in_the_projects_history(client, login_as, make_project, make_user):
    login_as(Role.ADMIN)
    project = make_project(code="PAY")
    lead = make_user(Role.PROJECT_LEAD, email="leo@example.org", name="Leo")
    form = {"email": "leo@example.org", "name": "Leo", "roles": "project_lead", "version": "1", "active": "y",
            "project_ids": [str(project.id)]}
    assert client.post(f"/admin/users/{lead.id}", data=form).status_code == 303
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "<td>Changed</td><td>Project lead(s)</td><td></td><td>Leo</td>" in page
    assert "Leo" in page.split("Lead(s)")[1].split("</dd>")[0]
