"""`flask synth --scale N`: an organization of the size the issue names, the same one for the same seed, with its
history, that every page serves (tracker/synth.py)."""

import hashlib
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select

from tracker import create_app
from tracker.auth.models import User
from tracker.history.models import AuditEvent
from tracker.migrations import upgrade
from tracker.process_areas.service import seed_catalog
from tracker.proposals.models import Proposal
from tracker.synth import build

# Issue 14, scale 1: 500 projects, 80 assets, 40,000 status rows, 20,000 proposals, 2,000 plans with 30,000
# commitments, 10,000 tailoring records, 5,000 lessons, 1,000 audits, 200 appraisals. At scale 0.01:
AT_ONE_HUNDREDTH = {"project": 5, "process_asset": 1, "project_deployment": 400, "proposal": 200, "action_plan": 20,
                    "commitment": 300, "tailoring_record": 100, "lesson": 50, "compliance_audit": 10, "appraisal": 2}
DAY = date(2026, 11, 30)


def test_the_sizes_are_the_issues_and_every_record_has_its_history(app, db):
    with app.app_context():
        counts = build(db, scale=0.01, seed=7, today=DAY)
    for table, expected in AT_ONE_HUNDREDTH.items():
        assert counts[table] == expected, table
        assert db.execute(sa.text(f'SELECT COUNT(*) FROM "{table}"')).scalar() == expected, table
    created = db.exec(select(func.count(func.distinct(AuditEvent.entity_id)))
                      .where(AuditEvent.entity == "proposal", AuditEvent.action == "create")).one()
    assert created == AT_ONE_HUNDREDTH["proposal"]
    assert counts["notification"] > 0, "the sweep made the reminders that are due"
    with pytest.raises(ValueError, match="already has people"):
        build(db, scale=0.01, seed=7, today=DAY)


def test_the_pages_serve_the_synthetic_organization(app, db, client):
    with app.app_context():
        build(db, scale=0.01, seed=7, today=DAY)
    person = db.exec(select(User).where(User.email == "sepg@synth.example")).one()
    with client.session_transaction() as cookie:
        cookie["_user_id"], cookie["_fresh"] = person.get_id(), True
    some = db.exec(select(Proposal.id).order_by(Proposal.id.desc())).first()
    for path in ("/proposals/", "/proposals/?view=board", f"/proposals/{some}", "/deployments/status", "/plans/",
                 "/dashboards/", "/commitments/", "/tailoring/", "/compliance/", "/appraisals/", "/reviews/"):
        assert client.get(path).status_code == 200, path


def digest(url: str, seed: int) -> str:
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "DATA_DIR": url.rsplit("/", 1)[0][len("sqlite:///"):]})
    engine = app.extensions["tracker.engine"]
    with Session(engine) as session, app.app_context():
        seed_catalog(session)
        session.commit()
        build(session, scale=0.005, seed=seed, today=DAY)
        found = hashlib.sha256()
        for table in ("proposal", "commitment", "project_deployment", "audit_event", "notification"):
            rows = session.execute(sa.text(f"SELECT * FROM {table} ORDER BY id")).all()
            found.update(repr([row[1:] if table == "notification" else row for row in rows]).encode())
    engine.dispose()
    return found.hexdigest()


@pytest.mark.heavy
def test_the_same_seed_builds_the_same_organization(tmp_path):
    first = digest(f"sqlite:///{tmp_path / 'a.db'}", seed=3)
    assert digest(f"sqlite:///{tmp_path / 'b.db'}", seed=3) == first
    assert digest(f"sqlite:///{tmp_path / 'c.db'}", seed=4) != first
