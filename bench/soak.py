"""Soak: boot gunicorn on an organization-sized SQLite database, request the heavy pages for a while, and count
the worker processes that die (issue 8.3: workers crashed with SIGSEGV soon after boot).

Run with `make soak` (or `.venv/bin/python bench/soak.py [boots] [requests per boot]`). It prints one line per
boot and variant: requests, non-200 answers, and worker deaths (signals, fatal errors) in gunicorn's log.
SOAK_KEEP_LOGS=dir keeps the log (with faulthandler's traceback) of every boot that lost a worker;
SOAK_DATABASE_URL=postgresql://... soaks an empty PostgreSQL database instead of a fresh SQLite file;
SOAK_BUSY=1 keeps every core busy with a spinning process meanwhile (the crash showed most on a busy machine).

The variants: two workers as `make run` starts them, the same with garbage collection allowed in the middle of
requests (TRACKER_COLLECT_BETWEEN_REQUESTS=0: how it was before the fix of tracker/gc_between_requests.py), and
a single worker.

`bench/soak.py in-process N` is the crash reduced to one process and two pages (a person's commitments and a
proposal page, in turn, N times through Flask's test client); tests/test_gc_between_requests.py runs it.
"""

import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import Session, select

sys.path.insert(0, str(Path(__file__).parent))
from pages import fill  # noqa: E402 - the list benchmark's organization, grown here

from tracker import create_app  # noqa: E402
from tracker.action_plans.models import ActionPlan, Commitment, PlanStatus  # noqa: E402
from tracker.auth.models import User  # noqa: E402
from tracker.migrations import upgrade  # noqa: E402
from tracker.projects.models import Project  # noqa: E402
from tracker.proposals.models import Proposal  # noqa: E402

ROOT = Path(__file__).parent.parent
PROJECTS = 1000  # with 10 status rows and one proposal each, as bench/pages.py builds them
SECRET = "soak-secret"
PORT = 5099
PAGES = ["/", "/projects/", "/proposals/", "/proposals/?view=board", "/plans/", "/commitments/mine",
         "/deployments/status", "/deployments/status.csv", "/assets/", "/lessons/", "/pilots/?status=running"]
FATAL = re.compile(r"SIGSEGV|Segmentation fault|Fatal Python error|was sent SIG|exited with code")


def build(url: str) -> tuple[int, list[str]]:
    """The organization, plus plans with about 150 commitments for the signed-in user; its heavy pages."""
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "DATA_DIR": tempfile.gettempdir(), "SECRET_KEY": SECRET})
    engine = app.extensions["tracker.engine"]
    user = fill(engine, PROJECTS)
    with Session(engine, expire_on_commit=False) as session:
        proposals = session.exec(select(Proposal).limit(50)).all()
        today = date.today()
        for i in range(15):
            plan = ActionPlan(title=f"Plan {i}", goal="g", success_measure="m", success_target="t", owner_id=user.id,
                              planned_start=today - timedelta(days=90), planned_end=today + timedelta(days=90),
                              status=PlanStatus.IN_PROGRESS, proposals=proposals[i * 3:i * 3 + 3])
            session.add(plan)
            session.flush()
            session.add_all(Commitment(plan_id=plan.id, description=f"Commitment {i}.{k}", owner_id=user.id,
                                       due_date=today + timedelta(days=k - 5)) for k in range(10))
        session.commit()
        plan_ids = session.exec(select(ActionPlan.id)).all()
        project_ids = session.exec(select(Project.id).limit(5)).all()
        proposal_ids = [p.id for p in proposals[:5]]
    engine.dispose()
    pages = PAGES + [f"/plans/{i}" for i in plan_ids[:5]] + [f"/projects/{i}" for i in project_ids] + \
        [f"/proposals/{i}" for i in proposal_ids]
    return user.id, pages


def cookie(url: str, user_id: int) -> str:
    """A signed session cookie for the user, made the way Flask makes them."""
    app = create_app({"DATABASE_URL": url, "DATA_DIR": tempfile.gettempdir(), "SECRET_KEY": SECRET})
    with app.app_context(), Session(app.extensions["tracker.engine"]) as session:
        user = session.get(User, user_id)
        token = user.get_id()
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.dumps({"_user_id": token, "_fresh": True, "seen": time.time() + 3600})


