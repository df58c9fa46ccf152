"""Fixtures: a migrated database per run (SQLite, or PostgreSQL when TRACKER_DATABASE_URL names one),
emptied before every test; an app and a client that sends CSRF tokens like the browser does; factories."""

import hashlib
import os
import re
import secrets
import uuid
import warnings
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask.testing import FlaskClient
from sqlalchemy import exc as sa_exc
from sqlmodel import Session, SQLModel, func, select

import tracker.models  # noqa: F401 - every table on the metadata
from tracker import create_app
from tracker.api.models import ApiToken, Scope
from tracker.auth.models import User
from tracker.auth.passwords import hash_password
from tracker.auth.roles import Role
from tracker.db import normalize_url, utcnow
from tracker.migrations import include_object, upgrade
from tracker.process_areas.service import seed_catalog
from tracker.projects.models import Phase, Project, ProjectLead

PASSWORD = "correct horse battery"
_PASSWORD_HASH = hash_password(PASSWORD)  # hashing is slow on purpose: once per run
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.hookimpl(trylast=True)  # after pytest-xdist's own
def pytest_collection_modifyitems(config, items):
    """The heavy tests first: pytest-xdist hands tests out in this order, so short ones fill the end of the run
    on every worker, where one minute-long test collected last would run alone after the others had finished.

    And the tests of one `xdist_group` go to one worker (--dist loadgroup) by the group's name at the end of
    their ids: pytest-xdist 3.8 writes it where pytest 9 no longer reads an id from (Node._nodeid), so it is
    written here where pytest 9 does (Node._id), when it is missing."""
    items.sort(key=lambda item: item.get_closest_marker("heavy") is None)
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import NodeId
    for item in items:
        names = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                        for mark in item.iter_markers("xdist_group")})
        if names and "@" not in item.nodeid:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A database with every migration applied, for this run only."""
    server = os.environ.get("TRACKER_DATABASE_URL", "")
    if not server.startswith("postgres"):
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        upgrade(url)
        yield url
        return
    name = f"tracker_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(normalize_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(normalize_url(server)).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


class CleanSlate:
    """Puts the database back as migrating and seeding left it, touching only the tables written since.

    Every statement on every engine passes `before_cursor_execute`; the INSERT, UPDATE and DELETE statements
    name the tables they write. Resetting deletes those tables' rows (children first), restores the seeded
    rows where a seeded table was written, and restarts PostgreSQL's id sequences: a few statements for a
    test that wrote a few tables, where emptying all 40 cost 90-150 ms on PostgreSQL.
    """

    SEEDED = ("process_area", "priority_weights", "tailoring_settings", "standard_set_schedule", "reminder_rule")
    WRITE = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
    SCHEMA = re.compile(r"\s*(?:TRUNCATE|ALTER|DROP|CREATE)\b", re.IGNORECASE)

    def __init__(self, engine) -> None:
        self.engine = engine
        self.kept: set[str] = set()  # the tables of an arrangement a module's tests share (see `shared`)
        self.tables = SQLModel.metadata.sorted_tables
        self.names = {table.name for table in self.tables}
        self.dirty: set[str] = set()
        with engine.connect() as connection:
            self.seeded = {table.name: [dict(row._mapping) for row in connection.execute(sa.select(table))]
                           for table in self.tables if table.name in self.SEEDED}
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", self.saw)

    def saw(self, conn, cursor, statement, *args) -> None:
        if (written := self.WRITE.match(statement)) and written.group(1) in self.names:
            self.dirty.add(written.group(1))
        elif self.SCHEMA.match(statement):
            self.dirty |= self.names

    def reset(self) -> None:
        dirty, self.dirty = self.dirty, set()
        if dirty & self.kept:  # a test wrote where the shared arrangement is: it goes too, made again when asked for
            dirty, self.kept = dirty | self.kept, set()
        # (a test that wrote only elsewhere, as a sign-in clearing its address's failures does, leaves it whole:
        # emptying the tables it wrote, which the arrangement has no rows in, brings back the arrangement alone)
        if not dirty:
            return
        with self.engine.begin() as connection:
            for table in reversed(self.tables):
                if table.name in dirty:
                    connection.execute(table.delete())
            for table in self.tables:
                if table.name in dirty and self.seeded.get(table.name):
                    connection.execute(table.insert(), self.seeded[table.name])
            if self.engine.dialect.name == "postgresql":
                for table in self.tables:
                    if table.name in dirty and "id" in table.c and table.c.id.autoincrement in (True, "auto"):
                        connection.exec_driver_sql(
                            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                            f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)')
        self.dirty = set()  # the reset's own statements


@pytest.fixture(scope="module")
def shared(_app_once):
    """`shared(make)`: make an arrangement once for the module's tests that only read it (the demo organization
    costs seconds to load). What `make` wrote stays between those tests; once a test writes to a table it wrote,
    the next reset empties it with the rest and the next `shared(make)` makes it again; the module's end empties
    it. The module's tests share it only where pytest-xdist runs them on one worker: mark them with one
    `xdist_group` (the suite runs with --dist loadgroup)."""
    _, slate = _app_once
    made = []

    def once(make):
        if not (slate.kept and made):
            made[:] = [make()]
            slate.kept, slate.dirty = slate.kept | slate.dirty, set()
        return made[0]
    yield once
    slate.dirty |= slate.kept
    slate.kept = set()


@pytest.fixture(scope="session")
def _app_once(database_url, tmp_path_factory):
    """One app for the whole run (building one costs 60-90 ms, mostly URL rules); `app` resets it per test."""
    app = create_app({"DATABASE_URL": database_url, "DATA_DIR": str(tmp_path_factory.mktemp("data")),
                      "SECRET_KEY": "test-secret", "PAGE_SIZE": 10})
    app.config["TESTING"] = True
    app.test_client_class = Client
    engine = app.extensions["tracker.engine"]
    with Session(engine) as session:
        seed_catalog(session)
        session.commit()
    yield app, CleanSlate(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def engine(_app_once):
    """The app's own engine: tests arrange and check through the same pool the app serves from."""
    app, _ = _app_once
    return app.extensions["tracker.engine"]


