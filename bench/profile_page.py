"""Where one page's time goes: pyinstrument over N requests of it, in process, on a synthetic organization that
bench/scale.py built (bench/.data/), as one of its people.

    .venv/bin/python bench/profile_page.py /proposals/ --scale 1 --who sepg@synth.example -n 50
    .venv/bin/python bench/profile_page.py /proposals/ --statements     # the SQL each request sends, timed
    .venv/bin/python bench/profile_page.py /proposals/ --split          # its CPU: SQL, templates, the rest
"""

import argparse
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from pyinstrument import Profiler
from sqlmodel import Session, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import prepare  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.auth.models import User  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--scale", default="1")
    parser.add_argument("--database", default="sqlite", help="sqlite, or a PostgreSQL URL of a bench_synth_* database")
    parser.add_argument("--who", default="sepg@synth.example")
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--htmx", action="store_true")
    parser.add_argument("--statements", action="store_true", help="print each statement and its time instead")
    parser.add_argument("--split", action="store_true",
                        help="the median request's CPU ms split into the statements' execution, the templates' "
                             "rendering and the rest (reading rows into records, the view, the request's own work)")
    parser.add_argument("--explain", type=float, default=None, metavar="MS",
                        help="with --statements: the whole statement and its query plan, for those slower than MS")
    args = parser.parse_args()
    url, data, _ = prepare("sqlite", float(args.scale), "")  # built when missing
    url = url if args.database == "sqlite" else args.database
    app = create_app({"DATABASE_URL": url, "DATA_DIR": str(data), "SECRET_KEY": "bench",
                      "COLLECT_BETWEEN_REQUESTS": False})
    engine = app.extensions["tracker.engine"]
    with Session(engine) as session:
        user = session.exec(select(User).where(User.email == args.who)).one()
        token = user.get_id()
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"], cookie["_fresh"], cookie["seen"] = token, True, time.time()
    headers = {"HX-Request": "true"} if args.htmx else {}
    for _ in range(3):
        assert client.get(args.path, headers=headers).status_code == 200
    if args.split:
        split(app, engine, client, args.path, headers, args.n)
        return
    if args.statements:
        started = {}
        sa.event.listen(engine, "before_cursor_execute", lambda c, cur, statement, *a: started.update(at=time.perf_counter()))
        slow = []

        def finished(connection, cursor, statement, params, *_):
            ms = (time.perf_counter() - started["at"]) * 1000
            print(f"{ms:7.2f} ms  {' '.join(statement.split())[:400]}  {params}")
            if args.explain is not None and ms >= args.explain:
                slow.append((ms, statement, params))
        sa.event.listen(engine, "after_cursor_execute", finished)
        client.get(args.path, headers=headers).get_data()
        sa.event.remove(engine, "after_cursor_execute", finished)
        for ms, statement, params in slow:
            explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
            with engine.connect() as connection:
                plan = connection.exec_driver_sql(explain + statement, params).all()
            print(f"\n--- {ms:.2f} ms\n{statement}\n{params}\n" + "\n".join(str(row[-1]) for row in plan))
        return
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(args.n):
        client.get(args.path, headers=headers).get_data()
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False, show_all=False))


def split(app, engine, client, path: str, headers: dict, n: int) -> None:
    """CPU (thread time) of each request, of its statements' execution (cursor.execute and the rows fetched by
    the driver) and of its template rendering (Flask's render signals, outermost template only)."""
    import statistics

    import flask
    clock = {"sql": 0.0, "render": 0.0, "depth": 0}

    def before(*_):
        clock["at"] = time.thread_time()

    def after(*_):
        clock["sql"] += time.thread_time() - clock["at"]

    def render_start(*_, **__):
        if clock["depth"] == 0:
            clock["render_at"] = time.thread_time()
        clock["depth"] += 1

    def render_end(*_, **__):
        clock["depth"] -= 1
        if clock["depth"] == 0:
            clock["render"] += time.thread_time() - clock["render_at"]
    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    flask.before_render_template.connect(render_start, app)
    flask.template_rendered.connect(render_end, app)
    rows = []
    for _ in range(n):
        clock.update(sql=0.0, render=0.0, depth=0)
        started = time.thread_time()
        client.get(path, headers=headers).get_data()
        rows.append(((time.thread_time() - started) * 1000, clock["sql"] * 1000, clock["render"] * 1000))
    total, sql, render = (statistics.median(column) for column in zip(*rows, strict=True))
    print(f"{path}: {total:.1f} ms CPU a request (median of {n}): statements {sql:.1f}, templates {render:.1f}, "
          f"the rest {total - sql - render:.1f}")


if __name__ == "__main__":
    main()
