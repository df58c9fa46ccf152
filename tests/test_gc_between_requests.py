"""Issue 8.3: a worker died with SIGSEGV when CPython 3.11's garbage collector ran in the middle of an ORM load.
The app collects between requests instead (tracker/gc_between_requests.py)."""

import gc
import subprocess
import sys
from pathlib import Path

import flask
import pytest

from tracker.gc_between_requests import CollectBetweenRequests, collect_if_due

ROOT = Path(__file__).parent.parent


def test_no_automatic_collection_while_a_request_is_handled(app):
    seen = {}

    def probe(sender, **extra):
        seen["enabled"] = gc.isenabled()

    assert isinstance(app.wsgi_app, CollectBetweenRequests)
    assert gc.isenabled()
    with flask.request_started.connected_to(probe, app):
        app.test_client().get("/health")
    assert seen["enabled"] is False
    assert gc.isenabled(), "automatic collection is back on once the request ends"


def test_the_collection_that_was_due_runs_when_the_request_ends():
    gc.collect()
    threshold = gc.get_threshold()
    try:
        gc.set_threshold(50, 10, 10)
        gc.disable()
        garbage = [[] for _ in range(200)]  # 200 container allocations: past a threshold of 50
        del garbage
        assert gc.get_count()[0] >= 50
        collect_if_due()
        assert gc.get_count()[0] >= 50, "nothing while collection is off"
        gc.enable()
        collect_if_due()
        assert gc.get_count()[0] < 50
        assert gc.get_count()[1] >= 1, "a generation-0 collection, as the interpreter would have run"
    finally:
        gc.set_threshold(*threshold)
        gc.enable()


@pytest.mark.heavy
def test_the_pages_that_crashed_a_worker_run_clean():
    """The reduced crash: 300 requests alternating a person's 150 commitments and a proposal page. Before the fix
    this process died with SIGSEGV (exit -11) within 200 requests on CPython 3.11; it must now end normally."""
    run = subprocess.run([sys.executable, str(ROOT / "bench/soak.py"), "in-process", "300"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    assert "300 requests, no crash" in run.stdout
