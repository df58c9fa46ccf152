"""Crash safety: the real server (gunicorn, two workers) killed with SIGKILL, master and workers together, while
people save; every save it acknowledged is there afterwards, once and with its history, nothing is half written, the
database is whole and the server starts again. bench/crash.py does the work; `make crash` runs many more rounds."""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from crash import crash_rounds, own_database  # noqa: E402

ROUNDS = 5
WRITERS = 4  # more writers than workers: the workers are rarely idle when the kill lands (with two, a save that
# committed its record and its history apart was caught on SQLite in 5 rounds but needed 12 on PostgreSQL)
SAVES = (WRITERS * 2, WRITERS * 3)  # acknowledged before the kill: each writer has submitted, edited and often
# commented, however busy the machine (with a time after the first save instead, a busy one saw no comment in 5 rounds)


@pytest.mark.heavy
def test_saves_the_server_acknowledged_survive_kill_9_whole_and_once(tmp_path):
    """On the suite's kind of database (PostgreSQL when TRACKER_DATABASE_URL names one), in a database of its own:
    the server's processes must not share the suite's database with the tests."""
    lines = []
    with own_database(os.environ.get("TRACKER_DATABASE_URL", ""), tmp_path) as url:
        rounds, acked = crash_rounds(url, tmp_path, rounds=ROUNDS, writers=WRITERS, saves=SAVES, seconds=(0.0, 0.5),
                                     report=lines.append)
    print("\n".join(lines))
    assert [r.problems for r in rounds] == [[]] * ROUNDS, "\n".join(lines)
    assert all(r.acknowledged >= 1 for r in rounds)
    assert acked.edits and acked.comments and len(acked.proposals) >= ROUNDS
    # Requests cut off by the kill got no answer; every answer the server gave was a save or its page, never an
    # error (a 5xx would be a worker that found the database in a state it could not handle).
    assert set(acked.answers) <= {200, 303, "failed"}, acked.answers
