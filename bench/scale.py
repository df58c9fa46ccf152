"""The benchmark of issue 14: every main page, fragment, dashboard, export and the badge, served by gunicorn
(2 workers, loopback) from a synthetic organization (`flask synth`) at each scale, on SQLite and PostgreSQL.

For each page it reports the server's own CPU milliseconds per request (the `Server-Timing` header: stable on a
busy machine, unlike wall time), p50 and p95 wall milliseconds over the requests, SQL statements per request,
and whether the page meets its budget; exports are measured in rows per second; a throughput run sends list
pages from 8 connections for 30 s; memory is each worker's resident size after all that. The floor (/healthz)
is measured in the same run. One table goes to bench/results/scale-<database>.{json,md}.

    make bench                                  # every database and scale the machine can do
    .venv/bin/python bench/scale.py --scales 1 --databases sqlite --requests 50

PostgreSQL: the server in BENCH_POSTGRES_URL (a superuser URL; databases bench_synth_* are made there and
kept between runs, as are the SQLite files under bench/.data/, so a second run skips the build).
"""

import argparse
import hashlib
import http.client
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
CACHE = ROOT / "bench" / ".data"
RESULTS = ROOT / "bench" / "results"
TIMING = re.compile(r'cpu;dur=([\d.]+), sql;desc="statements";dur=(\d+)')
BUDGET = {"list": 10.0, "detail": 10.0, "form": 10.0, "fragment": 5.0, "dashboard": 60.0, "floor": None}
EXPORT_BUDGET = 100_000  # rows per second


@dataclass(frozen=True)
class Page:
    name: str
    kind: str  # list, detail, form, fragment, dashboard, floor, export
    path: str
    who: str = "sepg"  # whose session asks
    htmx: bool = False
    grows: bool = False  # its cost may grow with the organization (dashboards, exports): no growth budget


@dataclass
class Measure:
    page: str
    kind: str
    path: str
    cpu_p50: float = 0.0
    cpu_p95: float = 0.0
    wall_p50: float = 0.0
    wall_p95: float = 0.0
    statements: int = 0
    requests: int = 0
    bytes: int = 0
    rows_per_second: float | None = None
    budget: float | None = None
    ok: bool = True


@dataclass
class Run:
    database: str
    scale: float
    measures: list[Measure] = field(default_factory=list)
    throughput: dict = field(default_factory=dict)
    memory_mb: list[float] = field(default_factory=list)
    build_seconds: float = 0.0
    pace_ms: float = 0.0  # see pace()


def pace() -> float:
    """CPU ms of a fixed piece of Python (ten million turns of an empty loop), the median of three, taken just
    before a run: how fast this machine is at the time. Server CPU ms compare between runs only at like pace
    (on this 2-core machine one page's CPU ms, the same code on the same data, differed threefold between days)."""
    times = []
    for _ in range(3):
        started = time.thread_time()
        for _ in range(10_000_000):
            pass
        times.append((time.thread_time() - started) * 1000)
    return round(statistics.median(times))


