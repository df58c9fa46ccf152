"""Error pages: a calm page with the security headers whatever broke, the database included."""

import sqlalchemy as sa

from tracker.auth.roles import Role
from tracker.db import get_session, make_engine


def _break_the_database(app, tmp_path) -> None:
    """Point the app at a database that is not there: a missing file, or a server port nobody listens on."""
    if app.extensions["tracker.engine"].dialect.name == "postgresql":
        app.extensions["tracker.engine"] = make_engine("postgresql://tracker:x@127.0.0.1:9/gone?connect_timeout=2")
    else:
        app.extensions["tracker.engine"] = make_engine(f"sqlite:///{tmp_path}/gone/tracker.db")


def test_signed_in_user_gets_a_503_page_when_the_database_is_down(app, client, login_as, tmp_path):
    login_as(Role.PROCESS_GROUP)
    _break_the_database(app, tmp_path)
    response = client.get("/projects/")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Service unavailable" in page and "cannot reach its database" in page
    assert response.headers["Retry-After"] == "60"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "gone" not in page  # no driver message, path or host


def test_a_button_press_while_the_database_is_down_shows_the_message_in_place(app, client, login_as, tmp_path):
    login_as(Role.PROCESS_GROUP)
    token = client.csrf_token()
    _break_the_database(app, tmp_path)
    response = client.post("/projects/", data={"code": "X", "csrf_token": token}, headers={"HX-Request": "true"})
    assert response.status_code == 503
    assert response.headers["HX-Retarget"] == "#messages"
    assert "cannot reach its database" in response.get_data(as_text=True)


def test_signing_in_while_the_database_is_down_gets_the_503_page(app, client, tmp_path):
    token = client.csrf_token()
    _break_the_database(app, tmp_path)
    response = client.post("/login", data={"email": "mia@example.org", "password": "whatever it is",
                                           "csrf_token": token})
    assert response.status_code == 503
    assert "Service unavailable" in response.get_data(as_text=True)


def test_a_failed_statement_mid_request_still_renders_the_error_page(app, client, login_as, monkeypatch):
    """A statement that fails leaves the transaction aborted (on PostgreSQL): the page must not need it."""
    from tracker.projects import views

    def broken_listing(*args, **kwargs):
        get_session().exec(sa.text("SELECT * FROM no_such_table"))

    monkeypatch.setattr(views.service, "projects_matching", broken_listing)
    login_as(Role.PROCESS_GROUP)
    response = client.get("/projects/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
