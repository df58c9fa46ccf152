"""What each request cost, said once: a request id, and one log line per request.

Every request gets an id: the `X-Request-Id` the proxy in front sent (nginx's `$request_id`; only with PROXY_FIX on,
so a client cannot choose the id its lines are logged under), when it looks like one, or a new one. It is `g.request_id` for the code, the `X-Request-Id` response header, and printed on the
error page, so a person reporting a problem can name the request and the log line that belongs to it.

When the response is finished (after a streamed export has sent its last row), the `tracker.request` logger
writes one line: the id, method, path, status, wall and CPU milliseconds, SQL statements, and the user's id.
The path is the one the browser asked for, except for addresses that are themselves secrets (a calendar
feed's token), which log their route instead; the query string is never logged. A streamed export's statements
run in a session of their own after the request and are not counted; its wall time in the line is the whole send.

With SERVER_TIMING on, responses also carry `Server-Timing: app;dur=…, cpu;dur=…, sql;desc="statements";dur=N`
(the benchmark reads the server's own CPU time per request from it). Off by default: it tells a visitor how
much work a page was.
"""

import logging
import re
import secrets
import time
from urllib.parse import quote

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, has_request_context, request

log = logging.getLogger("tracker.request")
INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
SECRET_PATHS = frozenset({"reminders.calendar_feed"})  # the path holds a token: log the route instead


def init_app(app: Flask) -> None:
    """Register before any other request hook, so the measure covers them all."""
    if not logging.getLogger().handlers:  # gunicorn, the commands: one handler, on the root (nothing twice)
        logging.basicConfig(level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # Alembic says at INFO each plugin it sets up when a command first reads the migrations (a backup, a restore):
    # nothing an operator needs, seven lines of it in every cron mail.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    app.before_request(_start)
    app.after_request(_finish)  # after-request hooks run last-registered first: this one runs last
    sa.event.listen(app.extensions["tracker.engine"], "before_cursor_execute", _count_statement)


def request_id() -> str:
    """The current request's id ("" outside a request)."""
    return g.get("request_id", "") if has_request_context() else ""


def _start() -> None:
    incoming = request.headers.get("X-Request-Id", "") if current_app.config["PROXY_FIX"] else ""  # a proxy's only
    g.request_id = incoming if INCOMING_ID.fullmatch(incoming) else secrets.token_hex(8)
    g.statements = 0
    g.started = (time.perf_counter(), time.thread_time())


def _count_statement(*_args) -> None:
    if has_request_context() and "statements" in g:
        g.statements += 1


def _finish(response: Response) -> Response:
    if "started" not in g:  # a request that failed before the first hook ran
        return response
    response.headers["X-Request-Id"] = g.request_id
    wall, cpu = _elapsed()
    if current_app.config["SERVER_TIMING"]:
        response.headers["Server-Timing"] = (f'app;dur={wall:.2f}, cpu;dur={cpu:.2f}, '
                                             f'sql;desc="statements";dur={g.statements}')
    line = {"id": g.request_id, "method": request.method, "path": _logged_path(), "status": response.status_code,
            "user": _user_id(), "started": g.started, "statements": g.statements}
    response.call_on_close(lambda: _log(line))  # a streamed body has been sent by then: its time counts
    return response


def _elapsed(started: tuple[float, float] | None = None) -> tuple[float, float]:
    wall, cpu = started or g.started
    return (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000


def _log(line: dict) -> None:
    wall, cpu = _elapsed(line.pop("started"))
    log.info("request id=%s method=%s path=%s status=%s ms=%.1f cpu_ms=%.1f sql=%s user=%s", line["id"],
             line["method"], line["path"], line["status"], wall, cpu, line["statements"], line["user"] or "-")


# Query arguments whose values a request line shows (which sort, which page, an export): the others show only
# their names, unless the value is a number (an id): what people type (a search, a person's name) is never logged.
SHOWN_ARGUMENTS = frozenset({"sort", "page", "format", "view", "columns", "show"})


def _logged_path() -> str:
    """The path and what was asked of it (`?sort=-title&page=2&q=*`); a secret path as its rule, nothing more."""
    if request.endpoint in SECRET_PATHS and request.url_rule is not None:
        return request.url_rule.rule
    asked = "&".join(f"{name}={quote(value[:40]) if name in SHOWN_ARGUMENTS or value.isdigit() else '*'}"
                     for name, value in request.args.items(multi=True))
    return request.path + (f"?{asked}" if asked else "")


def _user_id() -> int | None:
    user = g.get("_login_user")  # only when the request loaded it: logging never costs a query
    return getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None

