"""`flask restore` checks a backup whole before it replaces anything; it brings back the database, the files the
directory store keeps and the secret key; it upgrades an older backup and refuses one from a newer tracker."""

import hashlib
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlmodel import Session

from tracker.content import Rules, Upload, keep
from tracker.migrations import alembic_config

FILES = {"checklist.txt": b"Peer review checklist\n1. Read the change.\n", "notes.md": b"# Notes\nFrom the pilot.\n"}


def _cli(site, *args: str, input: str | None = None):
    app = site.app()
    result = app.test_cli_runner().invoke(args=list(args), input=input)
    app.extensions["tracker.engine"].dispose()
    return result


def _populate(site) -> None:
    """A row the backup must hold, and two uploaded files kept in the directory store."""
    site.execute("INSERT INTO audit_event (at, entity, entity_id, action, field) "
                 "VALUES (:at, 'proposal', 1, 'create', 'in the backup')", at=datetime(2026, 11, 1, tzinfo=UTC))
    app = site.app()
    engine = app.extensions["tracker.engine"]
    with Session(engine) as session:
        rules = Rules.of(app.config)
        for name, data in FILES.items():
            keep(session, Upload(name=name, media_type="text/plain", data=data), rules)
        session.commit()
    engine.dispose()


def _backup(site) -> Path:
    result = _cli(site, "backup")
    assert result.exit_code == 0, result.output
    backups = sorted((site.root / "data" / "backups").glob("tracker-backup-*.tar"))
    assert len(backups) == 1
    return backups[0]


def _state(site) -> tuple:
    """What a restore would replace: the rows, the content files' bytes, the key."""
    content = site.root / "content"
    files = {str(p.relative_to(content)): p.read_bytes() for p in sorted(content.rglob("*")) if p.is_file()}
    key = site.root / "data" / "secret_key"
    return (site.rows("SELECT field FROM audit_event ORDER BY id"), files, key.read_text() if key.exists() else None)


def _leftovers(site) -> list[Path]:
    return [p for p in site.root.rglob("*") if ".restoring" in p.name or ".partial" in p.name]


def test_restore_brings_back_the_database_the_content_files_and_the_key(make_site):
    site = make_site()
    _populate(site)
    key = (site.root / "data" / "secret_key").read_text()
    path = _backup(site)
    site.execute("INSERT INTO audit_event (at, entity, entity_id, action, field) "
                 "VALUES (:at, 'proposal', 2, 'create', 'after the backup')", at=datetime(2026, 11, 2, tzinfo=UTC))
    for kept in (site.root / "content").rglob("*"):
        if kept.is_file():
            kept.unlink()
    (site.root / "data" / "secret_key").write_text("a-key-made-later")

    result = _cli(site, "restore", str(path), "--yes")

    assert result.exit_code == 0, result.output
    assert site.rows("SELECT field FROM audit_event ORDER BY id") == [("in the backup",)]
    for data in FILES.values():
        sha256 = hashlib.sha256(data).hexdigest()
        assert (site.root / "content" / sha256[:2] / sha256).read_bytes() == data
    assert (site.root / "data" / "secret_key").read_text() == key
    assert _leftovers(site) == []


