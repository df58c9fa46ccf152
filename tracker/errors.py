"""Domain errors raised by services, and the one place that maps them to HTTP statuses."""

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException


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


class ValidationError(DomainError):
    """Bad input: `errors` maps a field name to the message shown beside it."""

    status = 422

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def register(app: Flask) -> None:
    """Map domain errors and HTTP errors to a calm page (or a small fragment for htmx)."""

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        response = _render_error(error.status, error.message or type(error).__name__)
        if isinstance(error, Conflict) and request.headers.get("HX-Request"):
            # app.js reloads the page's main content, so the user sees what the other change did.
            body, status, headers = response
            return body, status, headers | {"HX-Trigger": "recordChanged"}
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return _render_error(error.code or 500, error.description or error.name)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):  # pragma: no cover - the last line of defence
        app.logger.exception("unhandled error")
        return _render_error(500, "Something went wrong on our side. The error has been logged.")


def _render_error(status: int, message: str):
    if _wants_json():
        return {"error": message}, status
    if request.headers.get("HX-Request"):
        # A refused button press shows its message in the page's message area, not inside the button's target.
        # HX-Reselect: the pressed form may select part of a page (hx-select); the message is all there is.
        headers = {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML", "HX-Reselect": ".flash"}
        return render_template("_error.html", status=status, message=message), status, headers
    return render_template("error.html", status=status, message=message), status
