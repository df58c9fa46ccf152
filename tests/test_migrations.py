"""The migrations build exactly the schema the models describe, on this run's database; every revision upgrades
to head with data in every table."""

import hashlib
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import SQLModel

import tracker.models  # noqa: F401
from tests.conftest import reflecting, schema_differences
from tracker.db import normalize_url


def test_migrations_match_the_models(engine):
    with engine.connect() as connection:
        assert schema_differences(connection) == []


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


# --- every revision upgrades to head with data in every table -------------------------------------------------------
#
# One database, migrated a revision at a time from the first to the one before head; at each, one row goes into
# every table that exists then (reflected: each column filled with a value of its type, foreign keys pointing at the
# newest row of the parent, hand-written values where a later revision reads the data), and a few hand-written rows
# that later revisions transform (history rows naming a record, a superseded status row). Then up to head, and every
# row must read as it was inserted. Columns a later revision drops or rebuilds, and those it adds, are checked
# against what that revision's docstring and comments say it does, written out here by hand. Step by step on one
# database rather than a fresh database per revision: each row still passes every revision after the one it was
# inserted at (so rows from revision R cover R+1..head, as a database migrated to R and then to head would), at the
# cost of one upgrade per revision instead of one per pair, and without a downgrade.

ROLES = ("admin", "process_group", "steering", "project_lead", "member")  # revision 0019's roles


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


class Filler:
    """Rows for reflected tables: every column a value of its type, unique per row; foreign keys the newest row of
    the parent table; enumerations a value the model allows (the models' enums, as columns keep their names)."""

    def __init__(self) -> None:
        self.n = 0
        self.newest: dict[str, dict] = {}  # table -> the newest row inserted, with its key
        self.rows: list[tuple[str, str, dict]] = []  # (revision inserted at, table, values with the key)

    def value(self, table: sa.Table, column: sa.Column):
        model = SQLModel.metadata.tables.get(table.name)
        modelled = model.c.get(column.name) if model is not None else None
        if modelled is not None and isinstance(modelled.type, sa.Enum):
            enums = modelled.type.enums
            return enums[self.n % len(enums)]
        kind = column.type
        if isinstance(kind, sa.Boolean):
            return self.n % 2 == 0
        if isinstance(kind, sa.Integer):
            return self.n
        if isinstance(kind, sa.Float | sa.Numeric):
            return self.n + 0.5
        if isinstance(kind, sa.DateTime):
            return _noon(date(2026, 1, 1) + timedelta(days=self.n))
        if isinstance(kind, sa.Date):
            return date(2026, 1, 1) + timedelta(days=self.n)
        if isinstance(kind, sa.LargeBinary):
            return f"bytes {self.n}".encode()
        if isinstance(kind, sa.String):  # Text too
            text = f"{self.n} {table.name}.{column.name}"
            return text[:kind.length] if kind.length else text
        raise AssertionError(f"no value for {table.name}.{column.name} ({kind!r})")

    def insert(self, connection, revision: str, table: sa.Table, given: dict | None = None) -> dict:
        """One row: `given` values, the rest filled; recorded (with its key) for the check at head."""
        self.n += 1
        values = {}
        serial = table.autoincrement_column
        for column in table.columns:
            if column is serial:
                continue
            if given and column.name in given:
                values[column.name] = given[column.name]
            elif column.foreign_keys:
                (key,) = column.foreign_keys
                parent = self.newest.get(key.column.table.name)
                assert parent is not None or column.nullable, f"{table.name}.{column.name}: no parent row yet"
                values[column.name] = parent[key.column.name] if parent else None
            else:
                values[column.name] = self.value(table, column)
        result = connection.execute(table.insert().values(values))
        if serial is not None:
            values[serial.name] = result.inserted_primary_key[0]
        self.newest[table.name] = values
        self.rows.append((revision, table.name, values))
        return values


def _tables(connection) -> list[sa.Table]:
    metadata = sa.MetaData()
    with reflecting():
        metadata.reflect(connection)
    # History rows name records by entity and id, not by a key: they go last, after the records they name.
    return sorted((t for t in metadata.sorted_tables if t.name != "alembic_version"),
                  key=lambda t: t.name == "audit_event")