@pytest.mark.parametrize("member", ["database.sqlite3|database.pgdump", "content/"])
def test_a_backup_with_one_byte_flipped_is_refused_and_nothing_is_replaced(make_site, member):
    site = make_site()
    _populate(site)
    path = _backup(site)
    site.execute("INSERT INTO audit_event (at, entity, entity_id, action, field) "
                 "VALUES (:at, 'proposal', 2, 'create', 'after the backup')", at=datetime(2026, 11, 2, tzinfo=UTC))
    with tarfile.open(path) as tar:
        target = next(m for m in tar.getmembers() if any(m.name.startswith(n) for n in member.split("|")))
    with path.open("r+b") as raw:  # one byte in the middle of that member's data
        raw.seek(target.offset_data + target.size // 2)
        byte = raw.read(1)
        raw.seek(-1, 1)
        raw.write(bytes([byte[0] ^ 0x01]))
    before = _state(site)

    result = _cli(site, "restore", str(path), "--yes")

    assert result.exit_code != 0
    assert "damaged" in result.output and target.name in result.output
    assert _state(site) == before
    assert _leftovers(site) == []


def test_a_backup_from_a_newer_unknown_revision_is_refused(make_site):
    source, target = make_site(), make_site()
    source.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    path = _backup(source)
    _populate(target)
    before = _state(target)

    result = _cli(target, "restore", str(path), "--yes")

    assert result.exit_code != 0
    assert "9999_from_the_future" in result.output and "does not know" in result.output
    assert _state(target) == before
    assert target.rows("SELECT version_num FROM alembic_version") != [("9999_from_the_future",)]


def test_a_backup_from_an_older_revision_is_restored_and_upgraded(make_site):
    source, target = make_site("0018"), make_site()  # 0019 moved each user's one role into user_role
    source.execute('INSERT INTO "user" (email, name, role, password_hash, active, session_generation, reminder_email, '
                   "created_at, version) VALUES ('sam@example.org', 'Sam', 'steering', 'x', TRUE, 0, 'off', :at, 1)",
                   at=datetime(2026, 1, 1, tzinfo=UTC))
    path = _backup(source)
    _populate(target)

    result = _cli(target, "restore", str(path), "--yes")

    assert result.exit_code == 0, result.output
    head = ScriptDirectory.from_config(alembic_config(target.url)).get_current_head()
    assert target.rows("SELECT version_num FROM alembic_version") == [(head,)]
    assert target.rows('SELECT u.email, r.role FROM "user" u JOIN user_role r ON r.user_id = u.id') == [
        ("sam@example.org", "steering")]
    assert target.rows("SELECT count(*) FROM audit_event") == [(0,)]  # the target's own rows are gone


def test_without_yes_it_asks_and_replaces_nothing_unless_told_yes(make_site):
    source, target = make_site(), make_site()
    _populate(source)
    path = _backup(source)
    before = _state(target)

    for answer in ("n\n", ""):  # no, and no answer at all
        result = _cli(target, "restore", str(path), input=answer)
        assert result.exit_code != 0
        assert _state(target) == before

    result = _cli(target, "restore", str(path), input="y\n")
    assert result.exit_code == 0, result.output
    assert target.rows("SELECT field FROM audit_event") == [("in the backup",)]



def test_a_restore_refuses_while_a_server_is_connected_and_not_after_it_closed(make_site):
    """A web server still connected would write into what is replaced: the restore refuses and replaces nothing.
    A connection just closed is not one (on PostgreSQL its server process outlives it by some milliseconds)."""
    site = make_site()
    _populate(site)
    path = _backup(site)
    site.execute("INSERT INTO audit_event (at, entity, entity_id, action, field) "
                 "VALUES (:at, 'proposal', 2, 'create', 'after the backup')", at=datetime(2026, 11, 2, tzinfo=UTC))
    before = _state(site)
    engine = site.app().extensions["tracker.engine"]
    with engine.connect() as connection:  # a web server's, which has read
        connection.exec_driver_sql("SELECT count(*) FROM audit_event").scalar()
        result = _cli(site, "restore", str(path), "--yes")
    engine.dispose()

    assert result.exit_code != 0, result.output
    assert "stop the web servers and the scheduler, then restore again. Nothing was replaced." in result.output
    assert _state(site) == before
    # Nothing of the backup stays behind (a walk-through found a full copy of the database left per attempt).
    from tracker.backup.service import sqlite_file
    places = [site.root, *([sqlite_file(site.url).parent] if sqlite_file(site.url) else [])]
    assert [path for place in places for path in place.rglob("*") if ".restoring-" in path.name] == []

    site.rows("SELECT 1")  # a connection closed as the restore begins
    result = _cli(site, "restore", str(path), "--yes")
    assert result.exit_code == 0, result.output
    assert site.rows("SELECT field FROM audit_event ORDER BY id") == [("in the backup",)]
