"""The schema's migrations, shipped inside the package so that an installed tracker can migrate: Alembic is
configured here, in code (the repository's alembic.ini only serves `alembic revision` during development).
`flask migrate`, `make run` and the test suite all go through upgrade()."""

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy.engine import Engine

SCRIPTS = Path(__file__).resolve().parent  # env.py, script.py.mako and versions/


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = url
    return config


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """What autogenerate compares: not the scheduler's job store (it manages its own table), nor the search boxes'
    trigram indexes (PostgreSQL's only, migration 0028: an index on an expression and an operator class)."""
    return not (type_ == "table" and name == "apscheduler_jobs" or type_ == "index" and name.endswith("_trgm"))


def upgrade(url: str | None = None) -> None:
    """Bring the database to the newest migration."""
    command.upgrade(alembic_config(url or current_app.config["DATABASE_URL"]), "head")


def not_at_head(engine: Engine, url: str) -> str | None:
    """Why the database cannot serve this version of the tracker, in words (never migrated, or at another
    migration); None when it is at the newest."""
    with engine.connect() as connection:  # read as Alembic keeps it (its MigrationContext logs at INFO on stderr)
        current = (connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
                   if sa.inspect(connection).has_table("alembic_version") else None)
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    if current == head:
        return None
    if current is None:
        return "The database has no tables yet: run `flask --app tracker migrate` first (`make run` does)."
    return (f"The database is at migration {current}, this version of the tracker needs {head}: "
            "run `flask --app tracker migrate` first.")