@pytest.fixture
def app(_app_once, engine):
    """The run's app on a database as migrating and seeding left it; config changes end with the test."""
    app, slate = _app_once
    slate.reset()
    config = dict(app.config)
    yield app
    app.config.clear()
    app.config.update(config)
    app.extensions["tracker.engine"] = engine


class Client(FlaskClient):
    """A test client that sends the CSRF token a page gave it, as the browser does."""

    _csrf: tuple[str, str] | None = None  # (the session's secret, the form token a page showed for it)

    def csrf_token(self) -> str:
        """The token a page would carry: fetched once per session secret, not before every post."""
        secret = self._session().get("csrf_token")
        if self._csrf is None or self._csrf[0] != secret or secret is None:
            page = super().get("/login").get_data(as_text=True)
            self._csrf = (self._session().get("csrf_token"), _CSRF.search(page).group(1))
        return self._csrf[1]

    def _session(self) -> dict:
        """The session the cookie carries, read as the app would read it."""
        cookie = self.get_cookie(self.application.config["SESSION_COOKIE_NAME"])
        if cookie is None:
            return {}
        serializer = self.application.session_interface.get_signing_serializer(self.application)
        return serializer.loads(cookie.value)

    def post(self, *args, csrf: bool = True, **kwargs):
        data = kwargs.get("data", {})
        if csrf and isinstance(data, dict) and "csrf_token" not in data:
            kwargs["data"] = data | {"csrf_token": self.csrf_token()}  # a copy: callers reuse their dicts
        return super().post(*args, **kwargs)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(app, engine):
    """A session on the test database, for arranging and checking."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


_seq = count(1)


@pytest.fixture
def make_user(db):
    def make(role: Role | str = Role.MEMBER, *, leads: list[Project] = (), active: bool = True,
             also: tuple[Role, ...] = (), **fields) -> User:
        """A user holding `role` (and the roles in `also`: several hats)."""
        n = next(_seq)
        user = User(email=fields.pop("email", f"user{n}@example.org"), name=fields.pop("name", f"User {n}"),
                    password_hash=fields.pop("password_hash", _PASSWORD_HASH), active=active, **fields)
        user.roles = {Role(role), *also}
        db.add(user)
        db.flush()
        db.add_all(ProjectLead(project_id=p.id, user_id=user.id) for p in leads)
        db.commit()
        return user
    return make


@pytest.fixture
def make_project(db):
    def make(**fields) -> Project:
        n = next(_seq)
        project = Project(code=fields.pop("code", f"P{n}"), name=fields.pop("name", f"Project {n}"),
                          phase=fields.pop("phase", Phase.EXECUTION), start_date=fields.pop("start_date", date(2026, 1, 1)),
                          **fields)
        db.add(project)
        db.commit()
        return project
    return make


@pytest.fixture
def login(client):
    """Sign a user in the way the login form does, without paying for a password hash each time."""
    def sign_in(user: User) -> User:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
            session["seen"] = datetime.now(UTC).timestamp()
        return user
    return sign_in


@pytest.fixture
def login_as(make_user, login):
    """Sign in a fresh user of the given role."""
    def sign_in(role: Role | str, **fields) -> User:
        return login(make_user(role, **fields))
    return sign_in


@contextmanager
def reflecting():
    """Reading the schema back: SQLite's reflection cannot read an index on an expression (ix_appraisal_when); it
    says so and leaves the index out, as alembic's comparison then does."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index",
                                sa_exc.SAWarning)
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based index")
        yield