def pages(ids: dict) -> list[Page]:
    """What is measured, with the ids of records in the middle of the synthetic organization."""
    p = ids
    return [
        Page("floor (/healthz)", "floor", "/healthz"),
        Page("start page", "list", "/"),
        Page("my work", "list", "/my-work", who="member"),
        Page("projects", "list", "/projects/"),
        Page("projects, searched", "list", "/projects/?q=7"),
        Page("project", "detail", f"/projects/{p['project']}"),
        Page("proposals", "list", "/proposals/"),
        Page("proposals, status filter", "list", "/proposals/?status=submitted"),
        Page("proposals, submitter filter", "list", f"/proposals/?submitter={p['submitter']}"),
        Page("proposals, sorted by priority", "list", "/proposals/?sort=-priority"),
        Page("proposal board", "list", "/proposals/?view=board"),
        Page("proposal", "detail", f"/proposals/{p['proposal']}"),
        Page("proposal edit", "form", f"/proposals/{p['open_proposal']}/edit"),
        Page("new proposal", "form", "/proposals/new"),
        Page("plans", "list", "/plans/"),
        Page("plan", "detail", f"/plans/{p['plan']}"),
        Page("plan edit", "form", f"/plans/{p['draft_plan']}/edit"),
        Page("commitments", "list", "/commitments/"),
        Page("my commitments", "list", "/commitments/mine", who="member"),
        Page("commitment", "detail", f"/commitments/{p['commitment']}"),
        Page("issues", "list", "/issues/"),
        Page("pilots", "list", "/pilots/"),
        Page("pilot", "detail", f"/pilots/{p['pilot']}"),
        Page("deployments", "list", "/deployments/"),
        Page("deployment", "detail", f"/deployments/{p['deployment']}"),
        Page("status matrix", "list", "/deployments/status"),
        Page("status matrix, status filter", "list", "/deployments/status?status=in_progress"),
        Page("status rows", "list", "/deployments/rows"),
        Page("standard set", "list", "/deployments/standard-set"),
        Page("tailoring", "list", "/tailoring/"),
        Page("tailoring record", "detail", f"/tailoring/{p['tailoring']}"),
        Page("tailoring patterns", "dashboard", "/tailoring/patterns", grows=True),
        Page("lessons", "list", "/lessons/"),
        Page("lesson", "detail", f"/lessons/{p['lesson']}"),
        Page("audits", "list", "/compliance/"),
        Page("audit", "detail", f"/compliance/{p['audit']}"),
        Page("noncompliances", "list", "/compliance/noncompliances"),
        Page("appraisals", "list", "/appraisals/"),
        Page("appraisal", "detail", f"/appraisals/{p['appraisal']}"),
        Page("assets", "list", "/assets/"),
        Page("asset", "detail", f"/assets/{p['asset']}"),
        Page("asset version", "detail", f"/assets/versions/{p['version']}"),
        Page("objectives", "list", "/objectives/"),
        Page("objective", "detail", f"/objectives/{p['objective']}"),
        Page("process areas", "list", "/process-areas/"),
        Page("process area", "detail", f"/process-areas/{p['area']}"),
        Page("reviews", "list", "/reviews/"),
        Page("notifications", "list", "/notifications/", who="member"),
        Page("users (admin)", "list", "/admin/users", who="admin"),
        Page("proposals, next page (htmx)", "fragment", "/proposals/?page=2", htmx=True),
        Page("proposals, searched (htmx)", "fragment", "/proposals/?q=review", htmx=True),
        Page("projects, next page (htmx)", "fragment", "/projects/?page=2", htmx=True),
        Page("status matrix, next page (htmx)", "fragment", "/deployments/status?page=2", htmx=True),
        Page("commitments, filtered (htmx)", "fragment", "/commitments/?status=open", htmx=True),
        Page("notification badge", "fragment", "/notifications/badge", who="member", htmx=True),
        Page("dashboard: overview", "dashboard", "/dashboards/", grows=True),
        *[Page(f"dashboard: {key}", "dashboard", f"/dashboards/{key}", grows=True)
          for key in ("deployment", "flow", "plans", "experience", "appraisals")],
        Page("dashboard filter (htmx)", "dashboard", "/dashboards/deployment?phase=execution", htmx=True, grows=True),
        Page("review pack", "dashboard", f"/reviews/{p['review']}", grows=True),
        Page("export: status matrix CSV", "export", "/deployments/status.csv", grows=True),
        Page("export: proposals CSV", "export", "/proposals/?format=csv", grows=True),
        Page("export: commitments CSV", "export", "/commitments/?format=csv", grows=True),
        Page("export: tailoring CSV", "export", "/tailoring/?format=csv", grows=True),
    ]


# --- the database ---------------------------------------------------------------------------------------------

def synth_key() -> str:
    """Changes when the organization would: the synth module changed. A new migration does not rebuild it: a kept
    organization is upgraded to the head revision when it is used (as a deployment's database would be)."""
    return hashlib.sha256((ROOT / "tracker/synth.py").read_bytes()).hexdigest()[:10]


