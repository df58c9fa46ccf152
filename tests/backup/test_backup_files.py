"""Who may read what: the SQLite file, its -wal and -shm, the secret key and the backups are the owner's only
(files 0600, directories 0700); no password is shown or put on a command line; old backups are pruned."""

import os
import stat
import subprocess
import tarfile
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.pool import NullPool

from tracker.reminders import jobs
from tracker.reminders.models import JobRun
from tracker.reminders.scheduler import default_triggers


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_backup_is_one_file_readable_by_its_owner_only_in_a_private_directory(make_site, tmp_path):
    """A directory the backup makes is 0700; one the operator made (a shared backup disk) keeps its mode, and the
    archive in it is 0600 either way."""
    site = make_site()
    shared, made = tmp_path / "shared", tmp_path / "made" / "here"
    shared.mkdir(mode=0o755)
    for target in (shared, made):
        result = site.app().test_cli_runner().invoke(args=["backup", "--to", str(target)])
        assert result.exit_code == 0, result.output
    (path,) = shared.iterdir()
    assert mode(path) == 0o600 and mode(shared) == 0o755
    (path,) = made.iterdir()
    assert mode(path) == 0o600 and mode(made) == 0o700
    with tarfile.open(path) as tar:
        assert tar.getnames()[0] == "manifest.json"


def test_a_new_sqlite_database_its_wal_and_the_key_are_created_private(monkeypatch, tmp_path):
    """A SQLite database of its own on either run (the default configuration: DATA_DIR/tracker.db)."""
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    data = tmp_path / "fresh" / "data"
    from tracker import create_app

    app = create_app({"DATA_DIR": str(data), "DATABASE_URL": ""})  # the defaults: DATA_DIR/tracker.db
    with app.extensions["tracker.engine"].connect() as connection:  # the app's connection: WAL on
        connection.exec_driver_sql("CREATE TABLE t (x)")
        connection.commit()
        assert {p.name: mode(p) for p in data.iterdir()} == {
            "tracker.db": 0o600, "tracker.db-wal": 0o600, "tracker.db-shm": 0o600, "secret_key": 0o600}
    app.extensions["tracker.engine"].dispose()
    assert mode(data) == 0o700


def test_an_existing_readable_database_and_key_are_made_private_with_a_warning(make_site, caplog):
    site = make_site()
    data = site.root / "data"
    for name in ("secret_key", "tracker.db") if site.url.startswith("sqlite") else ("secret_key",):
        os.chmod(data / name, 0o644)
    site.app()
    for name in ("secret_key", "tracker.db") if site.url.startswith("sqlite") else ("secret_key",):
        assert mode(data / name) == 0o600
        assert [r for r in caplog.records if r.levelname == "WARNING" and name in r.getMessage()]


@pytest.fixture
def private_site(make_site, database_url):
    """A site whose database password (PostgreSQL) or secret key (SQLite) is a string found nowhere else."""
    secret = f"Secret-{uuid.uuid4().hex}"
    if not database_url.startswith("postgres"):
        site = make_site()
        (site.root / "data" / "secret_key").write_text(secret)
        yield site, secret
        return
    role = f"backup_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(sa.engine.make_url(database_url).set(database="postgres"), poolclass=NullPool,
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE ROLE {role} LOGIN PASSWORD '{secret}'")
    site = make_site(revision=None)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'ALTER DATABASE "{sa.engine.make_url(site.url).database}" OWNER TO {role}')
    site.url = sa.engine.make_url(site.url).set(username=role, password=secret).render_as_string(hide_password=False)
    from alembic import command

    from tracker.migrations import alembic_config
    command.upgrade(alembic_config(site.url), "head")
    yield site, secret
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{sa.engine.make_url(site.url).database}" WITH (FORCE)')
        connection.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
    admin.dispose()


def test_no_password_appears_in_any_output_or_command_line(private_site, monkeypatch, caplog, capfd):
    site, secret = private_site
    calls = []
    real_run, real_popen = subprocess.run, subprocess.Popen

    def spy(real):
        def called(args, *rest, **kwargs):
            calls.append((list(args), kwargs.get("env") or {}))
            return real(args, *rest, **kwargs)
        return called
    monkeypatch.setattr(subprocess, "run", spy(real_run))
    monkeypatch.setattr(subprocess, "Popen", spy(real_popen))
    runner = site.app().test_cli_runner()
    said = [runner.invoke(args=["backup"]).output]
    (path,) = (site.root / "data" / "backups").iterdir()
    said.append(runner.invoke(args=["restore", str(path), "--yes"]).output)
    wrong = site.url.replace(secret, "Wrong-" + secret[::-1]) if site.url.startswith("postgres") else site.url
    failed = site.app().test_cli_runner()
    failed.app.config["DATABASE_URL"] = wrong
    said.append(failed.invoke(args=["backup"]).output)  # an error's message too (PostgreSQL: a refused login)
    with tarfile.open(path) as tar:
        said.append(tar.extractfile("manifest.json").read().decode())
    said += [caplog.text, *capfd.readouterr()]

    assert "restored" in said[1]
    if site.url.startswith("postgres"):
        assert "no backup" in said[2] and "password authentication failed" in said[2]  # reported, without it
    assert not [text for text in said if secret in text or secret[::-1] in text]
    assert not [args for args, _ in calls if any(secret in str(a) or secret[::-1] in str(a) for a in args)]
    if site.url.startswith("postgres"):
        assert calls and all(env.get("PGPASSWORD") in (secret, "Wrong-" + secret[::-1]) for _, env in calls)


def test_the_daily_backup_is_scheduled_only_when_an_hour_is_set(app):
    assert "backup" not in default_triggers(app)  # TRACKER_BACKUP_HOUR empty: off
    app.config["BACKUP_HOUR"] = "3"
    trigger = default_triggers(app)["backup"]
    assert isinstance(trigger, CronTrigger)
    assert trigger.get_next_fire_time(None, datetime(2027, 3, 10, 1, tzinfo=UTC)) == datetime(2027, 3, 10, 3,
                                                                                              tzinfo=UTC)


OLD = ["tracker-backup-20260101T030000.000000Z.tar", "tracker-backup-20260102T030000.000000Z.tar",
       "tracker-backup-20260103T030000.000000Z.tar"]


def test_the_scheduled_job_takes_a_backup_and_keeps_the_newest(app, db, tmp_path):
    backups = tmp_path / "backups"
    backups.mkdir()
    for name in [*OLD, "notes.txt"]:
        (backups / name).write_text("older")
    app.config.update(BACKUP_DIR=str(backups), BACKUP_KEEP=2)
    with app.app_context():
        jobs.run(db, "backup")
    names = sorted(p.name for p in backups.iterdir())
    assert names[:2] == ["notes.txt", "tracker-backup-20260103T030000.000000Z.tar"] and len(names) == 3
    assert names[2].startswith("tracker-backup-") and names[2] > OLD[-1]  # the new one
    run = db.get(JobRun, "backup")
    assert run.last_error == "" and "2 older removed" in run.last_result


def test_backup_keep_prunes_the_older_ones(make_site, tmp_path):
    site = make_site()
    to = tmp_path / "kept"
    to.mkdir()
    for name in OLD:
        (to / name).write_text("older")
    result = site.app().test_cli_runner().invoke(args=["backup", "--to", str(to), "--keep", "3"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in to.iterdir())[:2] == OLD[1:] and len(list(to.iterdir())) == 3
