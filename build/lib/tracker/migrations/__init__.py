"""The schema's migrations, shipped inside the package so that an installed tracker can migrate: Alembic is
configured here, in code (the repository's alembic.ini only serves `alembic revision` during development).
`flask migrate`, `make run` and the test suite all go through upgrade()."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import current_app

SCRIPTS = Path(__file__).resolve().parent  # env.py, script.py.mako and versions/


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = url
    return config


def upgrade(url: str | None = None) -> None:
    """Bring the database to the newest migration."""
    command.upgrade(alembic_config(url or current_app.config["DATABASE_URL"]), "head")
