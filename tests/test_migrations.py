"""The migrations build exactly the schema the models describe, on this run's database."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import tracker.models  # noqa: F401


def test_migrations_match_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(engine):
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_migrating_twice_is_a_no_op_and_records_the_revision(tmp_path):
    from alembic.script import ScriptDirectory

    from tracker.migrations import alembic_config, upgrade

    url = f"sqlite:///{tmp_path / 'twice.db'}"
    upgrade(url)
    upgrade(url)  # a second `make run` must not try to create the tables again
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    engine = __import__("sqlalchemy").create_engine(url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head
    engine.dispose()


def test_the_settings_rows_exist_after_migrating(tmp_path):
    """GET pages read the organization's settings; migration 0005 seeds them, so no GET has to write."""
    import sqlalchemy as sa

    from tracker.migrations import upgrade

    url = f"sqlite:///{tmp_path / 'seeded.db'}"
    upgrade(url)
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT benefit, alignment, effort FROM priority_weights").all() == [(5, 3, 2)]
        assert connection.exec_driver_sql("SELECT pattern_threshold FROM tailoring_settings").all() == [(3,)]
    engine.dispose()


def test_single_role_users_migrate_to_the_same_one_role(tmp_path):
    """Issue 12 part 7: every user's one role becomes the one role they hold; nothing else about them changes."""
    import sqlalchemy as sa
    from alembic import command

    from tracker.migrations import alembic_config

    url = f"sqlite:///{tmp_path / 'roles.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0018")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO user (email, name, role, password_hash, active, session_generation, reminder_email, "
            "created_at, version) VALUES ('sam@example.org', 'Sam', 'process_group', 'x', 1, 0, 'off', "
            "'2026-01-01 00:00:00', 3), ('leo@example.org', 'Leo', 'project_lead', 'x', 1, 0, 'off', "
            "'2026-01-01 00:00:00', 1)")
    command.upgrade(config, "head")
    with engine.connect() as connection:
        held = connection.exec_driver_sql("SELECT u.email, r.role, u.version FROM user u JOIN user_role r "
                                          "ON r.user_id = u.id ORDER BY u.email").all()
    assert held == [("leo@example.org", "project_lead", 1), ("sam@example.org", "process_group", 3)]
    command.downgrade(config, "0018")  # and back: the one role each held
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT email, role FROM user ORDER BY email").all() == [
            ("leo@example.org", "project_lead"), ("sam@example.org", "process_group")]
    engine.dispose()
