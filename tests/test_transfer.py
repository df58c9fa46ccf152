"""The whole organization out and back: an export (every table's rows, the history, the kept files) read into an
empty database of the suite's kind exports again identical; a file that is not an export, of another format
version or schema, or a database that already holds people, is refused with nothing written."""

import hashlib
import json

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from tracker import transfer
from tracker.assets.models import AssetVersion
from tracker.auth.models import User
from tracker.content import Rules, Upload, keep
from tracker.db import make_engine
from tracker.demo import load_demo
from tracker.history.models import AuditEvent
from tracker.migrations import upgrade

pytestmark = pytest.mark.heavy


def _export(session, rules) -> dict:
    return json.loads("".join(transfer.export(session, rules)))


def _rows(session) -> dict[str, list]:
    """Every exported table's rows as the database gives them back (not as the export writes them)."""
    return {table.name: session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            for table in transfer.tables()}


@pytest.fixture
def organization(app, db):
    """The demo organization, with a file kept for one version of an asset."""
    with app.app_context():
        load_demo(db)
    rules = Rules.of(app.config)
    upload = Upload(name="checklist.txt", media_type="text/plain", data=b"1. Read the code\n2. Say what you saw\n")
    keep(db, upload, rules)
    version = db.exec(select(AssetVersion)).first()
    version.file_name, version.file_type, version.file_size, version.file_sha256 = (
        upload.name, upload.media_type, len(upload.data), upload.sha256)
    db.add(version)
    db.commit()
    return rules


def test_an_export_read_into_an_empty_database_exports_again_identical(organization, db, empty_database):
    first = _export(db, organization)
    assert first["format"] == "pi-tracker-organization" and first["version"] == 1
    assert len(first["tables"]["audit_event"]["rows"]) > 100  # the history goes too
    assert hashlib.sha256(b"1. Read the code\n2. Say what you saw\n").hexdigest() in first["files"]
    upgrade(empty_database)
    engine = make_engine(empty_database)
    try:
        with Session(engine) as session:
            loaded = transfer.load(session, first, organization)
            assert loaded["proposal"] == len(first["tables"]["proposal"]["rows"]) > 0
        with Session(engine) as session:
            assert _rows(session) == _rows(db)  # the same values, not only the same text
            second = _export(session, organization)
            # the numbering continues after the ids loaded
            session.add(AuditEvent(entity="proposal", entity_id=1, action="update", field="title"))
            session.commit()
            assert session.exec(select(sa.func.max(AuditEvent.id))).one() == max(
                row[0] for row in first["tables"]["audit_event"]["rows"]) + 1
    finally:
        engine.dispose()
    first.pop("exported_at"), second.pop("exported_at")
    assert second == first


def test_what_is_not_an_export_or_not_for_this_database_is_refused(organization, db):
    export = _export(db, organization)
    for wrong, message in (({"format": "other"}, "This is not an export of the tracker."),
                           ({"version": 99}, "The file is version 99 of the format; this tracker reads 1."),
                           ({"revision": "0001"}, "load it into a tracker of the same version"),
                           ({}, "This database already holds an organization: load into an empty one.")):
        with pytest.raises(transfer.TransferError) as refused:
            transfer.load(db, export | wrong, organization)
        assert message in str(refused.value)
    db.rollback()
    assert db.exec(select(sa.func.count()).select_from(User)).one() == len(export["tables"]["user"]["rows"])


def test_an_organization_moves_from_the_embedded_sqlite_to_the_suites_database(app, tmp_path, empty_database):
    """The move people make when they outgrow SQLite: on the PostgreSQL run, SQLite to PostgreSQL."""
    embedded = f"sqlite:///{tmp_path / 'embedded.db'}"
    upgrade(embedded)
    source = make_engine(embedded)
    rules = Rules.of(app.config)
    upgrade(empty_database)
    target = make_engine(empty_database)
    try:
        with Session(source) as session, app.app_context():
            load_demo(session)
        with Session(source) as session:
            first = _export(session, rules)
        assert len(first["tables"]["user"]["rows"]) > 5 and len(first["tables"]["proposal"]["rows"]) > 5
        with Session(target) as session:
            transfer.load(session, first, rules)
        with Session(target) as session:
            second = _export(session, rules)
    finally:
        source.dispose(), target.dispose()
    first.pop("exported_at"), second.pop("exported_at")
    assert second == first


def test_an_administrator_downloads_the_export_and_the_command_line_loads_it(organization, client, login_as,
                                                                             empty_database, tmp_path):
    from tracker import create_app
    from tracker.auth.roles import Role

    login_as(Role.ADMIN)
    response = client.get("/admin/users")
    assert "/admin/export" in response.get_data(as_text=True)
    download = client.get("/admin/export")
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith(
        "attachment; filename=tracker-organization-")
    path = tmp_path / "organization.json"
    path.write_bytes(download.get_data())
    assert json.loads(path.read_text())["format"] == "pi-tracker-organization"
    upgrade(empty_database)
    fresh = create_app({"DATABASE_URL": empty_database, "DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "x"})
    try:
        loaded = fresh.test_cli_runner().invoke(args=["load-organization", str(path)])
        assert loaded.exit_code == 0, loaded.output
        assert loaded.output.startswith("loaded ")
        again = fresh.test_cli_runner().invoke(args=["load-organization", str(path)])
        assert again.exit_code != 0 and "already holds an organization" in again.output
        written = tmp_path / "again.json"
        exported = fresh.test_cli_runner().invoke(args=["export-organization", "--to", str(written)])
        assert exported.exit_code == 0 and (written.stat().st_mode & 0o777) == 0o600
    finally:
        fresh.extensions["tracker.engine"].dispose()
    first, second = json.loads(path.read_text()), json.loads(written.read_text())
    first.pop("exported_at"), second.pop("exported_at")
    assert second == first


def test_a_database_not_migrated_or_a_row_the_schema_refuses_is_said_plainly(organization, db, empty_database):
    export = _export(db, organization)
    engine = make_engine(empty_database)
    try:
        with Session(engine) as session, pytest.raises(transfer.TransferError) as refused:
            transfer.load(session, export, organization)
        assert str(refused.value) == "This database has no tables yet: run `flask migrate` first, then load."
        upgrade(empty_database)
        broken = json.loads(json.dumps(export))
        titles = broken["tables"]["proposal"]["columns"].index("title")
        broken["tables"]["proposal"]["rows"][0][titles] = None
        with Session(engine) as session, pytest.raises(transfer.TransferError) as refused:
            transfer.load(session, broken, organization)
        assert str(refused.value).startswith("proposal, rows 1 to ") and str(refused.value).endswith(
            "Nothing was loaded.")
        with Session(engine) as session:
            assert session.exec(select(sa.func.count()).select_from(User)).one() == 0
    finally:
        engine.dispose()