def _fill(connection, revision: str, filler: Filler) -> None:
    """A row in every table, with the values later revisions read written by hand; then the hand-written rows."""
    tables = {table.name: table for table in _tables(connection)}
    for table in tables.values():
        given = {}
        if table.name == "user" and "role" in table.c:
            given["role"] = ROLES[filler.n % len(ROLES)]
        if table.name == "business_objective" and isinstance(table.c.baseline.type, sa.String):  # before 0009
            given |= {"baseline": "55%", "target": "≤ 40%"} if filler.n % 2 else {"baseline": "6 h", "target": "≤ 5"}
        if table.name == "proposal" and revision < "0008":
            given["status"] = "escalated"
        if table.name == "audit_event":
            given["user_id"] = filler.newest["user"]["id"]
        filler.insert(connection, revision, table, given)
    event, newest = tables["audit_event"], filler.newest
    day = date(2026, 6, 1) + timedelta(days=filler.n)
    if revision < "0008" and "proposal" in tables:  # the day the proposal was escalated (0008 keeps it in proposal.escalated_on)
        filler.insert(connection, revision, event, {"entity": "proposal", "entity_id": newest["proposal"]["id"],
                                                     "action": "update", "field": "status", "new": "Escalated",
                                                     "at": _noon(day), "user_id": newest["user"]["id"]})
    if revision < "0009" and "action_plan" in tables:  # the day the plan went in progress (0009: action_plan.started_on)
        filler.insert(connection, revision, event, {"entity": "action_plan", "entity_id": newest["action_plan"]["id"],
                                                     "action": "update", "field": "status", "new": "In progress",
                                                     "at": _noon(day + timedelta(days=1)),
                                                     "user_id": newest["user"]["id"]})
    if revision < "0017":  # who created the version (0017: asset_version.author_id)
        filler.insert(connection, revision, event, {"entity": "asset_version",
                                                     "entity_id": newest["asset_version"]["id"], "action": "create",
                                                     "field": "label", "user_id": newest["user"]["id"]})
    if revision == "0009":  # a newer status row of the same project and version: 0010 makes only it current
        older = newest["project_deployment"]
        filler.insert(connection, revision, tables["deployment"])  # a second deployment of it
        filler.insert(connection, revision, tables["project_deployment"],
                      {"deployed_on": older["deployed_on"] + timedelta(days=30), "status": older["status"]})


def _at_head(revision: str, table: str, row: dict, filler: Filler) -> dict:
    """What the row inserted at `revision` must read at head, by what each later revision says it does."""
    expected = dict(row)

    def events(entity: str, **match) -> list[dict]:
        return [values for _, name, values in filler.rows if name == "audit_event" and values["entity"] == entity
                and values["entity_id"] == row["id"] and all(values[k] == v for k, v in match.items())]

    if table == "user":
        for dropped in ("failed_logins", "locked_until", "role"):  # 0004 drops the lock; 0019 moves the role
            expected.pop(dropped, None)
        if revision < "0008":
            expected |= {"reminder_email": "immediate", "calendar_token_hash": None}  # 0008: its server default
    if table == "business_objective" and revision < "0009":
        # 0009: '55%' -> 55.0 and the unit '%'; '≤ 5' -> 5.0 and the unit from the baseline ('6 h' -> 6.0, 'h')
        expected |= {"baseline": 55.0, "target": 40.0, "unit": "%"} if row["baseline"] == "55%" else {
            "baseline": 6.0, "target": 5.0, "unit": "h"}
        expected |= {"baseline_on": None, "target_date": None}
    if table == "proposal" and revision < "0008":  # escalated on the day the history says
        expected["escalated_on"] = events("proposal", field="status", new="Escalated")[0]["at"].date()
    if table == "action_plan":
        if revision < "0009":
            expected["started_on"] = events("action_plan", new="In progress")[0]["at"].date()
        if revision < "0011":  # the first day one of its deployments' or pilots' versions was deployed
            days = [pd["deployed_on"] for at, name, pd in filler.rows if name == "project_deployment" and at < "0011"
                    and _plan_of(pd, filler) == row["id"]]
            expected["first_deployed_on"] = min(days, default=None)
        if revision < "0007":
            expected["joint_review_weeks"] = None
    if table == "project_deployment" and revision < "0010":
        superseded = revision == "0009" and row is not _last_row(filler, "project_deployment", "0009")
        expected["current"] = not superseded
    if table in ("joint_review", "deployment") and revision < "0013":
        expected["version"] = 1
    if table == "commitment":
        if revision < "0010":
            expected["meeting_id"] = None
        if revision < "0014":
            expected |= {"awaiting": None, "renegotiations": 0}
    if table == "lesson" and revision < "0015":
        expected |= {"pilot_id": None, "deployment_id": None, "audit_id": None}
    if table == "process_asset" and revision < "0007":
        expected |= {"review_interval_months": None, "review_due_on": None}
    if table == "asset_version" and revision < "0017":
        # 0017: the author is who the history says created it; what a sign-off approves is the SHA-256 of label,
        # notes, link and file checksum joined by NUL (the link and file empty)
        expected |= {"author_id": events("asset_version", action="create")[0]["user_id"], "link": "",
                     "file_name": "", "file_type": "", "file_size": None, "file_sha256": "",
                     "fingerprint": hashlib.sha256(f"{row['label']}\0{row['change_notes']}\0\0".encode()).hexdigest()}
    return expected


