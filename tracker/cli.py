"""Flask commands: migrate, seed, demo, user, reminders, scheduler."""

import logging
import sys

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from tracker.auth.roles import Role
from tracker.db import session_scope


def register(app: Flask) -> None:
    app.cli.add_command(migrate)
    app.cli.add_command(seed)
    app.cli.add_command(demo)
    app.cli.add_command(synth)
    app.cli.add_command(user)
    app.cli.add_command(reminders)
    app.cli.add_command(scheduler)


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


@click.command()
@with_appcontext
@click.option("--scale", type=click.FloatRange(min=0.001, max=100), default=1.0, show_default=True,
              help="1: 500 projects, 20,000 proposals, 40,000 status rows ...; every count scales with it.")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same organization.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The day the organization's dates lead up to (default: today).")
def synth(scale: float, seed: int, today) -> None:
    """Build a synthetic organization of any size into an empty database, for benchmarks."""
    import time

    from tracker.synth import SYNTH_LOGINS, SYNTH_PASSWORD, build

    started = time.perf_counter()
    with session_scope() as session:
        try:
            counts = build(session, scale=scale, seed=seed, today=today.date() if today else None)
        except ValueError as refused:
            raise click.ClickException(str(refused)) from refused
    click.echo(f"synthetic organization at scale {scale:g} (seed {seed}): {sum(counts.values()):,} rows "
               f"in {time.perf_counter() - started:.1f} s")
    for table, rows in sorted(counts.items()):
        click.echo(f"  {table:<22} {rows:>9,}")
    click.echo(f"logins (password for all: {SYNTH_PASSWORD}): " + ", ".join(email for email, _ in SYNTH_LOGINS))


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

    from flask import current_app

    from tracker.reminders.scheduler import Scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    runner = Scheduler(current_app._get_current_object(), lease=lease)
    signal.signal(signal.SIGTERM, lambda *_: runner.stop())
    try:
        runner.run()
    except KeyboardInterrupt:
        runner.stop()
