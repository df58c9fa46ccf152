"""Domain errors raised by services, and the one place that maps them to HTTP statuses."""

import json
import sqlite3
from contextlib import suppress

import sqlalchemy as sa
from flask import Flask, current_app, g, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.exceptions import NotFound as NotFoundHere

from tracker.auth import security_log


class DomainError(Exception):
    status = 400

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status = 404


class PermissionDenied(DomainError):
    status = 403


class InvalidTransition(DomainError):
    status = 409


class Conflict(DomainError):
    """Someone else saved the record since the user loaded it; `current` holds their version."""

    status = 409

    def __init__(self, message: str = "", *, current: object = None):
        super().__init__(message or "Someone else changed this record while you were editing it.")
        self.current = current


class Refused(DomainError):
    """A request refused with an HTTP status of its own (the API's 412, 415, 428)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class ManyInvalid(DomainError):
    """Several inputs refused together (an import's rows, checked before any is written): each one's field errors,
    by its position among them."""

    status = 422

    def __init__(self, errors: dict[int, dict[str, str]]):
        super().__init__(f"{len(errors)} refused")
        self.errors = errors


class ValidationError(DomainError):
    """Bad input: `errors` maps a field name to the message shown beside it."""

    status = 422

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


# What the app says for an HTTP error raised without words of its own (Werkzeug's stock sentences are not ours).
OWN_WORDS = {
    400: "The request could not be understood. Go back, and try again from the page.",
    403: "You may not see this page.",
    404: "There is no such page: it may have been removed, or the address is mistyped.",
    405: "This address does not take that kind of request.",
    413: "What was sent is larger than the tracker accepts.",
    429: "Too many attempts in a short time. Wait a minute, then try again.",
}
TITLES = {400: "Bad request", 401: "Not signed in", 403: "Not allowed", 404: "Not found", 405: "Not allowed here",
          409: "Changed meanwhile", 412: "Changed meanwhile", 413: "Too large", 415: "Not JSON", 422: "Not saved",
          428: "Version needed", 429: "Too many attempts", 503: "Service unavailable"}

# A request that only reads (a list's filters, a page's query) saves nothing: its refusal is not "Not saved".
READING_TITLES = {422: "Not understood"}

API_PREFIX = "/api/v1"  # the JSON API (tracker/api/): its errors are problem documents


def api_request() -> bool:
    """Whether the request is the JSON API's (signed in by token, answered in JSON)."""
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def title_of(status: int, default: str = "Error") -> str:
    """What an error is called, as the request's method makes it (a GET's 422 saved nothing)."""
    reading = READING_TITLES if request.method in ("GET", "HEAD") else {}
    return reading.get(status) or TITLES.get(status, default)


def problem(status: int, detail: str, **extra) -> tuple[str, int, dict]:
    """An error as application/problem+json (RFC 9457): its status, title and words, and `extra` members (the
    field errors of a refused body, the record as it is now)."""
    body = {"type": "about:blank", "title": title_of(status), "status": status, "detail": detail}
    body |= {name: value for name, value in extra.items() if value is not None}
    return json.dumps(body), status, {"Content-Type": "application/problem+json"}


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def register(app: Flask) -> None:
    """Map domain errors and HTTP errors to a calm page (or a small fragment for htmx)."""

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        if api_request():
            return problem(error.status, error.message or type(error).__name__,
                           errors=getattr(error, "errors", None))
        response = render_error(error.status, error.message or type(error).__name__,
                                title="Not possible now" if isinstance(error, InvalidTransition) else None)
        if isinstance(error, Conflict) and request.headers.get("HX-Request"):
            # app.js reloads the page's main content, so the user sees what the other change did.
            body, status, headers = response
            return body, status, headers | {"HX-Trigger": "recordChanged"}
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if isinstance(error, MethodNotAllowed) and _names_nothing():
            error = NotFoundHere()
        stock = error.description == type(error).description  # Werkzeug's own words, not ours
        return render_error(error.code or 500, OWN_WORDS.get(error.code, error.name) if stock else error.description)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        security_log.event("csrf.failure", **security_log.who(current_user),  # whose session, if any
                           reason=error.description)  # Flask-WTF's reason, never the token
        return http_error(error)

    @app.errorhandler(sa.exc.OperationalError)
    @app.errorhandler(sa.exc.TimeoutError)
    def database_unavailable(error: Exception):
        if not _unavailable(error):
            return unexpected(error)
        # The database cannot be reached, is read-only or full: nothing the user did, and nothing to retry now.
        app.logger.error("database unavailable: %s", str(error).splitlines()[0] if str(error) else error)
        body, status, headers = render_error(
            503, "The tracker cannot reach its database right now. Nothing was saved; please try again in a "
                 "minute.", broken=True)
        return body, status, headers | {"Retry-After": "60"}

    @app.errorhandler(Exception)
    def unexpected(error: Exception):  # the last line of defence
        app.logger.exception("unhandled error")
        return render_error(500, "Something went wrong on our side. The error has been logged.", broken=True)


def _names_nothing() -> bool:
    """Whether the address names no record at all (an id past what the databases hold): Werkzeug checks a rule's
    methods before its converters, so /proposals/99999999999 answered PATCH with 405, and GET with 404."""
    try:
        current_app.url_map.bind_to_environ(request.environ).match(method="GET")
    except NotFoundHere:
        return True
    except HTTPException:
        return False
    return False


# SQLite reports a bad statement as an OperationalError too; these are the ones that mean "cannot serve now".
_SQLITE_UNAVAILABLE = ("unable to open", "locked", "disk i/o", "readonly", "disk is full", "malformed")


def _unavailable(error: Exception) -> bool:
    """Whether a database error means the database cannot serve (down, locked, full), not a bug of ours."""
    if isinstance(error, sa.exc.TimeoutError) or getattr(error, "connection_invalidated", False):
        return True
    if isinstance(getattr(error, "orig", None), sqlite3.OperationalError):
        return any(words in str(error.orig).lower() for words in _SQLITE_UNAVAILABLE)
    return True  # psycopg's OperationalError is the connection's or the server's state


def _discard_session() -> None:
    """Roll back the request's session, if any; an error page must not depend on the database working."""
    session = g.get("db_session")
    if session is None:
        return
    with suppress(Exception):  # the database may be the very thing that failed
        session.rollback()


def render_error(status: int, message: str, *, broken: bool = False, title: str | None = None):
    """The error as JSON, an htmx message, or a page; `broken` pages render from memory, never the database."""
    if broken:
        _discard_session()
    if api_request():
        return problem(status, message)
    if _wants_json():
        return {"error": message}, status, {}
    if request.headers.get("HX-Request"):
        # A refused button press shows its message in the page's message area, not inside the button's target.
        # HX-Reselect: the pressed form may select part of a page (hx-select); the message is all there is.
        headers = {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML", "HX-Reselect": ".flash"}
        return render_template("_error.html", status=status, message=message), status, headers
    return render_template("error.html", status=status, message=message, broken=broken,
                           title=title or title_of(status, "Something is not right"),
                           record=request.path.removesuffix("/edit") if request.path.endswith("/edit") else None
                           ), status, {}