def prepare(database: str, scale: float, postgres: str) -> tuple[str, Path, float]:
    """The database URL and data directory of the organization at this scale, built when missing."""
    tag = f"{str(scale).replace('.', '_')}_{synth_key()}"
    data = CACHE / f"{database}-{tag}"
    if database == "sqlite":
        url = f"sqlite:///{data / 'tracker.db'}"
        exists = (data / "built").exists()
    else:
        name = f"bench_synth_{tag}"
        admin = sa.create_engine(postgres.replace("postgresql://", "postgresql+psycopg://"),
                                 isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            exists = connection.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).first()
            exists = bool(exists) and (data / "built").exists()
            if not exists:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        url = str(sa.engine.make_url(postgres.replace("postgresql://", "postgresql+psycopg://")).set(database=name)
                  .render_as_string(hide_password=False))
    if exists:
        subprocess.run([VENV / "flask", "--app", "tracker", "migrate"], env=environment(url, data), check=True,
                       capture_output=True)
        return url, data, 0.0
    data.mkdir(parents=True, exist_ok=True)
    (data / "tracker.db").unlink(missing_ok=True)
    env = environment(url, data)
    subprocess.run([VENV / "flask", "--app", "tracker", "migrate"], env=env, check=True, capture_output=True)
    started = time.perf_counter()
    built = subprocess.run([VENV / "flask", "--app", "tracker", "synth", "--scale", str(scale), "--today",
                            "2026-11-30"], env=env, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    (data / "built").write_text(built.stdout)
    return url, data, seconds


def environment(url: str, data: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRACKER_")}
    return env | {"TRACKER_DATABASE_URL": url, "TRACKER_DATA_DIR": str(data), "TRACKER_SECRET_KEY": "bench",
                  "TRACKER_SERVER_TIMING": "1"}


def record_ids(url: str) -> dict:
    """Records in the middle of each table (the synthetic ids are dense), and people to sign in as."""
    engine = sa.create_engine(url)
    tables = {"project": "project", "proposal": "proposal", "plan": "action_plan", "commitment": "commitment",
              "pilot": "pilot", "deployment": "deployment", "tailoring": "tailoring_record", "lesson": "lesson",
              "audit": "compliance_audit", "appraisal": "appraisal", "asset": "process_asset",
              "version": "asset_version", "objective": "business_objective", "area": "process_area"}
    with engine.connect() as connection:
        ids = {key: connection.exec_driver_sql(f'SELECT MAX(id) / 2 + 1 FROM "{table}"').scalar()
               for key, table in tables.items()}
        ids["open_proposal"] = connection.exec_driver_sql(
            "SELECT MIN(id) FROM proposal WHERE status = 'submitted'").scalar()
        ids["draft_plan"] = connection.exec_driver_sql(
            "SELECT MIN(id) FROM action_plan WHERE status = 'draft'").scalar()
        ids["review"] = connection.exec_driver_sql(
            "SELECT id FROM review_meeting WHERE status = 'planned' ORDER BY id DESC").scalar()
        ids["submitter"] = connection.exec_driver_sql(
            "SELECT submitter_id FROM proposal GROUP BY submitter_id ORDER BY COUNT(*) DESC, submitter_id").scalar()
    engine.dispose()
    return ids


# --- the server -----------------------------------------------------------------------------------------------

class Server:
    def __init__(self, url: str, data: Path, log: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.log = log.open("a")
        self.process = subprocess.Popen(
            [VENV / "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{self.port}", "--no-control-socket",
             "tracker:create_app()"],
            cwd=ROOT, env=environment(url, data), stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if Client(self.port).get("/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start: see " + str(log))

    def workers(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True)
        return [int(pid) for pid in out.stdout.split()]

    def memory_mb(self) -> list[float]:
        sizes = []
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        return sizes

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(30)
        self.log.close()


class Client:
    """A browser's session: its cookie, and the headers it sends."""

    def __init__(self, port: int) -> None:
        self.port, self.cookies = port, {}

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        connection = self.connect()
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Accept-Encoding": "identity"}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=sent | (headers or {}))
        response = connection.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";")[0]
        connection.close()
        return response.status, response.headers, data

    def get(self, path: str, *, htmx: bool = False):
        return self.request("GET", path, headers={"HX-Request": "true"} if htmx else None)

    def sign_in(self, email: str, password: str) -> None:
        _, _, page = self.get("/login")
        token = re.search(rb'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1).decode()
        status, headers, _ = self.request("POST", "/login", urllib.parse.urlencode(
            {"email": email, "password": password, "csrf_token": token}))
        if status not in (302, 303):
            raise RuntimeError(f"could not sign in as {email}: {status}")


# --- measuring ------------------------------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(client: Client, page: Page, requests: int) -> Measure:
    result = Measure(page.name, page.kind, page.path)
    if page.kind == "export":
        return measure_export(client, page, result)
    for _ in range(3):  # warm: templates compiled, statements cached
        client.get(page.path, htmx=page.htmx)
    cpu, wall, statements = [], [], set()
    for _ in range(requests):
        started = time.perf_counter()
        status, headers, body = client.get(page.path, htmx=page.htmx)
        wall.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"{page.path}: {status}")
        timing = TIMING.search(headers.get("Server-Timing", ""))
        cpu.append(float(timing.group(1)))
        statements.add(int(timing.group(2)))
        result.bytes = len(body)
    result.cpu_p50, result.cpu_p95 = percentile(cpu, 0.5), percentile(cpu, 0.95)
    result.wall_p50, result.wall_p95 = percentile(wall, 0.5), percentile(wall, 0.95)
    result.statements, result.requests = max(statements), requests
    result.budget = BUDGET.get(page.kind)
    result.ok = result.budget is None or result.cpu_p50 <= result.budget
    return result


def measure_export(client: Client, page: Page, result: Measure) -> Measure:
    client.get(page.path)
    rates, wall = [], []
    for _ in range(5):
        started = time.perf_counter()
        status, _, body = client.get(page.path)
        seconds = time.perf_counter() - started
        if status != 200:
            raise RuntimeError(f"{page.path}: {status}")
        rows = body.count(b"\n") - 1
        rates.append(rows / seconds)
        wall.append(seconds * 1000)
        result.bytes = len(body)
    result.rows_per_second = statistics.median(rates)
    result.wall_p50, result.wall_p95, result.requests = statistics.median(wall), max(wall), len(wall)
    result.budget = EXPORT_BUDGET
    result.ok = result.rows_per_second >= EXPORT_BUDGET
    return result


def throughput(port: int, email: str, paths: list[str], seconds: float, connections: int = 8) -> dict:
    """List pages from `connections` signed-in clients at once, as fast as the server answers."""
    done, errors, stop = [0] * connections, [0] * connections, time.monotonic() + seconds

    def work(n: int) -> None:
        client = Client(port)
        client.sign_in(email, PASSWORD)
        k = n
        while time.monotonic() < stop:
            try:
                status, _, _ = client.get(paths[k % len(paths)])
                done[n] += status == 200
                errors[n] += status != 200
            except OSError:
                errors[n] += 1
            k += 1

    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {"connections": connections, "seconds": round(elapsed, 1), "requests": sum(done),
            "errors": sum(errors), "per_second": round(sum(done) / elapsed, 1)}


PASSWORD = "synth-password"
LOGINS = {"sepg": "sepg@synth.example", "member": "member@synth.example", "admin": "admin@synth.example"}


def run(database: str, scale: float, postgres: str, requests: int, load_seconds: float, only: str) -> Run:
    url, data, built = prepare(database, scale, postgres)
    result = Run(database, scale, build_seconds=round(built, 1), pace_ms=pace())
    print(f"\n== {database}, scale {scale:g}" + (f" (built in {built:.1f} s)" if built else "")
          + f"; pace {result.pace_ms:.0f} ms", flush=True)
    server = Server(url, data, RESULTS / f"gunicorn-{database}.log")
    try:
        clients = {}
        for who, email in LOGINS.items():
            clients[who] = Client(server.port)
            clients[who].sign_in(email, PASSWORD)
        for page in pages(record_ids(url)):
            if only and not any(part in page.name for part in only.split(",")):
                continue
            measured = measure(clients[page.who], page, requests if page.kind != "dashboard" else max(20, requests // 5))
            result.measures.append(measured)
            rate = f"{measured.rows_per_second:>10,.0f} rows/s" if measured.rows_per_second else \
                f"cpu {measured.cpu_p50:6.1f} ms  wall p50 {measured.wall_p50:6.1f} p95 {measured.wall_p95:6.1f}  " \
                f"sql {measured.statements:>3}"
            print(f"  {'ok ' if measured.ok else 'OVER'} {page.name:<36} {rate}", flush=True)
        if load_seconds:
            lists = [p.path for p in pages(record_ids(url)) if p.kind == "list" and p.who == "sepg"]
            result.throughput = throughput(server.port, LOGINS["sepg"], lists, load_seconds)
            print(f"  throughput: {result.throughput}", flush=True)
        result.memory_mb = [round(size, 1) for size in server.memory_mb()]
        print(f"  memory per worker: {result.memory_mb} MB", flush=True)
    finally:
        server.stop()
    return result


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) // 1024
    import sqlite3
    from importlib.metadata import version
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": memory, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "packages": {name: version(name) for name in (
                "Flask", "SQLAlchemy", "sqlmodel", "psycopg", "gunicorn", "Jinja2")},
            "date": datetime.now(UTC).isoformat(timespec="seconds")}


def write(runs: list[Run], database: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    about = machine()
    if database == "postgresql" and runs:
        about["postgresql"] = postgres_version()
    (RESULTS / f"scale-{database}.json").write_text(json.dumps(
        {"machine": about, "runs": [asdict(run) for run in runs]}, indent=1))
    scales = [run.scale for run in runs]
    lines = [f"## Scale benchmark on {database} ({about['date'][:10]}, Python {about['python']}, "
             f"{about['cores']} cores, {about['cpu']})", "",
             "Server CPU ms per request at the median (p95 wall ms in brackets), SQL statements per request; "
             "exports in rows per second. Budget: lists and details 10 ms, fragments 5 ms, dashboards 60 ms, "
             "exports 100,000 rows/s; growth scale 10 / scale 1 at most 1.25 for fixed-size pages. The pace is "
             "the CPU ms of a fixed piece of Python taken before each scale's run (bench/scale.py pace()): "
             "CPU ms compare between runs only at like pace.", "",
             "| page | budget | " + " | ".join(f"scale {s:g}" for s in scales) + " | sql | growth |",
             "|---|---|" + "---|" * len(scales) + "---|---|"]
    by_page = {}
    for run in runs:
        for m in run.measures:
            by_page.setdefault(m.page, {})[run.scale] = m
    for page, at in by_page.items():
        first = next(iter(at.values()))
        cells = []
        for s in scales:
            m = at.get(s)
            if m is None:
                cells.append("")
            elif m.rows_per_second:
                cells.append(f"{m.rows_per_second:,.0f}/s" + ("" if m.ok else " **over**"))
            else:
                cells.append(f"{m.cpu_p50:.1f} ({m.wall_p95:.0f})" + ("" if m.ok else " **over**"))
        statements = sorted({m.statements for m in at.values() if not m.rows_per_second})
        growth = ""
        if 1 in at and 10 in at and not first.rows_per_second and at[1].cpu_p50:
            ratio = at[10].cpu_p50 / at[1].cpu_p50
            grows = any(p.grows for p in pages({k: 1 for k in ("project", "proposal", "plan", "commitment", "pilot",
                        "deployment", "tailoring", "lesson", "audit", "appraisal", "asset", "version", "objective",
                        "area", "review", "submitter", "draft_plan", "open_proposal")}) if p.name == page)
            growth = f"{ratio:.2f}" + ("" if grows or ratio <= 1.25 else " **over**")
        budget = f"{first.budget:,.0f}" if first.budget else "—"
        lines.append(f"| {page} | {budget} | " + " | ".join(cells) + f" | {'/'.join(map(str, statements))} | {growth} |")
    lines += ["", "| scale | pace ms | build s | throughput (8 connections) | memory per worker MB |",
              "|---|---|---|---|---|"]
    for run in runs:
        t = run.throughput
        load = f"{t['per_second']} req/s, {t['errors']} errors over {t['seconds']} s" if t else "—"
        lines.append(f"| {run.scale:g} | {run.pace_ms:.0f} | {run.build_seconds or 'cached'} | {load} | "
                     f"{run.memory_mb} |")
    (RESULTS / f"scale-{database}.md").write_text("\n".join(lines) + "\n")
    print(f"\nwrote bench/results/scale-{database}.md and .json")


def postgres_version() -> str:
    engine = sa.create_engine(os.environ["BENCH_POSTGRES_URL"].replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        version = connection.exec_driver_sql("SHOW server_version").scalar()
    engine.dispose()
    return version


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="0.1,1,10")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--load-seconds", type=float, default=30)
    parser.add_argument("--only", default="", help="measure only the pages whose name contains one of these "
                        "(commas between); the table in bench/results/ is then left as it was")
    args = parser.parse_args()
    postgres = os.environ.get("BENCH_POSTGRES_URL", "")
    for database in args.databases.split(","):
        if database == "postgresql" and not postgres:
            print("PostgreSQL skipped: set BENCH_POSTGRES_URL (make bench does, as root)", file=sys.stderr)
            continue
        runs = [run(database, float(scale), postgres, args.requests, args.load_seconds, args.only)
                for scale in args.scales.split(",")]
        if not args.only:  # a few pages' numbers do not replace the whole table
            write(runs, database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
