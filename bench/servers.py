"""Several servers, one database: the production shape (deploy/local: nginx in front of two gunicorn app servers,
one PostgreSQL, a scheduler beside each app server) under load while one app server is stopped and started again.

    make servers-bench              # 30 s; as root a throwaway PostgreSQL, or SERVERS_DATABASE_URL=postgresql://...
    .venv/bin/python bench/servers.py --seconds 30 --clients 8 [--database postgresql://...] [--keep]

What happens (`servers_run`), and what must hold (`Run.problems`):
- People (process-group members, signed in through nginx) load list and detail pages and submit proposals (with
  the CSRF token) from `clients` threads. A third of the way in, app server 1 gets SIGTERM (graceful: gunicorn
  finishes what its workers hold) and is started again a few seconds later; two thirds in, app server 2 gets
  SIGKILL (master and workers at once: a crashed host) and is started again.
- No GET fails: nginx sends an idempotent request that met a stopped server to the other one.
- A POST fails only if it was in flight on the stopped server when it stopped (nginx never re-sends a POST that
  reached a server): each failed POST was under way between the signal and the server's last process going, and
  there are no more of them than client connections.
- Every session is served by both servers (the X-Upstream header deploy/local adds) and never signed out.
- Sign-in throttling is one system: `SIGNIN_ADDRESS_LIMIT` failed sign-ins from one client address, spread over
  both servers, and the next attempt is refused (429) by either server; another address still signs in.
- Reminders are made once: two schedulers run (one per app host); one leads and runs the sweep, the other stands
  by; the leader's first sweep made every reminder the database holds. Killed, the leader is replaced by the
  other, whose sweep makes none again.
- The logs: no 5xx from the app, nothing in nginx's access log that a client saw as a 5xx other than the failed
  POSTs counted above, no worker exit the bench did not cause.
tests/test_servers.py runs a short version on the suite's PostgreSQL.
"""

import argparse
import http.client
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crash import CSRF, PROPOSAL_URL, SUBMITTED, living_in_group, own_database  # noqa: E402
from scale import Client  # noqa: E402

import tracker.models  # noqa: E402,F401 - every table on the metadata
from tracker.auth.models import User  # noqa: E402
from tracker.auth.passwords import hash_password  # noqa: E402
from tracker.auth.roles import Role  # noqa: E402
from tracker.config import DEFAULTS  # noqa: E402
from tracker.db import normalize_url, utcnow  # noqa: E402
from tracker.lessons.models import Lesson, Polarity  # noqa: E402
from tracker.reminders.models import JobRun, Notification  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / "deploy" / "local"
PASSWORD = "servers bench password, long enough"
LESSONS = 3  # lessons logged a month ago and never reviewed: each process-group member is reminded of each
LEASE = 6  # the schedulers' lease: a standby asks every 2 s
GETS = ["/", "/proposals/", "/proposals/?sort=-priority", "/lessons/", "/my-work", "/notifications/", "/projects/"]


# --- the shape --------------------------------------------------------------------------------------------------

@dataclass
class Shape:
    """deploy/local running in `run`: nginx's URL and port, the app servers' addresses."""

    run: Path
    process: subprocess.Popen
    url: str = ""
    port: int = 0
    apps: dict[str, str] = field(default_factory=dict)  # app1/app2 -> "127.0.0.1:port" (as $upstream_addr says)
    database: str = ""

    def pid(self, name: str) -> int:
        return int((self.run / f"{name}.pid").read_text())

    def stop(self, name: str, how: signal.Signals) -> tuple[float, float]:
        """Signal one server's process group; (when signalled, when its last process was gone)."""
        group = self.pid(name)
        signalled = time.monotonic()
        os.killpg(group, how)
        deadline = signalled + 60
        while living_in_group(group) and time.monotonic() < deadline:
            time.sleep(0.01)
        if living_in_group(group):
            raise RuntimeError(f"{name} outlived {how.name} by 60 s")
        (self.run / f"{name}.pid").unlink()
        return signalled, time.monotonic()

    def start(self, name: str) -> None:
        """Start one app server or scheduler again, as `deploy/local up` did (an app server: until it answers)."""
        subprocess.run([str(LOCAL), "start", name, "--run-dir", str(self.run)], check=True, capture_output=True,
                       timeout=120)

    def log(self, name: str) -> str:
        path = self.run / "logs" / name
        return path.read_text(errors="replace") if path.exists() else ""


