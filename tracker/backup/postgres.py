"""PostgreSQL: `pg_dump -Fc` (one consistent snapshot), checked with `pg_restore --list`; a restore replays the dump
with `pg_restore --clean --if-exists` through psql in one transaction.

The tools are those of the server's major version (/usr/lib/postgresql/<major>/bin, as Debian installs them), or a
newer one; TRACKER_BACKUP_PG_BINDIR names another directory. The password goes to them in PGPASSWORD, never on
their command line, and is struck from anything they say before it is shown.
"""

import os
import re
import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from tracker.backup.archive import BackupError
from tracker.db import normalize_url

ROOT = Path("/usr/lib/postgresql")
# Before the dump's own script: drop every table of the schema, so that tables a newer schema added (restoring an
# older backup) go too and the upgrade after the restore can make them again. In the same transaction as the rest.
DROP_ALL = """SET client_min_messages = warning;
DO $$ DECLARE t record; BEGIN
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', t.tablename);
  END LOOP;
END $$;"""


class Server:
    """The configured database as the PostgreSQL tools reach it."""

    def __init__(self, url: str, bindir: str = "") -> None:
        self.url = sa.engine.make_url(normalize_url(url))
        self.bindir = bindir
        self._tools: dict[str, str] = {}

    def _engine(self) -> sa.Engine:
        return sa.create_engine(self.url, poolclass=NullPool)

    @contextmanager
    def connected(self):
        """A connection of its own, closed after (a BackupError saying so when the server cannot be reached)."""
        engine = self._engine()
        try:
            with engine.connect() as connection:
                yield connection
        except sa.exc.DBAPIError as error:
            raise BackupError(f"PostgreSQL could not be reached: {self.redact(str(error.orig))}") from error
        finally:
            engine.dispose()

    def ask(self, sql: str):
        with self.connected() as connection:
            return connection.exec_driver_sql(sql).scalar()

    def tool(self, name: str) -> str:
        """The tool of the server's major version, or the oldest newer one installed, or the one on PATH."""
        if self.bindir:
            return str(Path(self.bindir) / name)
        if name not in self._tools:
            self._tools[name] = self._find(name)
        return self._tools[name]

    def _find(self, name: str) -> str:
        major = int(self.ask("SHOW server_version_num")) // 10000
        installed = sorted((int(path.parent.parent.name), path) for path in ROOT.glob(f"*/bin/{name}")
                           if path.parent.parent.name.isdigit())
        for version, path in installed:
            if version >= major:
                return str(path)
        found = shutil.which(name)
        if found is None:
            raise BackupError(f"{name} for PostgreSQL {major} is not installed (looked in {ROOT}/{major}/bin and "
                              "on PATH); install it, or set TRACKER_BACKUP_PG_BINDIR")
        return found

    def connection_args(self) -> list[str]:
        args = ["--no-password", "--dbname", self.url.database or "postgres"]
        if self.url.host:
            args += ["--host", self.url.host]
        if self.url.port:
            args += ["--port", str(self.url.port)]
        if self.url.username:
            args += ["--username", self.url.username]
        return args

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.url.password:
            env["PGPASSWORD"] = str(self.url.password)
        if sslmode := self.url.query.get("sslmode"):
            env["PGSSLMODE"] = str(sslmode)
        return env

    def redact(self, text: str) -> str:
        return text.replace(str(self.url.password), "***") if self.url.password else text

    def run(self, args: list[str], *, what: str) -> str:
        done = subprocess.run(args, env=self.environment(), capture_output=True, text=True, check=False)
        if done.returncode != 0:
            said = self.redact(done.stderr.strip()).splitlines()
            raise BackupError(f"{what} failed (exit {done.returncode}): {' '.join(said[-3:]) or 'no message'}")
        return done.stdout

    def dump(self, into: Path) -> str:
        """Dump the database (custom format: one snapshot, compressed) and return the dump's migration revision."""
        self.run([self.tool("pg_dump"), "--format=custom", "--file", str(into), *self.connection_args()],
                 what="pg_dump")
        return self.check(into)

    def check(self, dump: Path) -> str:
        """The dump's migration revision, once `pg_restore --list` has read its table of contents."""
        pg_restore = self.tool("pg_restore")
        self.run([pg_restore, "--list", str(dump)], what="pg_restore --list (the dump's integrity check)")
        script = self.run([pg_restore, "--data-only", "--table=alembic_version", "--file", "-", str(dump)],
                          what="pg_restore (reading the migration revision)")
        rows = re.search(r"^COPY \S*alembic_version \(version_num\) FROM stdin;\n(.*?)^\\\.$", script, re.M | re.S)
        revisions = rows.group(1).split() if rows else []
        if len(revisions) != 1:
            raise BackupError("the dump has no migration revision: it is not the tracker's database")
        return revisions[0]

    def others_connected(self, *, settle: float = 2.0) -> int:
        """Connections to the database besides this one, once those closing as it asks are gone: a server process
        outlives its client's disconnect by some milliseconds (a check that just ran, a tool that just ended), so
        the count is asked again on one connection for up to `settle` seconds before it stands."""
        deadline = time.monotonic() + settle
        with self.connected() as connection:
            while True:
                others = int(connection.exec_driver_sql(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()").scalar())
                connection.rollback()  # the next count sees the activity afresh, not this transaction's snapshot
                if not others or time.monotonic() >= deadline:
                    return others
                time.sleep(0.05)

    def replace(self, dump: Path) -> None:
        """Replace the database's tables with the dump's, in one transaction (all or nothing). Refused while
        anyone else is connected to it."""
        if others := self.others_connected():
            raise BackupError(f"{others} other connection(s) to database {self.url.database} are open: stop the web "
                              "servers and the scheduler, then restore again. Nothing was replaced.")
        script = subprocess.Popen([self.tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                                   "--file", "-", str(dump)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=self.environment())
        try:
            self.run_psql(script.stdout)
        finally:
            script.stdout.close()
            _, errors = script.communicate()
        if script.returncode != 0:
            raise BackupError(f"pg_restore failed (exit {script.returncode}): "
                              f"{self.redact(errors.decode(errors='replace').strip())[-500:]}")

    def run_psql(self, stdin) -> None:
        args = [self.tool("psql"), "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1", "--single-transaction",
                *self.connection_args(), "--command", DROP_ALL, "--file", "-"]
        done = subprocess.run(args, stdin=stdin, env=self.environment(), capture_output=True, text=True, check=False)
        if done.returncode != 0:
            said = self.redact(done.stderr.strip()).splitlines()
            raise BackupError(f"the restore was rolled back, nothing was replaced: {' '.join(said[-3:])}")
