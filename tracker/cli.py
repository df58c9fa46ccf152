"""Flask commands: migrate, seed, demo, synth, user (create, list, deactivate, reset-password, unlock, roles),
reminders, scheduler, backup, restore, export-organization, load-organization."""

import sys
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from tracker.auth.roles import Role
from tracker.db import refresh_statistics, session_scope


def register(app: Flask) -> None:
    app.cli.add_command(migrate)
    app.cli.add_command(seed)
    app.cli.add_command(demo)
    app.cli.add_command(synth)
    app.cli.add_command(user)
    app.cli.add_command(reminders)
    app.cli.add_command(scheduler)
    app.cli.add_command(backup)
    app.cli.add_command(restore)
    app.cli.add_command(export_organization)
    app.cli.add_command(load_organization)


@click.command()
@with_appcontext
def migrate() -> None:
    """Apply Alembic migrations to the configured database, then add any missing catalog entries."""
    from tracker.migrations import upgrade
    from tracker.process_areas.service import seed_catalog

    upgrade()
    with session_scope() as session:
        added = seed_catalog(session)
        refresh_statistics(session)
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


@with_appcontext
def _migrated() -> None:
    """Before a command that reads the schema: refuse in words, not with a traceback, a database that is not at
    this code's newest migration."""
    import sqlalchemy as sa

    from tracker.db import engine
    from tracker.migrations import not_at_head

    try:
        why = not_at_head(engine(), current_app.config["DATABASE_URL"])
    except sa.exc.OperationalError as error:  # the driver's reason, never the URL (it holds the password)
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise click.ClickException(f"The database cannot be reached: {reason}") from error
    if why is not None:
        raise click.ClickException(why)


user = AppGroup("user", help="Manage accounts: the admin pages' rules and history, from the server's shell.",
                callback=_migrated)
ROLE = click.Choice([r.value for r in Role])
# Form fields as the command line names them in a refusal (none: the message alone, as `deactivate` has no field).
FIELDS = {"project_ids": "projects led", "roles": "roles", "active": ""}


@user.command("create")
@click.argument("email")
@click.option("--role", "roles", required=True, multiple=True, type=ROLE,
              help="A role the account holds; repeat it for several (--role process_group --role steering).")