@contextmanager
def shape(run: Path, database: str, environment: dict[str, str]) -> Iterator[Shape]:
    """deploy/local up without schedulers (they are started once the data is there), stopped on the way out."""
    command = [str(LOCAL), "up", "--run-dir", str(run), "--schedulers", "0", "--lease", str(LEASE)]
    if database:  # made and migrated by the caller
        command += ["--database-url", database, "--no-migrate"]
    run.mkdir(parents=True, exist_ok=True)
    with (run / "up.log").open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                   env=os.environ | environment)
    running = Shape(run, process)
    try:
        deadline = time.monotonic() + 300
        while not (run / "ready").exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"deploy/local did not start:\n{(run / 'up.log').read_text()[-3000:]}")
            time.sleep(0.2)
        running.url = (run / "ready").read_text().strip()
        running.port = int(running.url.rsplit(":", 1)[1])
        settings = (run / "env").read_text()
        for name in ("app1", "app2"):
            port = re.search(rf"{name.upper()}_PORT=(\d+)", settings).group(1)
            running.apps[name] = f"127.0.0.1:{port}"
        running.database = re.search(r"export TRACKER_DATABASE_URL=(\S+)", settings).group(1).strip("'")
        yield running
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)  # its trap stops nginx, the servers, the schedulers, the cluster
            try:
                process.wait(120)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        for pidfile in run.glob("*.pid"):  # anything its trap could not stop
            with suppress(ProcessLookupError, ValueError):
                os.killpg(int(pidfile.read_text()), signal.SIGKILL)


def add_people(url: str, clients: int) -> list[str]:
    """Process-group members who sign in and submit, and lessons a month old that they are to be reminded of."""
    engine = sa.create_engine(normalize_url(url), poolclass=sa.pool.NullPool)
    emails, hashed = [f"person{n}@servers.example" for n in range(clients)], hash_password(PASSWORD)
    with Session(engine) as session:
        people = []
        for email in emails:
            person = User(email=email, name=email.split("@")[0].title(), password_hash=hashed, active=True)
            person.roles = {Role.PROCESS_GROUP}
            session.add(person)
            people.append(person)
        session.flush()
        month_ago = utcnow() - timedelta(days=30)
        for n in range(LESSONS):
            session.add(Lesson(title=f"Lesson {n} never reviewed", what_happened="Reviews found defects late",
                               polarity=Polarity.NEGATIVE, author_id=people[n % len(people)].id, created_at=month_ago))
        session.commit()
    engine.dispose()
    return emails


# --- the people ---------------------------------------------------------------------------------------------------

class Visitor(Client):
    """scale's client, connecting from a source address of its own (127.0.0.x: nginx sees a client address there)."""

    def __init__(self, port: int, source: str = "127.0.0.1") -> None:
        super().__init__(port)
        self.source = source

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30, source_address=(self.source, 0))


@dataclass
class Answer:
    person: int
    method: str
    path: str
    started: float
    ended: float
    status: int | None  # None: no answer at all (the connection failed)
    upstream: str  # the server that answered last (nginx's $upstream_addr; "a, b" when it went on to b)
    location: str = ""


class Person(threading.Thread):
    """One signed-in session loading pages and, one request in six, submitting a proposal; every answer kept."""

    def __init__(self, number: int, port: int, email: str, answers: list[Answer], stop: threading.Event,
                 think: float = 0.0) -> None:
        super().__init__(name=f"person{number}", daemon=True)
        self.number, self.email, self.answers, self.stop, self.think = number, email, answers, stop, think
        self.client = Client(port)
        self.client.sign_in(email, PASSWORD)
        status, _, page = self.client.get("/proposals/new")
        assert status == 200, status
        self.token = CSRF.search(page.decode()).group(1)
        self.mine: list[int] = []
        self.error: BaseException | None = None

    def ask(self, method: str, path: str, form: dict | None = None) -> Answer:
        started = time.monotonic()
        try:
            status, headers, _ = self.client.request(method, path, None if form is None else urlencode(form))
            upstream, location = headers.get("X-Upstream", ""), headers.get("Location", "")
        except (OSError, http.client.HTTPException):
            status, upstream, location = None, "", ""
        answer = Answer(self.number, method, path, started, time.monotonic(), status, upstream, location)
        self.answers.append(answer)  # list.append is atomic
        return answer

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                if random.random() < 1 / 6:
                    title = f"Servers {self.name} {uuid.uuid4().hex[:8]}"
                    answer = self.ask("POST", "/proposals/", SUBMITTED | {"csrf_token": self.token, "title": title})
                    if answer.status == 303 and (found := PROPOSAL_URL.search(answer.location)):
                        self.mine.append(int(found.group(1)))
                elif self.mine and random.random() < 0.3:
                    self.ask("GET", f"/proposals/{random.choice(self.mine)}")
                else:
                    self.ask("GET", random.choice(GETS))
                self.stop.wait(self.think)  # a pause before the next request, if any
        except BaseException as error:  # a person who stops asking must not go unnoticed
            self.error = error