def schema_differences(connection) -> list:
    """What the database's schema lacks or has beyond the models' (alembic's autogenerate comparison)."""
    with reflecting():
        return compare_metadata(MigrationContext.configure(connection, opts={"compare_type": False,
                                                                          "include_object": include_object}),
                                SQLModel.metadata)


def count_rows(session: Session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def list_reads_flat(query_counter):
    """`list_reads_flat(caller, url, add)`: the list reads as many statements once `add(6)` more records are made as
    with `add(2)` (asked once before counting: a token's first use is written down, once)."""
    def check(caller, url: str, add) -> None:
        def statements() -> int:
            query_counter.clear()
            assert caller.get(url).status_code == 200
            return len(query_counter)
        add(2)
        statements()
        few = statements()
        add(6)
        assert statements() == few
    return check


@pytest.fixture
def query_counter(engine):
    """Counts the SQL statements the app runs (the app has its own engine: count on every engine)."""
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", before)
    yield statements
    sa.event.remove(sa.engine.Engine, "before_cursor_execute", before)


@pytest.fixture
def make_version(db):
    from tracker.assets.models import AssetVersion, VersionStatus

    def make(asset, label: str, status=VersionStatus.DRAFT, release_date=None) -> AssetVersion:
        version = AssetVersion(asset_id=asset.id, label=label, status=status, release_date=release_date)
        db.add(version)
        db.commit()
        return version
    return make


@pytest.fixture
def signed_off(db, make_user):
    """Make a draft ready to release, as the document-control rules ask: change notes, content (a link), and the
    asset owner's and another process-group member's sign-offs (written directly: tests/assets test the rules)."""
    from tracker.assets.models import AssetVersion, Capacity, ProcessAsset, VersionApproval

    def sign(version: AssetVersion) -> AssetVersion:
        version = db.get(AssetVersion, version.id)
        asset = db.get(ProcessAsset, version.asset_id)
        version.change_notes = version.change_notes or "What changed."
        version.link = version.link or "https://docs.example/asset"
        reviewer = make_user(Role.PROCESS_GROUP)
        db.add_all([VersionApproval(asset_version_id=version.id, capacity=Capacity.OWNER, approver_id=asset.owner_id,
                                    fingerprint=version.content_fingerprint()),
                    VersionApproval(asset_version_id=version.id, capacity=Capacity.PROCESS_GROUP,
                                    approver_id=reviewer.id, fingerprint=version.content_fingerprint())])
        version.version += 1
        db.commit()
        db.refresh(version)
        return version
    return sign


@pytest.fixture
def make_objective(db, make_user):
    from tracker.objectives.models import BusinessObjective

    def make(**fields):
        n = next(_seq)
        owner_id = fields.pop("owner_id", None) or make_user(Role.STEERING).id
        objective = BusinessObjective(name=fields.pop("name", f"Objective {n}"), kpi=fields.pop("kpi", "Defects"),
                                      baseline=fields.pop("baseline", 10.0), target=fields.pop("target", 5.0),
                                      target_date=fields.pop("target_date", date(2027, 6, 30)),
                                      owner_id=owner_id, **fields)
        db.add(objective)
        db.commit()
        return objective
    return make


@pytest.fixture
def make_proposal(db, make_user):
    from tracker.proposals.models import Proposal, ProposalSource, ProposalStatus

    def make(status=ProposalStatus.SUBMITTED, **fields):
        n = next(_seq)
        submitter_id = fields.pop("submitter_id", None) or make_user(Role.MEMBER).id
        proposal = Proposal(title=fields.pop("title", f"Proposal {n}"), problem="Reviews find defects late",
                            proposed_change="Checklist-driven reviews", source=ProposalSource.LESSON_LEARNED,
                            expected_benefit=fields.pop("expected_benefit", 4),
                            estimated_effort=fields.pop("estimated_effort", 2), status=status,
                            submitter_id=submitter_id, **fields)
        db.add(proposal)
        db.commit()
        return proposal
    return make


@pytest.fixture
def make_plan(db, make_user, make_proposal):
    from tracker.action_plans.models import ActionPlan, PlanStatus, TeamMember
    from tracker.proposals.models import ProposalStatus

    def make(status=PlanStatus.DRAFT, team=(), proposals=None, **fields):
        n = next(_seq)
        owner_id = fields.pop("owner_id", None) or make_user(Role.PROCESS_GROUP).id
        proposals = proposals if proposals is not None else [make_proposal(ProposalStatus.PLANNED)]
        plan = ActionPlan(title=fields.pop("title", f"Plan {n}"), goal="Find defects earlier",
                          success_measure="Escaped defects", success_target="<= 3", owner_id=owner_id,
                          planned_start=fields.pop("planned_start", date(2026, 1, 1)),
                          planned_end=fields.pop("planned_end", date(2026, 12, 31)), status=status,
                          proposals=proposals, **fields)
        db.add(plan)
        db.flush()
        db.add_all(TeamMember(plan_id=plan.id, user_id=user.id, team_role="member") for user in team)
        db.commit()
        return plan
    return make


@pytest.fixture
def make_commitment(db, make_user):
    from tracker.action_plans.models import Commitment

    def make(plan, owner=None, **fields):
        commitment = Commitment(plan_id=plan.id, description=fields.pop("description", "Write the checklist"),
                                owner_id=(owner or make_user(Role.MEMBER)).id,
                                due_date=fields.pop("due_date", date(2026, 6, 30)), **fields)
        db.add(commitment)
        db.commit()
        return commitment
    return make


@pytest.fixture
def make_issue(db, make_user):
    from tracker.action_plans.models import PlanIssue

    def make(plan, owner=None, **fields):
        raiser = make_user(Role.PROCESS_GROUP)
        issue = PlanIssue(plan_id=plan.id, title=fields.pop("title", "Tool licence missing"), raised_by_id=raiser.id,
                          owner_id=(owner or raiser).id, **fields)
        db.add(issue)
        db.commit()
        return issue
    return make


@pytest.fixture
def make_pilot(db):
    from tracker.pilots.models import Pilot

    def make(plan, versions=(), **fields):
        pilot = Pilot(plan_id=plan.id, title=fields.pop("title", "Checklist reviews pilot"),
                      measure="Defects found in review", target="+30%", start_date=date(2026, 3, 1),
                      end_date=fields.pop("end_date", date(2026, 5, 31)), asset_versions=list(versions), **fields)
        db.add(pilot)
        db.commit()
        return pilot
    return make


@pytest.fixture
def make_released(db, make_user):
    """A released asset version (of a new asset unless one is given)."""
    from tracker.assets.models import AssetKind, AssetVersion, ProcessAsset, VersionStatus

    def make(label: str = "1.0", asset=None, **fields):
        if asset is None:
            asset = ProcessAsset(title=fields.pop("title", f"Asset {next(_seq)}"), kind=AssetKind.PROCEDURE,
                                 owner_id=make_user(Role.PROCESS_GROUP).id)
            db.add(asset)
            db.flush()
        version = AssetVersion(asset_id=asset.id, label=label, status=fields.pop("status", VersionStatus.RELEASED),
                               release_date=fields.pop("release_date", date(2026, 1, 1)), **fields)
        db.add(version)
        db.commit()
        return version
    return make


@pytest.fixture
def make_deployment(db, make_user):
    """A deployment of versions to projects with one row per pair (status given, planned by default)."""
    from tracker.deployments.models import IN_USE, Deployment, ProjectDeployment, RowStatus
    from tracker.deployments.reach import mark_first_deployed
    from tracker.deployments.status import mark_current

    def make(projects, versions, status=RowStatus.PLANNED, **fields):
        deployment = Deployment(title=fields.pop("title", f"Deployment {next(_seq)}"), target_date=date(2026, 6, 1),
                                created_by_id=make_user(Role.PROCESS_GROUP).id, asset_versions=list(versions),
                                **fields)
        db.add(deployment)
        db.flush()
        rows = [ProjectDeployment(deployment_id=deployment.id, project_id=p.id, asset_version_id=v.id, status=status,
                                  deployed_on=date(2026, 6, 1) if status in IN_USE else None)
                for p in projects for v in versions]
        db.add_all(rows)
        db.flush()
        mark_current(db, project_ids=[p.id for p in projects])  # as deployments.service.add_rows does
        mark_first_deployed(db, rows=rows)  # as deployments.service.move_row does
        db.commit()
        return deployment
    return make


@pytest.fixture
def make_tailoring(db, make_user):
    from tracker.tailoring.models import TailoringRecord, TailoringStatus, TailoringType

    def make(project, version, element="Design review", type=TailoringType.OMIT, status=TailoringStatus.REQUESTED,
             **fields):
        record = TailoringRecord(project_id=project.id, asset_version_id=version.id, element=element, type=type,
                                 rationale="Small project", tailored_on=date(2026, 3, 1), status=status,
                                 requester_id=fields.pop("requester_id", None) or make_user(Role.PROJECT_LEAD).id,
                                 **fields)
        db.add(record)
        db.commit()
        return record
    return make


@pytest.fixture
def make_audit(db, make_user):
    from tracker.compliance.models import ComplianceAudit, Noncompliance

    def make(project, noncompliance_owner=None, **fields):
        audit = ComplianceAudit(project_id=project.id, audit_date=fields.pop("audit_date", date(2026, 9, 1)),
                                auditor_id=fields.pop("auditor_id", None) or make_user(Role.PROCESS_GROUP).id,
                                **fields)
        db.add(audit)
        db.flush()
        if noncompliance_owner is not None:
            db.add(Noncompliance(audit_id=audit.id, description="No peer review records", owner_id=noncompliance_owner.id,
                                 due_date=date(2026, 10, 1)))
        db.commit()
        return audit
    return make


@pytest.fixture
def make_lesson(db, make_user):
    from tracker.lessons.models import Lesson, Polarity

    def make(**fields):
        lesson = Lesson(title=fields.pop("title", f"Lesson {next(_seq)}"), what_happened="Reviews were skipped",
                        recommendation=fields.pop("recommendation", "Plan reviews in the schedule"),
                        polarity=fields.pop("polarity", Polarity.NEGATIVE),
                        author_id=fields.pop("author_id", None) or make_user(Role.MEMBER).id, **fields)
        db.add(lesson)
        db.commit()
        return lesson
    return make


@pytest.fixture
def make_appraisal(db, make_user):
    """An appraisal plan (a SCAMPI A of CMMI-DEV unless told), its phases a month apart from 2026-01-05."""
    from tracker.appraisals.models import Appraisal, AppraisalStatus, Method, ReferenceModel

    def make(status=AppraisalStatus.PLANNED, *, areas=(), projects=(), team=(), **fields):
        lead = fields.pop("lead_appraiser", None) or make_user(Role.PROCESS_GROUP)
        appraisal = Appraisal(
            title=fields.pop("title", f"Appraisal {next(_seq)}"),
            reference_model=fields.pop("reference_model", ReferenceModel.CMMI_DEV),
            method=fields.pop("method", Method.SCAMPI_A), sponsor_id=fields.pop("sponsor_id", None)
            or make_user(Role.STEERING).id, lead_appraiser_id=lead.id,
            preparation_on=date(2026, 1, 5), execution_on=date(2026, 2, 2),
            reporting_on=fields.pop("reporting_on", date(2026, 3, 2)), aftercare_on=date(2026, 3, 16), completion_on=fields.pop("completion_on", date(2026, 6, 30)),
            status=status, areas=list(areas), projects=list(projects), team=list(team), **fields)
        db.add(appraisal)
        db.commit()
        return appraisal
    return make


@pytest.fixture
def organization(db, make_user, make_project, make_objective, make_proposal, make_plan, make_commitment,
                 make_issue, make_released, make_pilot, make_deployment, make_tailoring, make_audit, make_lesson,
                 make_appraisal):
    """One of everything, named so each list's one matching row can be written down (tests/test_lists.py), and
    each kind of page has a record to show (the browser guard): the records by name, the people by first name."""
    from tracker.action_plans.models import PlanStatus
    from tracker.appraisals.models import AppraisalStatus
    from tracker.assets.models import AssetKind, ProcessAsset
    from tracker.reviews.models import ReviewMeeting

    crm = make_project(code="CRM", name="Customer portal")
    pia = make_user(Role.PROCESS_GROUP, name="Pia Group", email="pia@example.org")
    leo = make_user(Role.PROJECT_LEAD, name="Leo Lead", email="leo@example.org", leads=[crm])
    objective = make_objective(name="Fewer escaped defects", kpi="Escaped defects", owner_id=pia.id)
    proposal = make_proposal(title="Checklist reviews", submitter_id=leo.id)
    plan = make_plan(PlanStatus.IN_PROGRESS, title="Peer reviews everywhere", owner_id=pia.id, proposals=[proposal],
                     planned_start=date(2026, 2, 1), planned_end=date(2026, 9, 30))
    commitment = make_commitment(plan, owner=leo, description="Write the checklist", due_date=date(2026, 4, 1))
    make_issue(plan, owner=pia, title="Tool licence missing")
    asset = ProcessAsset(title="Review checklist", kind=AssetKind.PROCEDURE, owner_id=pia.id)
    db.add(asset)
    db.commit()
    version = make_released("1.0", asset=asset, release_date=date(2026, 3, 1))
    pilot = make_pilot(plan, versions=[version], title="Checklist pilot", projects=[crm])
    deployment = make_deployment([crm], [version], title="Checklist rollout")
    tailoring = make_tailoring(crm, version, element="Design review")
    audit = make_audit(crm, noncompliance_owner=leo, audit_date=date(2026, 9, 1))
    lesson = make_lesson(title="Reviews were skipped", project_id=crm.id, author_id=leo.id)
    appraisal = make_appraisal(AppraisalStatus.PLANNED, title="SCAMPI 2026", lead_appraiser=pia)
    meeting = ReviewMeeting(title="Q3 review", held_on=date(2026, 9, 20), period_from=date(2026, 7, 1),
                            period_to=date(2026, 9, 20), chair_id=pia.id)
    db.add(meeting)
    db.commit()
    return {"crm": crm, "pia": pia, "leo": leo, "objective": objective, "proposal": proposal, "plan": plan,
            "commitment": commitment, "asset": asset, "version": version, "pilot": pilot, "deployment": deployment,
            "tailoring": tailoring, "audit": audit, "lesson": lesson, "appraisal": appraisal, "meeting": meeting}


@pytest.fixture
def empty_database(tmp_path):
    """A database with nothing in it, of the suite's kind (PostgreSQL when TRACKER_DATABASE_URL names one)."""
    server = os.environ.get("TRACKER_DATABASE_URL", "")
    if not server.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'steps.db'}"
        return
    name = f"tracker_steps_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(normalize_url(server), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield sa.engine.make_url(normalize_url(server)).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()

