"""One log line per request with its id, duration, status and user; the id in the response and the error page;
the server's own cost in Server-Timing when asked for (tracker/observe.py)."""

import logging
import re

import sqlalchemy as sa

from tracker.auth.roles import Role
from tracker.db import get_session

LINE = re.compile(r"request id=(?P<id>\S+) method=(?P<method>\S+) path=(?P<path>\S+) status=(?P<status>\d+) "
                  r"ms=(?P<ms>[\d.]+) cpu_ms=(?P<cpu>[\d.]+) sql=(?P<sql>\d+) user=(?P<user>\S+)")


def finished(response):
    """The server closes a response once its body is sent; the log line is written then."""
    response.close()
    return response


def logged(caplog) -> list[dict]:
    return [LINE.fullmatch(record.getMessage()).groupdict() for record in caplog.records
            if record.name == "tracker.request"]


def test_every_request_has_an_id_in_its_response_and_its_one_log_line(app, client, login_as, caplog):
    user = login_as(Role.PROCESS_GROUP)
    with caplog.at_level(logging.INFO, logger="tracker.request"):
        response = finished(client.get("/projects/?q=secret-search"))
    [line] = logged(caplog)
    assert re.fullmatch(r"[0-9a-f]{16}", response.headers["X-Request-Id"])
    assert line["id"] == response.headers["X-Request-Id"]
    assert (line["method"], line["path"], line["status"], line["user"]) == ("GET", "/projects/?q=*", "200", str(user.id))
    assert int(line["sql"]) >= 1 and float(line["ms"]) > 0
    assert "secret-search" not in caplog.text, "what people type is never logged"


def test_a_request_line_says_which_sort_page_and_filters_were_asked_but_not_what_was_typed(client, login_as, caplog):
    """Found by a walk-through: a deep page of a sorted list and its first page logged the same path. The line shows
    the sort, the page, the format and ids; a search or a typed name only by its argument's name."""
    login_as(Role.PROCESS_GROUP)
    with caplog.at_level(logging.INFO, logger="tracker.request"):
        finished(client.get("/proposals/?sort=-title&page=3&q=Ada+Adams&area=7&submitter=Ada"))
    [line] = logged(caplog)
    assert line["path"] == "/proposals/?sort=-title&page=3&q=*&area=7&submitter=*"
    assert "Ada" not in caplog.text


def test_a_proxys_request_id_is_kept_and_a_malformed_one_replaced(app, client, caplog):
    sent = {"X-Request-Id": "nginx-3f2a9c41d0e6"}
    assert finished(client.get("/login", headers=sent)).headers["X-Request-Id"] != sent["X-Request-Id"], \
        "without a proxy in front (PROXY_FIX off) a client does not choose its request's id"
    app.config["PROXY_FIX"] = True
    with caplog.at_level(logging.INFO, logger="tracker.request"):
        kept = finished(client.get("/login", headers=sent))
        replaced = finished(client.get("/login", headers={"X-Request-Id": "bad id X-Evil: 1"}))
    assert kept.headers["X-Request-Id"] == "nginx-3f2a9c41d0e6"
    assert re.fullmatch(r"[0-9a-f]{16}", replaced.headers["X-Request-Id"])
    assert [line["user"] for line in logged(caplog)] == ["-", "-"], "nobody signed in"


def test_a_calendar_feed_logs_its_route_not_its_token(client, caplog):
    with caplog.at_level(logging.INFO, logger="tracker.request"):
        finished(client.get("/notifications/calendar/a-secret-feed-token.ics"))
    [line] = logged(caplog)
    assert line["path"] == "/notifications/calendar/<token>.ics"
    assert "a-secret-feed-token" not in caplog.text


def test_the_error_page_names_the_request(app, client, login_as, monkeypatch):
    from tracker.projects import views

    monkeypatch.setattr(views.service, "projects_matching",
                        lambda *a, **k: get_session().exec(sa.text("SELECT * FROM no_such_table")))
    login_as(Role.PROCESS_GROUP)
    response = client.get("/projects/")
    assert response.status_code == 500
    assert f"<code>{response.headers['X-Request-Id']}</code>" in response.get_data(as_text=True)


def test_server_timing_is_off_unless_configured_and_then_counts_the_statements(app, client, login_as, engine):
    login_as(Role.PROCESS_GROUP)
    assert "Server-Timing" not in client.get("/projects/").headers
    app.config["SERVER_TIMING"] = True
    seen = []

    def count(*args):
        seen.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        timing = client.get("/projects/").headers["Server-Timing"]
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    match = re.fullmatch(r'app;dur=([\d.]+), cpu;dur=([\d.]+), sql;desc="statements";dur=(\d+)', timing)
    assert match, timing
    assert int(match.group(3)) == len(seen)


def test_alembic_does_not_list_its_plugins_in_the_commands_output(app):
    """Found by a walk-through: every `backup` and `restore` printed seven "setup plugin" lines at INFO."""
    assert not logging.getLogger("alembic.runtime.plugins").isEnabledFor(logging.INFO)
