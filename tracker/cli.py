"""Flask commands: migrate, seed, demo, user, reminders, scheduler, backup, restore."""

import logging
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from tracker.auth.roles import Role
from tracker.db import session_scope


def register(app: Flask) -> None:
    app.cli.add_command(migrate)
    app.cli.add_command(seed)
    app.cli.add_command(demo)
    app.cli.add_command(user)
    app.cli.add_command(reminders)
    app.cli.add_command(scheduler)
    app.cli.add_command(backup)
    app.cli.add_command(restore)


@click.command()
@with_appcontext
def migrate() -> None:
    """Apply Alembic migrations to the configured database, then add any missing catalog entries."""
    from tracker.migrations import upgrade
    from tracker.process_areas.service import seed_catalog

    upgrade()
    with session_scope() as session:
        added = seed_catalog(session)
    click.echo(f"database is at the latest migration; process-area catalog: {added} added")


@click.command()
@with_appcontext
def seed() -> None:
    """Add the process-area catalog entries that are missing."""
    from tracker.process_areas.service import seed_catalog

    with session_scope() as session:
        added = seed_catalog(session)
    click.echo(f"process-area catalog: {added} added")


@click.command()
@with_appcontext
@click.option("--force", is_flag=True, help="Load even when the database already has users.")
def demo(force: bool) -> None:
    """Load the demo organization when the database is empty, and print its logins."""
    from tracker.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo

    with session_scope() as session:
        loaded = load_demo(session, force=force)
    click.echo("demo organization loaded" if loaded else "database already has users: demo not loaded")
    click.echo(f"demo logins (password for all: {DEMO_PASSWORD}):")
    for email, role in DEMO_LOGINS:
        click.echo(f"  {role:<14} {email}")


user = AppGroup("user", help="Manage accounts.")


@user.command("create")
@click.argument("email")
@click.option("--role", "roles", required=True, multiple=True, type=click.Choice([r.value for r in Role]),
              help="A role the account holds; repeat it for several (--role process_group --role steering).")
@click.option("--name", default="", help="Display name (defaults to the part of the email before @).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, roles: tuple[str, ...], name: str, password_stdin: bool) -> None:
    """Create an account; the password is read from stdin or a prompt, never from the command line."""
    from werkzeug.datastructures import MultiDict

    from tracker.auth.forms import NewUserInput
    from tracker.auth.service import create_user as create
    from tracker.errors import ValidationError
    from tracker.validation import parse

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    form = MultiDict({"email": email, "name": name or email.split("@")[0], "password": password, "active": "y"})
    form.setlist("roles", list(roles))
    try:
        with session_scope() as session:
            created = create(session, data=parse(NewUserInput, form), by=None)
    except ValidationError as error:
        raise click.ClickException("; ".join(f"{k}: {v}" for k, v in error.errors.items())) from error
    click.echo(f"created {created.email} ({created.roles_label})")


reminders = AppGroup("reminders", help="Reminders: run their jobs by hand.")


@reminders.command("sweep")
def reminders_sweep() -> None:
    """Make the reminders that are due now and close those that are done: the scheduler's sweep, once."""
    from tracker.reminders import jobs

    with session_scope() as session:
        click.echo(jobs.run(session, "sweep"))


@click.command()
@click.option("--lease", default=30.0, show_default=True, help="Seconds a leader's lease lasts (SQLite).")
@with_appcontext
def scheduler(lease: float) -> None:
    """Run the scheduled jobs (reminder sweep, emails, digest): one process beside the web servers; when several
    run against one database, one leads and the others stand by."""
    import signal

    from tracker.reminders.scheduler import Scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    runner = Scheduler(current_app._get_current_object(), lease=lease)
    signal.signal(signal.SIGTERM, lambda *_: runner.stop())
    try:
        runner.run()
    except KeyboardInterrupt:
        runner.stop()


@click.command()
@click.option("--to", type=click.Path(file_okay=False, path_type=Path),
              help="The directory to write it in (default: TRACKER_BACKUP_DIR, or DATA_DIR/backups).")
@click.option("--keep", type=click.IntRange(min=1), help="Then delete all but the N newest backups there.")
@with_appcontext
def backup(to: Path | None, keep: int | None) -> None:
    """Write a consistent backup of the database, the directory-kept files and the secret key, while the app runs:
    one file, tracker-backup-<UTC time>.tar, readable by its owner only."""
    from tracker.backup import BackupError, prune, take

    try:
        path = take(current_app.config, to=to)
        removed = prune(current_app.config, keep=keep, directory=path.parent) if keep else []
    except BackupError as error:
        raise click.ClickException(f"no backup: {error}") from error
    click.echo(f"backup written: {path}")
    if keep:
        click.echo(f"kept the {keep} newest backups in {path.parent}; removed {len(removed)}")


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace without asking.")
@with_appcontext
def restore(path: Path, yes: bool) -> None:
    """Check a backup whole (checksums, the database's integrity, its migration), then replace the database, the
    directory-kept files and the secret key with it. Stop the web servers and the scheduler first."""
    from tracker.backup import BackupError
    from tracker.backup import restore as restore_backup

    def confirm(manifest) -> bool:
        click.echo(f"{path.name} is sound: a {manifest.database} database at migration {manifest.revision}, made "
                   f"{manifest.created_at}, {manifest.content_files} content file(s).")
        return yes or click.confirm("Replace the current database and files with it?", default=False)

    current_app.extensions["tracker.engine"].dispose()  # this process's own connections: none may stay open
    try:
        restored = restore_backup(current_app.config, path, confirm=confirm)
    except BackupError as error:
        raise click.ClickException(f"not restored: {error}") from error
    if restored is None:
        raise click.ClickException("not restored: nothing was replaced")
    if restored.kept:
        click.echo(f"the database it replaced is kept as {restored.kept}")
    if restored.upgraded_from:
        click.echo(f"upgraded the restored database from migration {restored.upgraded_from} to the newest")
    click.echo(f"restored {path.name}; start the web servers and the scheduler again")