# --- the run ------------------------------------------------------------------------------------------------------

@dataclass
class Stop:
    name: str  # app1, app2
    how: str  # SIGTERM, SIGKILL
    signalled: float
    gone: float
    back: float = 0.0


@dataclass
class Run:
    answers: list[Answer] = field(default_factory=list)
    stops: list[Stop] = field(default_factory=list)
    clients: int = 0
    started: float = 0.0
    ended: float = 0.0
    throttle: dict = field(default_factory=dict)
    reminders: dict = field(default_factory=dict)
    logs: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def in_flight(answer: Answer, stop: Stop) -> bool:
    """Under way on the server while it went: sent before its last process was gone, answered after the signal."""
    return answer.started < stop.gone and answer.ended >= stop.signalled


def cut_off(answer: Answer, kind: str, stops: list[Stop]) -> bool:
    """A connection dropped while a killed server was answering it: nginx retries a request the server failed
    before answering, but not one whose answer it had begun to pass on (its error log: "upstream prematurely
    closed"). Only SIGKILL does that; a graceful stop finishes every answer it began."""
    return kind.startswith("no answer") and any(stop.how == "SIGKILL" and in_flight(answer, stop) for stop in stops)


def failed(answer: Answer) -> str | None:
    """What went wrong with this answer, or None."""
    if answer.status is None:
        return "no answer (connection failed)"
    if answer.status in (302, 303) and "/login" in answer.location:
        return "signed out"
    if answer.method == "GET" and answer.status != 200:
        return f"GET {answer.status}"
    if answer.method == "POST" and answer.status != 303:
        return f"POST {answer.status}"
    return None


def load(shape: Shape, emails: list[str], seconds: float, run: Run, report: Callable[[str], None],
         think: float = 0.0) -> None:
    """The people ask while app1 is stopped gracefully and app2 is killed, each started again after `pause`;
    each waits `think` seconds between requests."""
    stop = threading.Event()
    people = [Person(n, shape.port, email, run.answers, stop, think) for n, email in enumerate(emails)]
    run.clients, run.started = len(people), time.monotonic()
    for person in people:
        person.start()
    pause = min(3.0, seconds / 8)
    try:
        for name, how, at in (("app1", signal.SIGTERM, 0.2), ("app2", signal.SIGKILL, 0.55)):
            time.sleep(max(0.0, run.started + seconds * at - time.monotonic()))
            signalled, gone = shape.stop(name, how)
            report(f"  {time.monotonic() - run.started:5.1f} s  {name} stopped by {how.name} "
                   f"({gone - signalled:.2f} s until its last process went)")
            time.sleep(pause)
            shape.start(name)
            back = time.monotonic()
            report(f"  {back - run.started:5.1f} s  {name} started again")
            # The next server is stopped only once nginx sends this one requests again (after fail_timeout): two
            # servers out of rotation at once is an outage, whatever either of them is doing.
            address = shape.apps[name]
            answering = _wait(lambda since=back, address=address: next(
                (a.ended for a in list(run.answers) if a.started > since and a.upstream.endswith(address)), None),
                30, f"nginx sent {name} no request within 30 s of its start")
            report(f"  {answering - run.started:5.1f} s  {name} answers through nginx again")
            run.stops.append(Stop(name, how.name, signalled, gone, back))
            # and once the failures nginx counted while it was down are older than fail_timeout (5 s): until then
            # one more failure of it would leave no server in rotation ("no live upstreams")
            time.sleep(max(0.0, answering + FAIL_TIMEOUT + 1 - time.monotonic()))
        time.sleep(max(2.0, run.started + seconds - time.monotonic()))
    finally:
        stop.set()
        for person in people:
            person.join(timeout=150)
    run.ended = time.monotonic()
    run.problems += [f"{p.name} stopped asking: {p.error!r}" for p in people if p.error]