@click.option("--name", default="", help="Display name (defaults to the part of the email before @).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, roles: tuple[str, ...], name: str, password_stdin: bool) -> None:
    """Create an account; the password is read from stdin or a prompt, never from the command line."""
    from werkzeug.datastructures import MultiDict

    from tracker.auth.actors import COMMAND_LINE
    from tracker.auth.forms import NewUserInput
    from tracker.auth.service import create_user as create
    from tracker.errors import ValidationError
    from tracker.validation import parse

    password = _read_password(password_stdin)
    form = MultiDict({"email": email, "name": name or email.split("@")[0], "password": password, "active": "y"})
    form.setlist("roles", list(roles))
    try:
        with session_scope() as session:
            created = create(session, data=parse(NewUserInput, form), by=COMMAND_LINE)
    except ValidationError as error:
        raise _refused(error) from error
    click.echo(f"created {created.email} ({created.roles_label})")


@user.command("list")
def list_users() -> None:
    """Every account: email, name, roles, active, and locked (failed sign-ins are slowing someone down on it)."""
    from tracker.auth.service import all_users, throttled_accounts

    with session_scope() as session:
        accounts = all_users(session)
        locked = throttled_accounts(session, users=accounts)
        rows = [(a.email, a.name, _roles(a), _yes(a.active), _yes(a.email in locked)) for a in accounts]
    click.echo(_table(("email", "name", "roles", "active", "locked"), rows))


@user.command("deactivate")
@click.argument("email")
def deactivate_user(email: str) -> None:
    """Deactivate an account: it cannot sign in any more and its sessions end now (the last active administrator
    is refused)."""
    with _account(email) as (session, account):
        if not account.active:
            click.echo(f"{account.email} is already deactivated")
            return
        _save(session, account, lambda values: values.pop("active"))
        click.echo(f"deactivated {account.email}; its sessions have ended")


@user.command("reset-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
def reset_password(email: str, password_stdin: bool) -> None:
    """Give an account a new password (read from stdin or a hidden prompt, never the command line) under the
    admin form's rules; its sessions end and its sign-in delays are lifted."""
    password = _read_password(password_stdin)  # before the transaction: none stays open while a person types
    if not password:
        raise click.ClickException("password: This field is required.")
    with _account(email) as (session, account):
        _save(session, account, lambda values: values.__setitem__("password", password))
        click.echo(f"new password set for {account.email}; its sessions have ended")


@user.command("unlock")
@click.argument("email")
def unlock_user(email: str) -> None:
    """Lift the sign-in delays that failed attempts put on an account, from every address."""
    from tracker.auth.actors import COMMAND_LINE
    from tracker.auth.service import allow_sign_in

    with _account(email) as (session, account):
        allow_sign_in(session, user=account, by=COMMAND_LINE)
        click.echo(f"{account.email} can sign in again from every address")


@user.command("roles")
@click.argument("email")
@click.option("--add", multiple=True, type=ROLE, help="A role to give; repeatable.")
@click.option("--remove", multiple=True, type=ROLE, help="A role to take away; repeatable.")
@click.option("--set", "exactly", multiple=True, type=ROLE, help="Hold exactly these roles; repeatable.")
def user_roles(email: str, add: tuple[str, ...], remove: tuple[str, ...], exactly: tuple[str, ...]) -> None:
    """Show an account's roles, or change them as the admin form does (the new roles apply from its next request)."""
    if exactly and (add or remove):
        raise click.UsageError("use --set alone, or --add and --remove")
    with _account(email) as (session, account):
        if add or remove or exactly:
            held = {role.value for role in account.roles}
            wanted = set(exactly) if exactly else (held | set(add)) - set(remove)
            _save(session, account, lambda values: values.setlist("roles", sorted(wanted)))
        click.echo(f"{account.email}: {_roles(account) or '(none)'}")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _refused(error) -> click.ClickException:
    """A refusal as the command line says it: each field and its message (exit status 1)."""
    return click.ClickException("; ".join(f"{FIELDS.get(k, k)}: {v}" if FIELDS.get(k, k) else v
                                          for k, v in error.errors.items()))


@contextmanager
def _account(email: str):
    """A session and the account with this email; exit 1 with a message when there is none."""
    from tracker.auth.service import user_by_email
    from tracker.errors import NotFound

    with session_scope() as session:
        try:
            account = user_by_email(session, email=email)
        except NotFound as error:
            raise click.ClickException(error.message) from error
        yield session, account


def _save(session, account, change) -> None:
    """Save the account's admin form with one change: the same input model, rules, history and session ending."""
    from tracker.auth.actors import COMMAND_LINE
    from tracker.auth.forms import UserInput, account_values
    from tracker.auth.service import projects_led, update_user
    from tracker.errors import DomainError, ValidationError
    from tracker.validation import parse

    values = account_values(account, projects_led(session, user_ids=[account.id])[account.id])
    change(values)
    try:
        update_user(session, user=account, data=parse(UserInput, values), by=COMMAND_LINE)
    except ValidationError as error:
        raise _refused(error) from error
    except DomainError as error:  # a conflict: someone saved the account meanwhile
        raise click.ClickException(error.message) from error


def _roles(account) -> str:
    return ", ".join(role.value for role in Role if role in account.roles)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """Rows in columns as wide as their widest cell."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
    return "\n".join("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
                     for row in (header, *rows))


reminders = AppGroup("reminders", help="Reminders: run their jobs by hand.", callback=_migrated)


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

    # Its log lines go where the app sends them (tracker.observe: stderr, at TRACKER_LOG_LEVEL).
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


@click.command("export-organization")
@click.option("--to", "path", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write (JSON; it holds everything, sign-in secrets hashed: keep it as safe as a backup).")
@with_appcontext
def export_organization(path: Path) -> None:
    """Write the whole organization (every record, its history, every kept file) as one JSON file that
    `flask load-organization` reads into an empty database of either kind."""
    import os

    from tracker import transfer
    from tracker.content import Rules

    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # its owner's alone from the start
    with session_scope() as session, os.fdopen(descriptor, "w", encoding="utf-8") as out:
        for piece in transfer.export(session, Rules.of(current_app.config)):
            out.write(piece)
    click.echo(f"organization written: {path}")


@click.command("load-organization")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def load_organization(path: Path) -> None:
    """Read an organization `flask export-organization` wrote into this database, which must be migrated and hold
    nobody yet (a new one: `flask migrate`, then this)."""
    import json

    from tracker import transfer
    from tracker.content import Rules

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise click.ClickException(f"not loaded: {path.name} is not JSON ({error})") from error
    try:
        with session_scope() as session:
            loaded = transfer.load(session, data, Rules.of(current_app.config))
    except transfer.TransferError as error:
        raise click.ClickException(f"not loaded: {error}") from error
    click.echo(f"loaded {sum(loaded.values()):,} rows in {sum(1 for n in loaded.values() if n)} tables and "
               f"{len(data.get('files') or {})} files from {path.name}")
