"""Collect cyclic garbage between requests, never in the middle of one (the worker SIGSEGV of issue 8.3).

On CPython 3.11 (3.11.2 and 3.11.7 tested) a gunicorn worker corrupted its heap and died with SIGSEGV when
the cyclic garbage collector ran while the ORM was loading rows: faulthandler shows "Garbage-collecting"
inside `InstanceState.__init__`, and with PYTHONMALLOC=debug a state's inline attribute values turn out to
be freed while the state is still in use (0xDD bytes in the prefix `free_values` reads). It needs no C
extension but the interpreter: SQLAlchemy's compiled extensions removed, SQLite or PostgreSQL, it crashes
the same; with automatic collection turned off it does not; on CPython 3.12.1, the same packages and
requests run clean. Reduced, it takes two pages requested in turn (a person's 150 commitments, then a
proposal page with its 500 duplicate candidates): `bench/soak.py` reproduces it, and
tests/test_gc_between_requests.py keeps it fixed.

The workaround: while a request is handled, automatic collection is off; when it ends, the collection
that was due runs, by the interpreter's own thresholds (generation 0, 1 or 2 as the counts say). Garbage
is still collected at the same rate, only at a point where no ORM load is in progress, and the pause
leaves the request's own latency. Outside requests (CLI, jobs, the test process) nothing changes.
"""

import gc
from collections.abc import Callable, Iterable


def collect_if_due() -> None:
    """The collection the interpreter would have run by now, if any, by its own rules.

    Allocating a container is where CPython checks its thresholds, so one allocation with collection enabled
    runs exactly the collection that came due, with the interpreter's own rule that a full collection waits
    until a quarter of the long-lived objects are new (`gc.collect(2)` would skip that rule and walk the
    whole heap far more often: 12% of a crawl's time went there).
    """
    if gc.isenabled():
        _Probe()  # allocated outside any free list: the interpreter checks its thresholds and collects if due


class _Probe:
    __slots__ = ("_",)  # a slot makes its instances tracked, so creating one passes the collector's check


class CollectBetweenRequests:
    """WSGI middleware: no automatic garbage collection while the app handles a request."""

    def __init__(self, wsgi_app: Callable) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self.wsgi_app(environ, start_response)
        finally:
            if was_enabled:
                gc.enable()
                collect_if_due()
