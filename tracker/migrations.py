"""Run Alembic from the app: `flask migrate`, `make run` and the test suite all go through here."""

from alembic import command
from alembic.config import Config
from flask import current_app

from tracker.config import REPO_ROOT


def alembic_config(url: str) -> Config:
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    config.attributes["database_url"] = url
    return config


def upgrade(url: str | None = None) -> None:
    """Bring the database to the newest migration."""
    command.upgrade(alembic_config(url or current_app.config["DATABASE_URL"]), "head")