def check_load(shape: Shape, run: Run) -> None:
    """Report per phase and check: no GET failed, failed POSTs were in flight on a stopped server, sessions moved."""
    bounds = [run.started, *(s.signalled for s in run.stops), run.ended + 1]
    names = ["steady", *(f"{s.how} {s.name}" for s in run.stops)]
    for n, name in enumerate(names):
        phase = [a for a in run.answers if bounds[n] <= a.ended < bounds[n + 1]]  # a failure counts where it ended
        kinds = Counter(kind for a in phase if (kind := failed(a)))
        methods = Counter(a.method for a in phase)
        run.lines.append(f"  {name:<14} {len(phase):>6} requests ({methods['GET']} GET, {methods['POST']} POST, "
                         f"{len(phase) / (bounds[n + 1] - bounds[n]):.0f}/s), failures: {dict(kinds) or 'none'}")
    retried = sum(1 for a in run.answers if "," in a.upstream)
    run.lines.append(f"  nginx sent {retried} requests on to the other server after the first failed")
    for answer in run.answers:
        kind = failed(answer)
        if kind is None or cut_off(answer, kind, run.stops):
            continue
        if answer.method != "POST" or kind.startswith("signed") or kind.startswith("no answer"):
            run.problems.append(f"{kind}: {answer.method} {answer.path} by person {answer.person} "
                                f"(upstream {answer.upstream or '-'})")
        elif not any(in_flight(answer, stop) and shape.apps[stop.name] in answer.upstream for stop in run.stops):
            run.problems.append(f"{kind} not in flight on a stopped server: POST {answer.path} "
                                f"(upstream {answer.upstream or '-'})")
    for stop in run.stops:
        posts = [a for a in run.answers if a.method == "POST" and failed(a) and in_flight(a, stop)]
        under_way = [a for a in run.answers if a.method == "POST" and in_flight(a, stop)]
        run.lines.append(f"  {stop.how} {stop.name}: {len(posts)} POSTs failed, of {len(under_way)} under way while "
                         f"it went ({stop.gone - stop.signalled:.2f} s); bound: {run.clients} connections")
        cut = [a for a in run.answers if (kind := failed(a)) and cut_off(a, kind, [stop])]
        if cut:
            run.lines.append(f"  {stop.how} {stop.name}: {len(cut)} answers cut off as it died")
        lost = {id(a) for a in posts + cut}
        if len(lost) > run.clients:
            run.problems.append(f"{stop.how} {stop.name}: {len(lost)} requests failed, more than {run.clients} "
                                "connections could have had in flight")
    servers = {}
    for answer in run.answers:
        if answer.status is not None and answer.upstream:
            servers.setdefault(answer.person, set()).add(answer.upstream.rsplit(", ", 1)[-1])
    both = sum(1 for person in range(run.clients) if servers.get(person, set()) >= set(shape.apps.values()))
    run.lines.append(f"  sessions served by both app servers: {both} of {run.clients}")
    if both != run.clients:
        run.problems.append(f"only {both} of {run.clients} sessions were served by both servers: {servers}")
    for stop in run.stops:
        after = [a for a in run.answers if a.started > stop.back and a.upstream.endswith(shape.apps[stop.name])]
        run.lines.append(f"  {stop.name} answered {len(after)} requests after it started again "
                         f"(nginx tries it again after fail_timeout)")


