"""Crash safety: people save through the real server (gunicorn, two workers) while it is killed with SIGKILL, master
and workers at once, again and again; after each kill the database must be whole and hold every save the server
acknowledged, exactly once and with its history, and the server must start and answer again.

Run with `make crash` (or `.venv/bin/python bench/crash.py --rounds 50 [--database postgresql://...]`): a fresh
database of its own (a SQLite file, or a new database on the PostgreSQL server named), one line per round.
tests/test_crash.py runs a few rounds of the same on the suite's database kind.

What the writers do, as a browser would (forms with the CSRF token, redirects not followed): submit a proposal
(a 303 to /proposals/<id> acknowledges it, its title unique), change the title of one of their proposals with the
version the edit form carried (303), and comment on it (200 with the page). Requests in flight when the server dies
may fail: only what was acknowledged counts. What is checked after each kill (`check`):
- the database: SQLite's integrity_check says ok and its foreign keys hold; every table reads whole (both kinds);
- every acknowledged proposal, edit and comment is there once, each with its history row;
- no half-written record, acknowledged or not: every proposal has the history of its creation, its version is one
  more than the title changes its history holds, and its title is the last one the history gives; every comment
  has its history; no history row names a proposal or comment that is not there.
"""

import argparse
import html
import http.client
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

import tracker.models  # noqa: F401 - every table on the metadata, for the full read
from tracker.auth.models import User
from tracker.auth.passwords import hash_password
from tracker.auth.roles import Role
from tracker.db import normalize_url
from tracker.migrations import upgrade

ROOT = Path(__file__).resolve().parent.parent
EMAIL, PASSWORD = "crash@example.org", "crash test password, long enough"
SECRET = "crash-secret"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
TITLE = re.compile(r'name="title" type="text" value="([^"]*)"')
PROPOSAL_URL = re.compile(r"/proposals/(\d+)$")
SUBMITTED = {"problem": "Reviews find defects late", "proposed_change": "Checklist-driven reviews",
             "source": "other", "source_ref": "", "expected_benefit": "4", "estimated_effort": "2"}
# The history rows a submitted proposal's creation writes: each field the form filled (tracker/history).
CREATED_FIELDS = {"title", "problem", "proposed_change", "source", "expected_benefit", "estimated_effort"}


# --- the database -------------------------------------------------------------------------------------------------

@contextmanager
def own_database(server: str, directory: Path) -> Iterator[str]:
    """A migrated database for this run only: a SQLite file in `directory`, or, when `server` names PostgreSQL, a
    new database on it (dropped afterwards)."""
    if not server.startswith("postgres"):
        url = f"sqlite:///{directory / 'crash.db'}"
        upgrade(url)
        yield url
        return
    name = f"tracker_crash_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(normalize_url(server), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(normalize_url(server)).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def add_writer(url: str) -> None:
    """The person who saves: a process-group member (may submit, edit any open proposal, comment)."""
    engine = sa.create_engine(normalize_url(url), poolclass=sa.pool.NullPool)
    with Session(engine) as session:
        user = User(email=EMAIL, name="Crash Tester", password_hash=hash_password(PASSWORD), active=True)
        user.roles = {Role.PROCESS_GROUP}
        session.add(user)
        session.commit()
    engine.dispose()


# --- the server ---------------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def living_in_group(group: int) -> list[int]:
    """The processes of this process group that still run (a zombie, dead but not yet reaped by whoever inherited
    it, writes nothing more: the workers are reparented when the master dies, and reaped when that one gets to it)."""
    living = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (name)": state, ppid, pgrp, ...
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[2]) == group and fields[0] not in ("Z", "X"):
            living.append(int(stat.parent.name))
    return living


