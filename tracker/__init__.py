"""The process-improvement tracker: create_app(config=None) builds one instance."""

from datetime import UTC, datetime, timedelta
from enum import Enum
from urllib.parse import urlsplit

from flask import Flask, flash, g, redirect, request, session, url_for
from flask_login import LoginManager, current_user, logout_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from tracker import cli, content, db, delivery, errors, observe, security
from tracker.auth import security_log
from tracker.config import load_config
from tracker.gc_between_requests import CollectBetweenRequests
from tracker.web import announce_saves, htmx

csrf = CSRFProtect()
login_manager = LoginManager()


class IdConverter(IntegerConverter):
    """<int:...> in URLs, capped at what the databases store: a larger number is a 404, not a driver error."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def create_app(config: dict | None = None) -> Flask:
    """Build the app: config -> database -> extensions -> blueprints -> CLI."""
    app = Flask(__name__)
    settings = load_config(config)
    app.config.update(
        settings,
        WTF_CSRF_TIME_LIMIT=None,  # tokens live as long as the session
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings["SECURE_COOKIES"],
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings["IDLE_MINUTES"]),
    )
    if settings["PROXY_FIX"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    if settings["COLLECT_BETWEEN_REQUESTS"]:  # a CPython 3.11 crash: see tracker/gc_between_requests.py
        app.wsgi_app = CollectBetweenRequests(app.wsgi_app)
    app.url_map.converters["int"] = IdConverter

    db.init_app(app)
    observe.init_app(app)  # first: its measure covers every other hook
    content.init_app(app)  # before CSRF protection reads the form
    csrf.init_app(app)
    htmx.init_app(app)
    _init_login(app)
    security.init_app(app)
    delivery.init_app(app)
    app.after_request(announce_saves)
    errors.register(app)
    _register_blueprints(app)
    _register_template_helpers(app)
    cli.register(app)
    return app


def _init_login(app: Flask) -> None:
    from tracker.api.tokens import bearer
    from tracker.auth.service import load_session_user
    from tracker.auth.views import SIGNED_IN_AT

    # Flask-Login's own context processor loads the user for every template, error pages included; ours hands
    # templates the lazy proxy, so a page that never asks (the error page of a broken database) never loads it.
    login_manager.init_app(app, add_context_processor=False)
    app.context_processor(lambda: {"current_user": current_user})
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # sessions are ended on the server by their generation instead

    @login_manager.user_loader
    def load_user(token: str):
        if errors.api_request():  # the API signs in by token only: a cookie sent along is not a sign-in there
            return None
        return load_session_user(db.get_session(), token)

    @login_manager.request_loader
    def load_bearer(request):
        if not errors.api_request():
            return None
        g.bearer = bearer(db.get_session(), request.headers.get("Authorization", ""))
        return g.bearer.user if g.bearer else None

    @login_manager.unauthorized_handler
    def unauthorized():
        if errors.api_request():
            body, status, headers = errors.problem(401, "Send a working personal access token: Authorization: "
                                                        "Bearer pit_… (your account's API tokens page makes one).")
            return body, status, headers | {"WWW-Authenticate": 'Bearer realm="tracker"'}
        if htmx:
            # Back to the page the person was on, not to the fragment it asked for (the badge's poll, a list's next
            # page): signed in again, they would land on a bare piece of a page.
            page = urlsplit(htmx.current_url or "")
            back = page.path + (f"?{page.query}" if page.query else "") if page.path.startswith("/") else "/"
            return "", 401, {"HX-Redirect": url_for("auth.login", next=back)}
        flash(login_manager.login_message, "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @app.before_request
    def expire_idle_sessions():
        if request.endpoint in SESSIONLESS or errors.api_request() or not current_user.is_authenticated:
            return None
        now = datetime.now(UTC).timestamp()
        seen = session.get("seen", now)
        if now - seen > app.config["IDLE_MINUTES"] * 60:
            return sign_out("idle", "You were signed out after a period of inactivity.")
        # However active the person is, a session lasts ABSOLUTE_HOURS from its sign-in (one from before the stamp
        # existed counts from its first request since).
        hours = app.config["ABSOLUTE_HOURS"]
        if now - session.setdefault(SIGNED_IN_AT, now) > hours * 3600:
            return sign_out("absolute", f"Your session ended after {hours} hour{'s' if hours != 1 else ''}; "
                                        "please sign in again.")
        if request.endpoint in BACKGROUND:  # a page polling by itself is not the person being active
            return None
        session["seen"] = now
        session.permanent = True
        return None

    def sign_out(reason: str, message: str):
        security_log.event("session.expired", **security_log.who(current_user), reason=reason)
        logout_user()
        session.clear()
        flash(message, "info")
        return login_manager.unauthorized()


# Requests a page makes by itself (the reminders badge's polling): they keep no session alive.
BACKGROUND = frozenset({"reminders.badge"})
# Requests that need no session: the same for everyone, and answered with the database down (a signed-in person's
# stylesheet and scripts; the health check, which says what is wrong instead of failing on the session's user).
SESSIONLESS = frozenset({"static", "home.healthz", "home.plotly_js"})


def _register_blueprints(app: Flask) -> None:
    import tracker.api.endpoints  # noqa: F401  (every domain's endpoints, on the API's blueprint)
    from tracker.action_plans.views import bp as plans
    from tracker.action_plans.work_views import bp as plan_work
    from tracker.api import bp as api
    from tracker.api.rate import rate
    from tracker.api.token_views import bp as tokens
    from tracker.appraisals.views import bp as appraisals
    from tracker.assets.views import bp as assets
    from tracker.auth.admin_views import bp as admin
    from tracker.auth.views import bp as auth
    from tracker.compliance.views import bp as compliance
    from tracker.compliance.views import moved as audits_moved
    from tracker.dashboards.views import bp as dashboards
    from tracker.deployments.views import bp as deployments
    from tracker.evidence.views import bp as evidence
    from tracker.home.views import bp as home
    from tracker.imports.views import bp as imports
    from tracker.lessons.views import bp as lessons
    from tracker.lookup import bp as lookup
    from tracker.objectives.views import bp as objectives
    from tracker.pilots.views import bp as pilots
    from tracker.process_areas.views import bp as areas
    from tracker.projects.views import bp as projects
    from tracker.proposals.views import bp as proposals
    from tracker.reminders.views import admin_bp as reminder_admin
    from tracker.reminders.views import bp as reminders
    from tracker.removal import bp as removal
    from tracker.reviews.views import bp as reviews
    from tracker.tailoring.views import bp as tailoring

    rate(app.config["API_RATE_LIMIT"])  # a limit written wrong stops the start, not the first request
    csrf.exempt(api)  # signed in by token, never by cookie: a forged cross-site request carries no token
    for blueprint in (api, tokens, home, auth, admin, projects, assets, areas, objectives, proposals, plans, plan_work, pilots,
                      deployments, tailoring, compliance, audits_moved, lessons, appraisals, reminders,
                      reminder_admin, dashboards, reviews, removal, evidence, imports, lookup):
        app.register_blueprint(blueprint)


def _register_template_helpers(app: Flask) -> None:
    from werkzeug.datastructures import MultiDict

    from tracker.auth.policy import can, led_projects_only
    from tracker.auth.roles import Role
    from tracker.content import rules, size_text
    from tracker.db import utcnow
    from tracker.due import is_overdue
    from tracker.home.views import plotly_version
    from tracker.objectives.service import shown_value
    from tracker.reminders.notify import BADGE_LIMIT, unread_count

    # A global, not a context variable: the field macros are imported without the template's context.
    app.jinja_env.globals["overdue"] = lambda record: is_overdue(record, utcnow().date())
    app.jinja_env.globals["review_due"] = lambda record: record.needs_review(utcnow().date())
    app.jinja_env.globals["kpi_value"] = shown_value  # an objective's KPI value with its unit
    app.jinja_env.globals["size_text"] = size_text  # a file's size as people read it
    app.jinja_env.globals["upload_rules"] = rules  # what a file field accepts (types, size)
    # Globals, so macros need no template context: importing a macro file "with context" re-runs it on every import
    # (13 ms a page where a row template imported one per row).
    app.jinja_env.globals["can"] = lambda action, obj=None: can(current_user, action, obj)
    app.jinja_env.globals["BADGE_LIMIT"] = BADGE_LIMIT  # the unread count says "99+" from there

    @app.context_processor
    def helpers():
        return {"Role": Role,
                "leads_only": lambda: led_projects_only(current_user) is not None,  # lists show a lead's own
                "unread_reminders": lambda: unread_count(db.get_session(), user=current_user),
                "plotly_version": plotly_version(), "choices": choices, "today": lambda: utcnow().date(),
                "empty_form": {"values": MultiDict(), "errors": {}}}


def choices(items, label: str = "label") -> list[tuple[str, str]]:
    """(value, text) pairs for a select: enum members by value, records by id."""
    return [(str(item.value if isinstance(item, Enum) else item.id), str(getattr(item, label))) for item in items]