def check_throttle(shape: Shape, emails: list[str], limit: int, run: Run) -> None:
    """`limit` failed sign-ins from one address, spread over both servers; then either server refuses it."""
    source = f"127.0.0.{random.randint(20, 250)}"
    outsider = Visitor(shape.port, source)
    status, _, page = outsider.get("/login")
    token = CSRF.search(page.decode()).group(1)
    seen, statuses = Counter(), Counter()

    def attempt(n: int) -> tuple[int, str]:
        status, headers, _ = outsider.request("POST", "/login", urlencode(
            {"email": f"nobody{n}@servers.example", "password": "wrong password", "csrf_token": token}))
        upstream = headers.get("X-Upstream", "").rsplit(", ", 1)[-1]
        return status, upstream

    for n in range(limit):
        status, upstream = attempt(n)
        statuses[status] += 1
        seen[upstream] += 1
    refused = Counter()
    for n in range(limit, limit + 4):  # round robin: the next attempts reach both servers
        status, upstream = attempt(n)
        refused[(status, upstream)] += 1
    other = Client(shape.port)
    other.sign_in(emails[0], PASSWORD)  # raises if this address is held back too
    run.throttle = {"address": source, "limit": limit, "failures": dict(statuses), "spread": dict(seen),
                    "after": {f"{s} from {u}": c for (s, u), c in refused.items()}}
    run.lines.append(f"  sign-in throttling: {limit} failures from {source} answered {dict(statuses)}, served by "
                     f"{dict(seen)}; the next 4: {run.throttle['after']}; 127.0.0.1 still signs in")
    if statuses != Counter({401: limit}):
        run.problems.append(f"the first {limit} failed sign-ins were not all 401: {dict(statuses)}")
    if len(seen) < 2:
        run.problems.append(f"the failed sign-ins all went to one server: {dict(seen)}")
    if {s for s, _ in refused} != {429} or len({u for _, u in refused}) < 2:
        run.problems.append(f"after {limit} failures, not every server refused the address (429): {dict(refused)}")


def _sweeps(url: str) -> tuple[JobRun | None, int]:
    engine = sa.create_engine(normalize_url(url), poolclass=sa.pool.NullPool)
    with Session(engine) as session:
        job = session.get(JobRun, "sweep")
        made = session.exec(sa.select(sa.func.count()).select_from(Notification)).one()[0]
        if job is not None:
            session.expunge(job)
    engine.dispose()
    return job, made


def _wait(what: Callable[[], object], seconds: float, message: str):
    deadline = time.monotonic() + seconds
    while not (found := what()):
        if time.monotonic() > deadline:
            raise RuntimeError(message)
        time.sleep(0.2)
    return found


def leading(shape: Shape) -> str:
    """The scheduler that leads, once it has swept (the other has asked at least once more meanwhile)."""
    _wait(lambda: (job := _sweeps(shape.database)[0]) and job.last_finished_at, 90, "no sweep within 90 s")
    time.sleep(LEASE / 3 + 0.5)
    return _wait(lambda: next((n for n in ("scheduler1", "scheduler2") if " leads" in shape.log(f"{n}.log")), None),
                 10, "no scheduler says it leads")


def check_reminders(shape: Shape, people: int, run: Run) -> None:
    """One scheduler led and swept; its sweep made every reminder; killed, the other took over and made none."""
    leader = leading(shape)
    job, made = _sweeps(shape.database)
    standby = "scheduler2" if leader == "scheduler1" else "scheduler1"
    expected = LESSONS * people
    run.lines.append(f"  reminders: {leader} leads, {standby} stands by; the first sweep: {job.last_result!r}, "
                     f"{made} reminders in the database ({LESSONS} lessons x {people} process-group members)")
    if job.runs != 1 or not job.last_result.startswith(f"{expected} reminders made") or made != expected:
        run.problems.append(f"the first sweep: {job.runs} runs, {job.last_result!r}, {made} reminders; "
                            f"expected 1 run making {expected}")
    if " leads" in shape.log(f"{standby}.log") or 'Running job "sweep' in shape.log(f"{standby}.log"):
        run.problems.append(f"{standby} led or swept while {leader} led")
    signalled, _ = shape.stop(leader, signal.SIGKILL)
    took = _wait(lambda: " leads" in shape.log(f"{standby}.log"), LEASE * 3, f"{standby} did not take the lead")
    _wait(lambda: (again := _sweeps(shape.database)[0]) and again.runs == 2 and again.last_finished_at
          and again.last_finished_at >= again.last_started_at, 30,
          f"{standby} did not sweep after taking the lead")
    job, total = _sweeps(shape.database)
    run.reminders = {"leader": leader, "first": made, "after_takeover": total, "second_sweep": job.last_result,
                     "takeover_seconds": round(time.monotonic() - signalled, 1) if took else None}
    run.lines.append(f"  {leader} killed: {standby} led within {run.reminders['takeover_seconds']} s; its sweep: "
                     f"{job.last_result!r}; reminders now {total}")
    if total != made or not job.last_result.startswith("0 reminders made"):
        run.problems.append(f"after the takeover: {total} reminders (was {made}), sweep {job.last_result!r}")
    shape.start(leader)  # back, standing by


UNCAUSED_EXIT = re.compile(r"WORKER TIMEOUT|was sent SIGKILL|exited with code|Traceback|Error handling request|"
                           r"Segmentation|Fatal Python error| ERROR ")