def boot(url: str, workers: int, log: Path, collect_between_requests: bool = True) -> subprocess.Popen:
    env = os.environ | {"TRACKER_COLLECT_BETWEEN_REQUESTS": str(collect_between_requests),
                        "TRACKER_DATABASE_URL": url, "TRACKER_SECRET_KEY": SECRET, "PYTHONFAULTHANDLER": "1",
                        "TRACKER_IDLE_MINUTES": "600"}
    command = [str(ROOT / ".venv/bin/gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{PORT}",
               "--log-file", str(log), "--no-control-socket", "tracker:create_app()"]
    stderr = log.with_suffix(".stderr").open("w")  # faulthandler's tracebacks of a crashing worker
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=stderr, stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def soak(session_cookie: str, pages: list[str], requests: int) -> int:
    """Request the pages in turn, one at a time; returns how many answers were not 200."""
    failures = 0
    for i in range(requests):
        request = urllib.request.Request(f"http://127.0.0.1:{PORT}{pages[i % len(pages)]}",
                                         headers={"Cookie": f"session={session_cookie}"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
                failures += response.status != 200
        except OSError:
            failures += 1
    return failures


def in_process(requests: int) -> int:
    """The crash in one process: the signed-in user's commitments and a proposal page, in turn; the exit code of
    that process (-11 is the SIGSEGV)."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/soak.db"
        user_id, pages = build(url)
        proposal = [page for page in pages if re.fullmatch(r"/proposals/\d+", page)][-1]
        # A fresh process, so that the collector's counts start where a worker's do.
        run = subprocess.run([sys.executable, __file__, "alternate", url, cookie(url, user_id), str(requests),
                              "/commitments/mine", proposal], env=os.environ | {"PYTHONFAULTHANDLER": "1"})
    return run.returncode


def alternate(url: str, session_cookie: str, requests: int, pages: list[str]) -> None:
    app = create_app({"DATABASE_URL": url, "DATA_DIR": str(Path(url.removeprefix("sqlite:///")).parent),
                      "SECRET_KEY": SECRET, "IDLE_MINUTES": 600})
    client = app.test_client()
    client.set_cookie("session", session_cookie)
    for i in range(requests):
        response = client.get(pages[i % len(pages)])
        assert response.status_code == 200, (pages[i % len(pages)], response.status_code)
        response.close()
    print(f"{requests} requests, no crash")


def spinners() -> list[subprocess.Popen]:
    """One busy-looping process per core, when SOAK_BUSY asks for a busy machine."""
    if not os.environ.get("SOAK_BUSY"):
        return []
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 1)]


def main() -> None:
    if sys.argv[1:2] == ["in-process"]:
        sys.exit(in_process(int(sys.argv[2]) if len(sys.argv) > 2 else 300))
    if sys.argv[1:2] == ["alternate"]:
        return alternate(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:])
    boots = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    variants = {"2 workers (as make run)": (2, True), "2 workers, GC inside requests (before)": (2, False),
                "1 worker": (1, True)}
    with tempfile.TemporaryDirectory() as tmp:
        # SOAK_DATABASE_URL: an empty PostgreSQL database instead of a fresh SQLite file.
        url = os.environ.get("SOAK_DATABASE_URL") or f"sqlite:///{tmp}/soak.db"
        user_id, pages = build(url)
        session_cookie = cookie(url, user_id)
        busy = spinners()
        try:
            print(f"{'variant':<40} {'boot':>4} {'requests':>8} {'not 200':>7} {'worker deaths':>13}")
            for v, (name, (workers, between)) in enumerate(variants.items()):
                for n in range(boots):
                    log = Path(tmp) / f"gunicorn-{v}-{n}.log"
                    server = boot(url, workers, log, collect_between_requests=between)
                    failures = soak(session_cookie, pages, requests)
                    server.terminate()
                    server.wait(timeout=30)
                    output = log.read_text(errors="replace") + log.with_suffix(".stderr").read_text(errors="replace")
                    deaths = [line for line in log.read_text().splitlines() if FATAL.search(line)]
                    print(f"{name:<40} {n + 1:>4} {requests:>8} {failures:>7} {len(deaths):>13}")
                    for line in deaths[:3]:
                        print("    " + line[:160])
                    if deaths and os.environ.get("SOAK_KEEP_LOGS"):
                        kept = Path(os.environ["SOAK_KEEP_LOGS"]) / log.name
                        kept.write_text(output)

        finally:
            for spinner in busy:
                spinner.kill()

if __name__ == "__main__":
    main()
