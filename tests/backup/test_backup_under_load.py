"""Backups taken while the app writes are consistent: every write acknowledged before a backup began is in it."""

import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.conftest import schema_differences
from tracker.backup import restore, take
from tracker.db import make_engine
from tracker.history.models import AuditEvent

BACKUPS = 20


class Writer(threading.Thread):
    """Commits audit_event rows one by one, as fast as it can, on its own engine (as a web worker would), and
    remembers each id once its commit has returned."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.engine = make_engine(url)  # WAL and the busy timeout on SQLite, as the app has them
        self.done, self.lock = threading.Event(), threading.Lock()
        self.ids: list[int] = []
        self.errors: list[BaseException] = []

    def run(self) -> None:
        table = AuditEvent.__table__
        try:
            while not self.done.is_set():
                with self.engine.begin() as connection:
                    written = connection.execute(table.insert().values(
                        at=datetime.now(UTC), entity="backup-load", entity_id=0, action="create",
                    ).returning(table.c.id)).scalar_one()
                with self.lock:  # after the commit returned: acknowledged
                    self.ids.append(written)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.errors.append(error)
        finally:
            self.engine.dispose()

    def acknowledged(self) -> set[int]:
        with self.lock:
            return set(self.ids)


@pytest.mark.heavy
def test_twenty_backups_taken_under_write_load_all_restore_with_every_acknowledged_write(app, tmp_path, make_site):
    config = {**app.config, "BACKUP_DIR": str(tmp_path / "backups")}
    writer = Writer(app.config["DATABASE_URL"])
    writer.start()
    taken = []
    try:
        for _ in range(BACKUPS):
            acknowledged = writer.acknowledged()  # before this backup begins
            taken.append((take(config), acknowledged))
    finally:
        writer.done.set()
        writer.join(30)
    assert writer.errors == []
    assert len(taken) == BACKUPS and len({path for path, _ in taken}) == BACKUPS
    assert len(taken[-1][1]) - len(taken[0][1]) >= BACKUPS  # the writer really wrote while backups were taken

    site = make_site(revision=None)  # an empty database; each restore then replaces the one before, as a restore does
    for path, acknowledged in taken:
        assert restore(site.config, path, confirm=lambda manifest: True) is not None
        restored = {row[0] for row in site.rows("SELECT id FROM audit_event WHERE entity = 'backup-load'")}
        assert acknowledged <= restored, f"{path.name} lacks acknowledged writes {sorted(acknowledged - restored)[:5]}"
        _assert_sound(site)


def _assert_sound(site) -> None:
    """The restored database passes its integrity check and has exactly the schema the models describe."""
    engine = site.engine()
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        else:
            assert connection.execute(sa.text("SELECT count(*) FROM pg_class c JOIN pg_index i ON i.indexrelid = "
                                              "c.oid WHERE NOT i.indisvalid")).scalar() == 0
        assert schema_differences(connection) == []
    engine.dispose()