APP_5XX = re.compile(r"status=5\d\d")
ACCESS = re.compile(r'"(\w+) (\S+) [^"]*" (\d{3}) .* ustatus=(\S+(?:, \S+)*) ')


def check_logs(shape: Shape, run: Run) -> None:
    """Any 5xx a client saw beyond the failed POSTs counted, any 5xx from the app, any worker exit not caused."""
    access = shape.log("nginx-access.log").splitlines()
    seen = Counter((m.group(1), m.group(3)) for line in access if (m := ACCESS.search(line)) and m.group(3)[0] == "5")
    errors = Counter()
    for line in shape.log("nginx-error.log").splitlines():
        for kind in ("connect() failed (111", "upstream prematurely closed", "recv() failed (104",
                     "no live upstreams", "upstream timed out"):
            if kind in line:
                errors[kind] += 1
    run.logs = {"nginx 5xx answers": dict(seen), "nginx errors": dict(errors)}
    run.lines.append(f"  nginx's access log: {len(access)} lines, 5xx answers {dict(seen) or 'none'}; "
                     f"its error log: {dict(errors) or 'nothing'}")
    posts_failed = sum(1 for a in run.answers if a.method == "POST" and failed(a))
    if sum(c for (method, _), c in seen.items() if method != "POST") or seen.get(("POST", "502"), 0) > posts_failed:
        run.problems.append(f"nginx answered 5xx beyond the failed POSTs counted: {dict(seen)}")
    for name in ("app1.log", "app2.log", "scheduler1.log", "scheduler2.log"):
        text = shape.log(name)
        bad = [line for line in text.splitlines() if UNCAUSED_EXIT.search(line) or APP_5XX.search(line)]
        if bad:
            run.problems.append(f"{name}: {len(bad)} lines of trouble, e.g. {bad[:3]}")


FAIL_TIMEOUT = 5  # seconds: deploy/nginx.conf's fail_timeout


def servers_run(database: str, work: Path, *, seconds: float, clients: int, limit: int | None = None,
                think: float = 0.0, report=print) -> Run:
    """Start the shape on `database` (a PostgreSQL URL of this run's own database; empty: deploy/local makes a
    throwaway cluster, as root), load it while servers stop and start, check; stop it all. `limit`: the sign-in
    address limit the servers run with (default: TRACKER_SIGNIN_ADDRESS_LIMIT, else the app's default); `think`:
    each person's pause between requests (none: as fast as the servers answer)."""
    run = Run()
    limit = limit or int(os.environ.get("TRACKER_SIGNIN_ADDRESS_LIMIT") or DEFAULTS["SIGNIN_ADDRESS_LIMIT"])
    environment = {"TRACKER_SIGNIN_ADDRESS_LIMIT": str(limit), "TRACKER_SWEEP_SECONDS": "3600"}
    with shape(work / "run", database, environment) as running:
        report(f"nginx at {running.url}, app servers {running.apps}; run directory {running.run}")
        emails = add_people(running.database, clients)
        running.start("scheduler1")  # one per app host, as a deployment runs them; they start while people work
        running.start("scheduler2")
        report(f"{clients} people for {seconds:.0f} s")
        load(running, emails, seconds, run, report, think)
        check_load(running, run)
        check_throttle(running, emails, limit, run)
        check_reminders(running, clients, run)
    check_logs(running, run)  # after the shutdown: its exits are caused ones
    for line in run.lines:
        report(line)
    for problem in run.problems:
        report("PROBLEM: " + problem)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--database", default=os.environ.get("SERVERS_DATABASE_URL", ""),
                        help="a PostgreSQL server URL (a database of its own is made on it); else, as root, "
                             "deploy/local makes a throwaway cluster")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs) even when all is well")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tracker-servers-"))
    started = time.monotonic()
    database = own_database(options.database, work) if options.database else nullcontext("")
    with database as url:
        run = servers_run(url, work, seconds=options.seconds, clients=options.clients)
    print(f"{len(run.answers)} requests in {time.monotonic() - started:.0f} s all told; "
          f"{'FAILED' if run.problems else 'all checks hold'}; logs: {work / 'run' / 'logs'}")
    if not options.keep and not run.problems:
        subprocess.run(["rm", "-rf", str(work)], check=False)
    sys.exit(1 if run.problems else 0)


if __name__ == "__main__":
    main()