class Server:
    """gunicorn as `make run` starts it (two sync workers), in a process group of its own so that one killpg
    reaches the master and every worker at the same instant."""

    def __init__(self, url: str, data_dir: Path, log: Path):
        self.url, self.data_dir, self.log = url, data_dir, log
        self.process: subprocess.Popen | None = None
        self.port = 0

    def start(self, timeout: float = 60) -> None:
        self.port = free_port()  # a new port each time: nothing waits for the old socket to go
        env = os.environ | {"TRACKER_DATABASE_URL": self.url, "TRACKER_DATA_DIR": str(self.data_dir),
                            "TRACKER_SECRET_KEY": SECRET, "PYTHONFAULTHANDLER": "1"}
        command = [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--bind",
                   f"127.0.0.1:{self.port}", "--timeout", "60", "--no-control-socket", "tracker:create_app()"]
        with self.log.open("a") as log:
            self.process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if Browser(self.port).request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL to the master and its workers together; returns once none of them is left."""
        group = self.process.pid  # start_new_session: the group's id is the master's pid
        os.killpg(group, signal.SIGKILL)
        self.process.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if not living_in_group(group):
                return
            time.sleep(0.01)
        raise RuntimeError(f"gunicorn's workers outlived SIGKILL: {living_in_group(group)}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill()

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


# --- the browser --------------------------------------------------------------------------------------------------

class Browser:
    """Plain HTTP as a browser sends it: the session cookie kept, forms URL-encoded, redirects not followed (a
    303's Location is the acknowledgement)."""

    def __init__(self, port: int, cookie: str = ""):
        self.port, self.cookie = port, cookie

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        """(status, Location, body); an OSError or HTTPException when the server is gone mid-request."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            headers = {"Cookie": self.cookie} if self.cookie else {}
            body = None
            if form is not None:
                body = urlencode(form)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                if value.startswith("session="):
                    self.cookie = value.split(";", 1)[0]
            return response.status, response.headers.get("Location", ""), text
        finally:
            connection.close()

    def sign_in(self) -> str:
        """Sign in through the form; the CSRF token the next pages' forms carry."""
        status, _, page = self.request("GET", "/login")
        assert status == 200, status
        status, _, page = self.request("POST", "/login", {"csrf_token": CSRF.search(page).group(1), "email": EMAIL,
                                                          "password": PASSWORD})
        assert status == 303, (status, page[:500])
        status, _, page = self.request("GET", "/proposals/new")
        assert status == 200, status
        return CSRF.search(page).group(1)


# --- the writers --------------------------------------------------------------------------------------------------

@dataclass
class Acknowledged:
    """What the server said it saved, over every round."""

    proposals: dict[int, str] = field(default_factory=dict)  # id -> the title it was submitted with
    edits: list[tuple[int, str, str]] = field(default_factory=list)  # (id, old title, new title)
    comments: list[tuple[int, str]] = field(default_factory=list)  # (proposal id, body)
    answers: Counter = field(default_factory=Counter)  # status codes, and "failed" for requests that got none
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> int:
        return len(self.proposals) + len(self.edits) + len(self.comments)


class Writer(threading.Thread):
    """One person saving in a loop until told to stop: submit, edit one of theirs (the new one or an older one,
    saved before an earlier kill), comment."""

    def __init__(self, name: str, browser: Browser, token: str, acked: Acknowledged, mine: set[int],
                 stop: threading.Event):
        super().__init__(name=name, daemon=True)
        self.browser, self.token, self.acked, self.mine, self.stop = browser, token, acked, mine, stop
        self.n = 0

    def answer(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str] | None:
        try:
            status, location, page = self.browser.request(method, path, form)
        except (OSError, http.client.HTTPException):  # the server died under it, or is not there: unacknowledged
            with self.acked.lock:
                self.acked.answers["failed"] += 1
            time.sleep(0.05)
            return None
        with self.acked.lock:
            self.acked.answers[status] += 1
        if status == 303:  # the browser follows it (and the page takes the flashed message out of the session)
            with suppress(OSError, http.client.HTTPException):
                self.browser.request("GET", location)
        return status, location, page

    def run(self) -> None:
        try:
            self.save()
        except Exception as error:  # a writer that stops saving must not go unnoticed
            with self.acked.lock:
                self.acked.answers[f"writer failed: {error!r}"] += 1
            raise

    def save(self) -> None:
        while not self.stop.is_set():
            self.n += 1
            title = f"Crash {self.name}.{self.n} {uuid.uuid4().hex[:8]}"
            got = self.answer("POST", "/proposals/", SUBMITTED | {"csrf_token": self.token, "title": title})
            if got and got[0] == 303 and (found := PROPOSAL_URL.search(got[1])):
                proposal_id = int(found.group(1))
                with self.acked.lock:
                    self.acked.proposals[proposal_id] = title
                self.mine.add(proposal_id)
            if self.mine:
                self.edit(random.choice([max(self.mine), *self.mine]))  # the newest, or any
                self.comment(max(self.mine))

    def edit(self, proposal_id: int) -> None:
        got = self.answer("GET", f"/proposals/{proposal_id}/edit")
        if not got or got[0] != 200:
            return
        # What the form shows: an edit cut off by a kill may have been saved all the same (unacknowledged).
        old, new = html.unescape(TITLE.search(got[2]).group(1)), f"Edited {self.name}.{self.n} {uuid.uuid4().hex[:8]}"
        form = SUBMITTED | {"csrf_token": self.token, "title": new, "version": VERSION.search(got[2]).group(1)}
        got = self.answer("POST", f"/proposals/{proposal_id}", form)
        if got and got[0] == 303:
            with self.acked.lock:
                self.acked.edits.append((proposal_id, old, new))

    def comment(self, proposal_id: int) -> None:
        body = f"Comment {self.name}.{self.n} {uuid.uuid4().hex[:8]}"
        got = self.answer("POST", f"/proposals/{proposal_id}/comments", {"csrf_token": self.token, "body": body})
        if got and got[0] == 200:
            with self.acked.lock:
                self.acked.comments.append((proposal_id, body))


# --- the checks ---------------------------------------------------------------------------------------------------

def check(url: str, acked: Acknowledged) -> list[str]:
    """What is wrong with the database after a kill (nothing: [])."""
    problems = []
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            integrity = connection.execute("PRAGMA integrity_check").fetchall()
            if integrity != [("ok",)]:
                problems.append(f"integrity_check: {integrity[:5]}")
            if broken := connection.execute("PRAGMA foreign_key_check").fetchall():
                problems.append(f"foreign_key_check: {broken[:5]}")
        connection.close()
    engine = sa.create_engine(normalize_url(url), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            for table in SQLModel.metadata.sorted_tables:  # every table reads whole
                connection.execute(sa.select(table)).all()
            problems += _acknowledged_are_there(connection, acked) + _nothing_half_written(connection)
    finally:
        engine.dispose()
    return problems


def _events(connection, entity: str) -> list:
    return connection.execute(sa.text("SELECT entity_id, action, field, old, new, id FROM audit_event "
                                      "WHERE entity = :entity ORDER BY id"), {"entity": entity}).all()


def _acknowledged_are_there(connection, acked: Acknowledged) -> list[str]:
    problems = []
    proposals = {row.id for row in connection.execute(sa.text("SELECT id FROM proposal"))}
    events = Counter((e.entity_id, e.action, e.field, e.old, e.new) for e in _events(connection, "proposal"))
    created_titles = Counter(new for (_, action, name, _, new) in events.elements()
                             if action == "create" and name == "title")
    for proposal_id, title in acked.proposals.items():
        if proposal_id not in proposals:
            problems.append(f"acknowledged proposal #{proposal_id} ({title}) is missing")
        if events[(proposal_id, "create", "title", None, title)] != 1 or created_titles[title] != 1:
            problems.append(f"acknowledged proposal {title!r}: {created_titles[title]} creations in the history")
    for proposal_id, old, new in acked.edits:
        if events[(proposal_id, "update", "title", old, new)] != 1:
            problems.append(f"acknowledged edit of #{proposal_id} to {new!r}: "
                            f"{events[(proposal_id, 'update', 'title', old, new)]} history rows")
    comments = Counter((row.proposal_id, row.body) for row in connection.execute(
        sa.text("SELECT proposal_id, body FROM proposal_comment")))
    for proposal_id, body in acked.comments:
        if comments[(proposal_id, body)] != 1:
            problems.append(f"acknowledged comment {body!r} on #{proposal_id}: {comments[(proposal_id, body)]} rows")
    return problems


def _nothing_half_written(connection) -> list[str]:
    problems = []
    history: dict[int, list] = {}
    for event in _events(connection, "proposal"):
        history.setdefault(event.entity_id, []).append(event)
    proposals = connection.execute(sa.text("SELECT id, title, version FROM proposal ORDER BY id")).all()
    for proposal in proposals:
        events = history.pop(proposal.id, [])
        created = {e.field for e in events if e.action == "create"}
        titles = [e for e in events if e.action == "update" and e.field == "title"]
        if created != CREATED_FIELDS:
            problems.append(f"proposal #{proposal.id} without the history of its creation: {sorted(created)}")
        if proposal.version != 1 + len(titles):
            problems.append(f"proposal #{proposal.id} at version {proposal.version} after {len(titles)} edits")
        last = titles[-1].new if titles else next((e.new for e in events if e.field == "title"), None)
        if proposal.title != last:
            problems.append(f"proposal #{proposal.id} is titled {proposal.title!r}, its history says {last!r}")
    if history:
        problems.append(f"history of proposals that are not there: {sorted(history)[:10]}")
    comments = {row.id: row.body for row in connection.execute(sa.text("SELECT id, body FROM proposal_comment"))}
    recorded = {e.entity_id: e.new for e in _events(connection, "proposal_comment") if e.field == "body"}
    if missing := sorted(set(comments) - set(recorded)):
        problems.append(f"comments without their history: {missing[:10]}")
    if orphans := sorted(set(recorded) - set(comments)):
        problems.append(f"history of comments that are not there: {orphans[:10]}")
    problems += [f"comment #{i} reads {body!r}, its history {recorded[i]!r}" for i, body in comments.items()
                 if i in recorded and recorded[i] != body]
    return problems


def answers_again(url: str, browser: Browser, acked: Acknowledged) -> list[str]:
    """The restarted server is healthy and shows the newest acknowledged proposal as it is saved."""
    status, _, _ = browser.request("GET", "/healthz")
    if status != 200:
        return [f"/healthz answered {status} after the restart"]
    if not acked.proposals:
        return []
    proposal_id = max(acked.proposals)
    engine = sa.create_engine(normalize_url(url), poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        title = connection.execute(sa.text("SELECT title FROM proposal WHERE id = :id"), {"id": proposal_id}).scalar()
    engine.dispose()
    status, _, page = browser.request("GET", f"/proposals/{proposal_id}")
    if status != 200 or title not in page:
        return [f"/proposals/{proposal_id} answered {status} without its title {title!r} after the restart"]
    return []


# --- the loop -----------------------------------------------------------------------------------------------------

@dataclass
class Round:
    number: int
    acknowledged: int  # in this round
    problems: list[str]
    seconds: float


def crash_rounds(url: str, work: Path, *, rounds: int, writers: int = 2, seconds: tuple[float, float] = (0.3, 1.2),
                 saves: tuple[int, int] = (1, 1), report=print) -> tuple[list[Round], Acknowledged]:
    """Start the server, let `writers` people save until a random number of saves in `saves` were acknowledged (at
    most 30 s) and for a random while in `seconds` more, kill -9 the lot, check; `rounds` times. Stops at the first
    round with problems. Counting saves, not seconds, keeps a round's work the same on a busy machine."""
    add_writer(url)
    server = Server(url, work, work / "gunicorn.log")
    acked, done = Acknowledged(), []
    mine = [set() for _ in range(writers)]  # each writer's proposals, across rounds
    cookie, token = "", ""
    try:
        for number in range(1, rounds + 1):
            started, before = time.monotonic(), acked.count()
            server.start()
            if not cookie:
                browser = Browser(server.port)
                token, cookie = browser.sign_in(), browser.cookie
            problems = answers_again(url, Browser(server.port, cookie), acked) if number > 1 else []
            stop = threading.Event()
            threads = [Writer(f"{number}.{n}", Browser(server.port, cookie), token, acked, mine[n], stop)
                       for n in range(writers)]
            for thread in threads:
                thread.start()
            deadline, wanted = time.monotonic() + 30, random.randint(*saves)
            while acked.count() - before < wanted and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(random.uniform(*seconds))
            server.kill()
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
            if acked.count() == before:
                problems.append("nothing was acknowledged in this round")
            problems += check(url, acked)
            done.append(Round(number, acked.count() - before, problems, time.monotonic() - started))
            report(f"round {number:>3}: {acked.count() - before:>3} acknowledged "
                   f"({len(acked.proposals)} proposals, {len(acked.edits)} edits, {len(acked.comments)} comments "
                   f"so far), {done[-1].seconds:.1f} s, " + ("ok" if not problems else f"{len(problems)} PROBLEMS"))
            for problem in problems[:20]:
                report("    " + problem)
            if problems:
                break
        else:
            server.start()  # and it starts once more after the last kill
            if problems := answers_again(url, Browser(server.port, cookie), acked):
                done.append(Round(rounds + 1, 0, problems, 0))
    finally:
        server.stop()
    unexpected = {k: v for k, v in acked.answers.items() if k not in (200, 303, "failed")}
    if unexpected:
        report(f"unexpected answers: {unexpected} (gunicorn's log: {server.log})")
    report(f"answers: {dict(acked.answers)}")
    return done, acked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--database", default=os.environ.get("CRASH_DATABASE_URL", ""),
                        help="a PostgreSQL server URL (a database of its own is made on it); SQLite otherwise")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (database, gunicorn's log)")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tracker-crash-"))
    with own_database(options.database, work) as url:
        print(f"database: {sa.engine.make_url(url).render_as_string()}; work directory: {work}")
        rounds, _ = crash_rounds(url, work, rounds=options.rounds, writers=options.writers)
    failed = [r for r in rounds if r.problems]
    print(f"{len(rounds)} rounds, {sum(r.acknowledged for r in rounds)} writes acknowledged, "
          f"{'FAILED' if failed else 'all whole'}")
    if not options.keep and not failed:
        for path in sorted(work.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        work.rmdir()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
