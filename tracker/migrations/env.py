"""Alembic environment: a plain engine (no app pragmas), foreign keys off on SQLite while migrating."""

from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from sqlmodel import SQLModel

import tracker.models  # noqa: F401 - registers every table on SQLModel.metadata
from tracker.config import load_config
from tracker.db import UTCDateTime, normalize_url
from tracker.migrations import include_object

config = context.config
if config.config_file_name and not config.attributes.get("database_url"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def render_item(type_, obj, autogen_context):
    # Migrations stay independent of app code: UTCDateTime is a plain timezone-aware DateTime in the schema.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online() -> None:
    url = normalize_url(config.attributes.get("database_url") or load_config()["DATABASE_URL"])
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    is_sqlite = url.startswith("sqlite")
    with engine.connect() as connection:
        if is_sqlite:
            # A batch migration with foreign keys on cascades deletes through link tables.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # end the implicit transaction, or the migration's own is never committed
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=is_sqlite,
                          include_object=include_object, compare_type=True,
                          render_item=render_item)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    engine.dispose()


run_migrations_online()