@pytest.fixture
def make_token(db):
    """A working token for `user` (read and write unless `scope` says), and its secret."""
    def make(user, *, scope: Scope = Scope.WRITE, expires_on: date | None = None, name: str = "script") -> str:
        secret = "pit_" + secrets.token_urlsafe(32)
        db.add(ApiToken(user_id=user.id, name=name, scope=scope, token_hash=hashlib.sha256(secret.encode()).hexdigest(),
                        shown=secret[:12], expires_on=expires_on or utcnow().date() + timedelta(days=30)))
        db.commit()
        return secret
    return make


@pytest.fixture
def api(client, make_token):
    """Requests with a token's Authorization header: api(user).get(...), as the user through the API."""
    class As:
        def __init__(self, user=None, *, token: str | None = None, **token_args):
            self.token = token or make_token(user, **token_args)

        def _call(self, method: str, path: str, *, headers=None, **kwargs):
            headers = {"Authorization": f"Bearer {self.token}"} | (headers or {})
            return client.open(path, method=method, headers=headers, **kwargs)

        def get(self, path, **kwargs):
            return self._call("GET", path, **kwargs)

        def post(self, path, **kwargs):
            return self._call("POST", path, **kwargs)

        def patch(self, path, **kwargs):
            return self._call("PATCH", path, **kwargs)
    return As
