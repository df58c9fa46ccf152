"""Backup fixtures: fresh databases to back up and restore into (a file for SQLite; a new database on the run's
PostgreSQL server), each with its own data and content directories, as one installation would have."""

import uuid
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.pool import NullPool

from tracker import create_app
from tracker.config import load_config
from tracker.db import normalize_url
from tracker.migrations import alembic_config


@dataclass
class Site:
    """One installation: its database URL, its data directory (the key, the backups) and its content directory."""

    url: str
    root: Path

    @property
    def config(self) -> dict:
        return load_config({"DATABASE_URL": self.url, "DATA_DIR": str(self.root / "data"),
                            "CONTENT_DIR": str(self.root / "content"), "CONTENT_STORE": "directory"})

    def app(self):
        app = create_app(self.config)
        app.config["TESTING"] = True
        return app

    def engine(self) -> sa.Engine:
        return sa.create_engine(normalize_url(self.url), poolclass=NullPool)  # no connection outlives its use

    def rows(self, sql: str) -> list[tuple]:
        engine = self.engine()
        with engine.connect() as connection:
            found = [tuple(row) for row in connection.execute(sa.text(sql))]
        engine.dispose()
        return found

    def execute(self, sql: str, **params) -> None:
        engine = self.engine()
        with engine.begin() as connection:
            connection.execute(sa.text(sql), params)
        engine.dispose()


@pytest.fixture
def make_site(database_url, tmp_path, monkeypatch):
    """make_site(revision="head") -> a new installation with its database migrated to that revision."""
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)  # each installation has its own key file
    postgres = database_url.startswith("postgres")
    admin = sa.create_engine(sa.engine.make_url(database_url).set(database="postgres"),
                             isolation_level="AUTOCOMMIT", poolclass=NullPool) if postgres else None
    made: list[str] = []  # the PostgreSQL databases to drop
    numbers = count()

    def make(revision: str | None = "head", *, url: str | None = None) -> Site:
        root = tmp_path / f"site{next(numbers)}"
        (root / "data").mkdir(parents=True)
        if url is None and postgres:
            name = f"tracker_backup_{uuid.uuid4().hex[:10]}"
            with admin.connect() as connection:
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
            made.append(name)
            url = sa.engine.make_url(database_url).set(database=name).render_as_string(hide_password=False)
        site = Site(url=url or f"sqlite:///{root / 'data' / 'tracker.db'}", root=root)
        site.config  # noqa: B018 - its secret key file, made as on the first start
        if revision:
            command.upgrade(alembic_config(site.url), revision)
        return site

    yield make
    if admin is not None:
        with admin.connect() as connection:
            for name in made:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
