"""Security events as their own log records: one line each on the `tracker.security` logger.

A line is `key=value` pairs (logfmt): readable by a person tailing the log and by grep, and parsed by every log
shipper without a JSON formatter in front. Values are quoted and escaped when they hold anything but plain
characters, so nothing a client types (an email with a line break or `event=...` in it) can forge a line or a
field. The same fields ride on the record as `record.security` for a structured handler.

What a line never holds: passwords, tokens, cookies, session contents, CSRF tokens, connection strings. Callers
pass only the names below; an attempted email is kept only when it has the shape of an email address (people
type their password into the email field).
"""

import getpass
import json
import logging
import re

import click
from flask import has_request_context, request

from tracker.observe import request_id

log = logging.getLogger("tracker.security")

WARNINGS = frozenset({"sign_in.failure", "sign_in.throttled", "permission.denied", "csrf.failure",
                      "password_change.failure"})
_PLAIN = re.compile(r"[A-Za-z0-9_.:@/+\-,()]+")
_EMAIL_SHAPE = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")


def event(kind: str, **fields: object) -> None:
    """Log one security event with where it came from: the client address, endpoint and request id, or the
    command line and the operating-system account that ran it."""
    record = {"event": kind, **fields, **_origin()}
    line = " ".join(f"{key}={_value(value)}" for key, value in record.items())
    log.log(logging.WARNING if kind in WARNINGS else logging.INFO, line, extra={"security": record})


def attempted(email: str) -> str:
    """An email typed into a sign-in form as it may be logged: only what looks like an email address."""
    email = email.strip().lower()
    return email if _EMAIL_SHAPE.fullmatch(email) and len(email) <= 254 else "(not an email address)"


def who(user) -> dict[str, object]:
    """The fields naming an account, or the actor of a change (the command line, or the system)."""
    if user is None:
        return {"user": "system"}
    if not getattr(user, "is_authenticated", False):
        return {"user": "anonymous"}
    if getattr(user, "id", None) is None:
        return {"user": getattr(user, "name", "system")}
    return {"user_id": user.id, "email": user.email}


def actor(by) -> dict[str, object]:
    """Who made a change, as fields prefixed `by_`."""
    return {f"by_{key}": value for key, value in who(by).items()}


def account_changed(user, changed: dict[str, tuple], *, by, sessions_ended: bool) -> None:
    """The events of one saved account edit (the admin form or the command line): roles, activation, password."""
    ended = {"sessions_ended": "yes" if sessions_ended else "no"}
    if "roles" in changed:
        old, new = changed["roles"]
        event("account.roles_changed", **who(user), old=old, new=new, **actor(by), **ended)
    if "active" in changed:
        event("account.reactivated" if user.active else "account.deactivated", **who(user), **actor(by), **ended)
    if "password" in changed:
        event("account.password_reset", **who(user), **actor(by), **ended)


def _origin() -> dict[str, object]:
    if has_request_context():
        return {"address": request.remote_addr or "-", "endpoint": request.endpoint or "-",
                "request_id": request_id() or "-"}
    command = click.get_current_context(silent=True)
    return {"via": "cli", "command": command.command_path if command else "-", "os_user": _os_user()}


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return "-"


def _value(value: object) -> str:
    if value is None or value == "":
        return "-"
    text = value if isinstance(value, str) else str(value)
    return text if _PLAIN.fullmatch(text) else json.dumps(text)