def _last_row(filler: Filler, table: str, revision: str) -> dict:
    return [values for at, name, values in filler.rows if name == table and at == revision][-1]


def _plan_of(status_row: dict, filler: Filler) -> int | None:
    """The plan whose deployment made this status row. (0011 also counts rows of versions the plan piloted: here
    each revision's pilot tries that revision's version, whose rows are that revision's plan's deployments' rows, so
    the deployments' plans give the same answer.)"""
    return next(values["plan_id"] for _, name, values in filler.rows
                if name == "deployment" and values["id"] == status_row["deployment_id"])


def _comparable(value):
    """Datetimes as naive UTC (SQLite keeps no zone), the rest as read."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    return value


def test_every_revision_upgrades_to_head_with_its_data_intact(empty_database):
    from alembic import command
    from alembic.script import ScriptDirectory

    from tracker.migrations import alembic_config

    config = alembic_config(empty_database)
    revisions = [script.revision for script in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))]
    engine = sa.create_engine(normalize_url(empty_database), poolclass=sa.pool.NullPool)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", lambda dbapi, _: dbapi.execute("PRAGMA foreign_keys=ON"))
    filler = Filler()
    for revision in revisions[:-1]:
        command.upgrade(config, revision)
        with engine.begin() as connection:
            _fill(connection, revision, filler)
    command.upgrade(config, "head")

    with engine.connect() as connection:
        tables = {table.name: table for table in _tables(connection)}
        wrong = []
        for revision, name, row in filler.rows:
            table = tables[name]
            expected = _at_head(revision, name, row, filler)
            key = [column.name for column in table.primary_key.columns]
            found = connection.execute(sa.select(table).where(*(table.c[k] == row[k] for k in key))).all()
            if len(found) != 1:
                wrong.append(f"{name} {[row[k] for k in key]} (inserted at {revision}): {len(found)} rows")
                continue
            read = found[0]._mapping
            unchecked = set(read) - set(expected)
            wrong += [f"{name}.{column} (inserted at {revision}): not checked" for column in sorted(unchecked)]
            wrong += [f"{name}.{column} (inserted at {revision}): {_comparable(read[column])!r}, expected "
                      f"{_comparable(value)!r}" for column, value in expected.items()
                      if _comparable(read[column]) != _comparable(value)]
        held = set(connection.execute(sa.select(tables["user_role"])).all())
        terms = tables["commitment_terms"].c
        terms = set(connection.execute(sa.select(terms.commitment_id, terms.description, terms.due_date,
                                                 terms.proposed_by_id, terms.state, terms.answered_by_id)).all())
        tally = set(connection.execute(sa.select(tables["deployment_tally"])).all())
    engine.dispose()

    assert wrong == []
    users = [row for at, name, row in filler.rows if name == "user" and at < "0019"]  # a role column until 0019
    assert {(u["id"], u["role"]) for u in users} <= held  # 0019: each user's one role is their first held role
    # 0014: what each commitment was given with, agreed by its owner
    given = {(c["id"], c["description"], c["due_date"], c["owner_id"], "agreed", c["owner_id"])
             for at, name, c in filler.rows if name == "commitment" and at < "0014"}
    assert given <= terms, (sorted(given - terms), sorted(terms))
    # 0012: each project's current status rows counted per status
    counted = {}
    for at, name, row in filler.rows:
        if name == "project_deployment" and at < "0012" and _at_head(at, name, row, filler).get("current", True):
            counted[(row["project_id"], row["status"])] = counted.get((row["project_id"], row["status"]), 0) + 1
    assert {(project, status, n) for (project, status), n in counted.items()} <= tally
    # every table had rows before the last revision ran (a table the last revision adds has none: name it here)
    assert {name for _, name, _ in filler.rows} == set(tables) - {"import_batch", "import_mapping", "imported_record"}  # 0031
