"""Several servers, one database: deploy/local's shape (nginx, two gunicorn app servers, two schedulers, one
PostgreSQL) under load while one app server is stopped gracefully and the other killed, each started again. No GET
fails (but an answer the killed server was sending when it died: nginx cannot retry what it began to pass on), a
failed POST was in flight on the stopped server, sessions move between servers, sign-in throttling and
reminders act as one system, the logs show no 5xx and no worker exit the test did not cause. bench/servers.py does
the work (`make servers-bench` runs it longer).

On the PostgreSQL run it is the production shape; on the SQLite run, two servers of one host sharing its file. It
needs Debian's nginx (.ci/test-all installs it as root), and under CI=true a missing nginx fails the run."""

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from crash import own_database  # noqa: E402
from servers import servers_run  # noqa: E402

SERVER = os.environ.get("TRACKER_DATABASE_URL", "")
SECONDS = 12
CLIENTS = 4
LIMIT = 8  # the sign-in address limit the servers run with here (fewer password hashes than the default 30)
THINK = 0.1  # seconds between one person's requests: about 30 a second in all, not the 60 two cores can answer,
# which would slow the rest of the suite beside this test for its half minute (make servers-bench sends all it can)


def nginx_or_skip() -> None:
    if shutil.which("nginx") or Path("/usr/sbin/nginx").exists():
        return
    message = "nginx is missing: .ci/test-all installs Debian's nginx as root (apt-get install nginx)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.mark.heavy
def test_two_app_servers_behind_nginx_act_as_one_system(tmp_path):
    """On the PostgreSQL run the production shape itself; on the SQLite run two servers of one host sharing its file,
    which must act as one system just the same."""
    nginx_or_skip()
    lines = []
    with own_database(SERVER, tmp_path) as url:
        run = servers_run(url, tmp_path, seconds=SECONDS, clients=CLIENTS, limit=LIMIT, think=THINK,
                          report=lines.append)
    print("\n".join(lines))
    assert run.problems == [], "\n".join(lines)
    assert {stop.how for stop in run.stops} == {"SIGTERM", "SIGKILL"}
    assert sum(1 for answer in run.answers if answer.method == "GET") > 50
    assert run.throttle["failures"] == {401: LIMIT}
    assert run.reminders["first"] == run.reminders["after_takeover"] > 0
