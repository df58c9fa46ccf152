"""A demo organization: one login per role, projects, process assets with versions, some history."""

from datetime import date

from sqlmodel import Session, func, select
from werkzeug.datastructures import MultiDict

from tracker.assets import service as assets
from tracker.assets.forms import AssetInput, VersionInput
from tracker.assets.models import VersionStatus
from tracker.auth import service as accounts
from tracker.auth.forms import NewUserInput
from tracker.auth.models import User
from tracker.demo_deployment import load_deployment
from tracker.demo_pipeline import load_pipeline
from tracker.process_areas.models import ProcessArea
from tracker.process_areas.service import seed_catalog
from tracker.projects import service as projects
from tracker.projects.forms import ProjectInput
from tracker.validation import parse

DEMO_PASSWORD = "demo-password"
DEMO_LOGINS = [
    ("admin@demo.example", "admin"),
    ("sepg@demo.example", "process_group"),
    ("steering@demo.example", "steering"),
    ("lead@demo.example", "project_lead"),
    ("member@demo.example", "member"),
]
PEOPLE = [
    ("admin@demo.example", "Ada Admin", "admin"),
    ("sepg@demo.example", "Sam Process", "process_group"),
    ("quality@demo.example", "Quinn Quality", "process_group"),
    ("steering@demo.example", "Stella Steering", "steering"),
    ("lead@demo.example", "Leo Lead", "project_lead"),
    ("lead2@demo.example", "Lara Lead", "project_lead"),
    ("member@demo.example", "Mia Member", "member"),
    ("member2@demo.example", "Max Member", "member"),
]
# code, name, phase, start, end, lead emails
PROJECTS = [
    ("PAY", "Payments platform", "execution", "2026-01-12", "2027-03-31", ["lead@demo.example"]),
    ("CRM", "Customer portal rewrite", "planning", "2026-06-01", "2027-06-30", ["lead@demo.example"]),
    ("HR", "HR self-service", "transition", "2025-09-01", "2026-12-15", ["lead2@demo.example"]),
    ("DW", "Data warehouse migration", "execution", "2026-03-02", "2027-01-29", ["lead2@demo.example"]),
    ("MOB", "Mobile banking app", "initiation", "2026-10-05", "", []),
    ("OPS", "Service desk operations", "operation", "2024-02-01", "", ["lead2@demo.example"]),
]
# title, kind, areas, description, versions (label, status, notes)
ASSETS = [
    ("Organizational standard software process", "standard_process", ["OPD", "OPF", "IPM"],
     "The set of standard processes every project tailors from.",
     [("2.0", "released", "2025-11-03", "Restructured around the lifecycle phases."),
      ("2.1", "released", "2026-05-18", "Clarified tailoring guidelines for small projects."),
      ("2.2", "draft", "", "Adds the lessons from the 2026 appraisal.")]),
    ("Peer review procedure", "procedure", ["VER"], "How work products are peer reviewed.",
     [("1.0", "released", "2025-06-02", "First release."), ("1.1", "draft", "", "Checklist-driven reviews.")]),
    ("Project plan template", "template", ["PP", "PMC"], "Template for the project management plan.",
     [("3.0", "retired", "2024-09-09", "Old layout."),
      ("3.1", "released", "2026-02-16", "Adds risk and measurement sections.")]),
    ("Estimation guideline", "guideline", ["PP", "MA"], "Estimating size and effort with historical data.",
     [("1.0", "released", "2026-03-30", "Based on the measurement repository.")]),
    ("Configuration audit checklist", "checklist", ["CM", "PPQA"], "Checklist for baseline audits.",
     [("1.0", "released", "2025-10-13", "First release.")]),
    ("Requirements engineering course", "training_material", ["RD", "REQM", "OT"],
     "Two-day course for analysts.", [("2026.1", "released", "2026-01-19", "Updated exercises.")]),
    ("Incident management procedure", "procedure", ["ITS-SRIM", "ITS-PM"],
     "Handling service requests and incidents.", [("1.0", "draft", "", "Drafted from the service desk pilot.")]),
]


def load_demo(session: Session, *, force: bool = False) -> bool:
    """Load the demo organization unless the database already has users; returns whether it loaded."""
    seed_catalog(session)
    session.commit()
    if not force and session.exec(select(func.count()).select_from(User)).one():
        return False
    users = {}
    for email, name, role in PEOPLE:
        form = MultiDict({"email": email, "name": name, "role": role, "password": DEMO_PASSWORD, "active": "y"})
        users[email] = accounts.create_user(session, data=parse(NewUserInput, form), by=None)
    sepg = users["sepg@demo.example"]
    for code, name, phase, start, end, leads in PROJECTS:
        form = MultiDict({"code": code, "name": name, "phase": phase, "start_date": start, "end_date": end})
        form.setlist("lead_ids", [str(users[e].id) for e in leads])
        projects.create_project(session, data=parse(ProjectInput, form), by=sepg)
    area_ids = dict(session.exec(select(ProcessArea.code, ProcessArea.id)).all())
    for title, kind, areas, description, versions in ASSETS:
        form = MultiDict({"title": title, "kind": kind, "owner_id": str(sepg.id), "description": description})
        form.setlist("area_ids", [str(area_ids[a]) for a in areas])
        asset = assets.create_asset(session, data=parse(AssetInput, form), by=sepg)
        for label, status, released, notes in versions:
            _add_version(session, asset, label, VersionStatus(status), released, notes, sepg)
    load_pipeline(session)
    load_deployment(session)
    return True


def _add_version(session: Session, asset, label: str, status: VersionStatus, released: str, notes: str,
                 by: User) -> None:
    version = assets.add_version(session, asset=asset, data=parse(VersionInput, MultiDict(
        {"label": label, "change_notes": notes})), by=by)
    if status in (VersionStatus.RELEASED, VersionStatus.RETIRED):
        assets.move_version(session, version=version, to=VersionStatus.RELEASED, seen=version.version, by=by,
                            on=date.fromisoformat(released))
    if status == VersionStatus.RETIRED:
        assets.move_version(session, version=version, to=VersionStatus.RETIRED, seen=version.version, by=by)
