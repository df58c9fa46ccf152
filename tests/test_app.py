"""The application shell: configuration, health, security headers, limits, static assets."""

import os
import stat

from tracker import create_app
from tracker.auth.roles import Role
from tracker.config import load_config
from tracker.home.views import plotly_version
from tracker.migrations import upgrade


def test_config_layers_defaults_then_environment_then_overrides(monkeypatch, tmp_path):
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    monkeypatch.setenv("TRACKER_PAGE_SIZE", "50")
    monkeypatch.setenv("TRACKER_IDLE_MINUTES", "5")
    config = load_config({"DATA_DIR": str(tmp_path), "IDLE_MINUTES": 7})
    assert config["PAGE_SIZE"] == 50
    assert config["IDLE_MINUTES"] == 7
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'tracker.db'}"


def test_secret_key_is_generated_once_and_kept_private(monkeypatch, tmp_path):
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    first = load_config({"DATA_DIR": str(tmp_path)})["SECRET_KEY"]
    second = load_config({"DATA_DIR": str(tmp_path)})["SECRET_KEY"]
    assert first == second and len(first) >= 64
    assert stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode) == 0o600


def test_importing_the_package_builds_no_engine():
    import tracker.db

    assert not any(isinstance(v, __import__("sqlalchemy").engine.Engine) for v in vars(tracker.db).values())


def test_health_is_ok_with_a_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_is_503_without_driver_details_when_the_database_is_unreachable(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/x.db", "DATA_DIR": str(tmp_path),
                      "SECRET_KEY": "x"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}
    assert "missing" not in response.get_data(as_text=True)  # no paths, hosts or ports to anonymous callers


def test_health_is_503_when_the_database_cannot_be_written(tmp_path):
    upgrade(f"sqlite:///{tmp_path}/ro.db")
    # Opened read-only, as a file on a read-only mount would be (file modes do not stop root, who runs CI).
    url = f"sqlite:///file:{tmp_path}/ro.db?mode=ro&uri=true"
    app = create_app({"DATABASE_URL": url, "DATA_DIR": str(tmp_path), "SECRET_KEY": "x"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "read-only"}


def test_security_headers_on_every_response(client, login_as):
    for response in (client.get("/login"), client.get("/healthz"), client.get("/nowhere")):
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]
    login_as(Role.MEMBER)
    assert client.get("/projects/").headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_lax_and_secure_over_https(app, make_user):
    make_user(email="mia@example.org")
    plain = app.test_client().get("/login").headers["Set-Cookie"]
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    over_https = app.test_client().get("/login", base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in over_https


def test_no_page_loads_anything_from_another_host(client, login_as):
    login_as(Role.PROCESS_GROUP)
    for path in ("/", "/projects/", "/assets/", "/process-areas/", "/projects/new", "/assets/new"):
        page = client.get(path).get_data(as_text=True)
        assert "http://" not in page and "https://" not in page, path
        assert "<script>" not in page, f"inline script on {path}"


def test_oversized_body_is_413(client, login_as):
    login_as(Role.PROCESS_GROUP)
    response = client.post("/projects/", data={"description": "x" * (1024 * 1024 + 10)})
    assert response.status_code == 413


def test_unknown_page_is_404_for_htmx_too(client, login_as):
    login_as(Role.MEMBER)
    assert client.get("/assets/424242").status_code == 404
    response = client.get("/assets/424242", headers={"HX-Request": "true"})
    assert response.status_code == 404 and response.headers["HX-Retarget"] == "#messages"


def test_plotly_is_served_from_the_installed_package_and_cached(client):
    response = client.get(f"/vendor/plotly-{plotly_version()}.min.js")
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("public, max-age=31536000")
    assert client.get("/vendor/plotly-0.0.1.min.js").status_code == 404


def test_htmx_is_vendored(client):
    response = client.get("/static/vendor/htmx-2.0.11.min.js")
    assert response.status_code == 200 and b"htmx" in response.data[:200]


def test_process_area_catalog_lists_both_models(client, login_as):
    login_as(Role.STEERING)
    page = client.get("/process-areas/").get_data(as_text=True)
    assert "44 process areas" in page and page.count("<tr><td>") == 10  # 22 + 22, a page (of ten, in the tests) at a time
    assert "Requirements Management" in page  # CMMI first, level 2 first
    its = client.get("/process-areas/?model=IT+Service+CMM").get_data(as_text=True)
    assert "22 process areas" in its and "Service Request and Incident Management" in its


def test_home_shows_what_waits_for_the_steering_committee(client, login_as, make_proposal, make_plan):
    from tracker.action_plans.models import PlanStatus
    from tracker.proposals.models import ProposalStatus

    make_proposal(ProposalStatus.ESCALATED)
    make_plan(PlanStatus.IN_REVIEW)
    make_plan(PlanStatus.IN_REVIEW)
    login_as(Role.STEERING)
    page = client.get("/").get_data(as_text=True)
    assert '<a href="/proposals/?status=escalated"><strong>1</strong> Escalated proposals to decide</a>' in page
    assert '<a href="/plans/?status=in_review"><strong>2</strong> Action plans to approve</a>' in page


def test_search_text_with_odd_characters_never_fails(client, login_as):
    login_as(Role.PROCESS_GROUP)
    for path in ("/projects/", "/assets/", "/proposals/", "/proposals/?view=board", "/lessons/",
                 "/deployments/status", "/deployments/status.csv"):
        for q in ("%00", "%25_", "'; drop table project; --", "%F0%9F%98%80" * 40):
            response = client.get(f"{path}{'&' if '?' in path else '?'}q={q}")
            assert response.status_code == 200, (path, q)


def test_a_signed_in_persons_static_files_and_the_health_check_load_no_user(client, login_as, query_counter):
    """Found by a walk-through: with the database down, a signed-in person's stylesheet and scripts answered 503
    (each request loaded the session's user) and the health check answered the error page, not what is wrong."""
    from tracker.auth.roles import Role
    login_as(Role.MEMBER)
    query_counter.clear()
    assert client.get("/static/app.css").status_code == 200
    assert query_counter == []
    assert client.get("/healthz").get_json()["database"] == "ok"
    assert not any('FROM "user"' in s or "FROM user" in s for s in query_counter)
