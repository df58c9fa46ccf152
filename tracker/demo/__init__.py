"""A demo organization: one year of an organization's improvement work, dated relative to the day it is loaded.

Everything is written through the services, each event at its own moment (tracker.db.clock_at), so records,
workflow dates and history all carry the story's dates: some work finished on time, some late, a few things
overdue today. The story, in order: the tracker is set up with the standard process and its assets; an
appraisal finding becomes the peer-review plan, its checklist is piloted on PAY and DW, adopted, released
and deployed; the standard process 2.1 reaches the new projects while the older ones drift; an audit of PAY
finds a gap that is now overdue; an incident lesson becomes a proposal the steering committee must decide;
an estimation plan waits for their approval.
"""

from datetime import UTC, date, datetime, time

from sqlmodel import Session, func, select
from werkzeug.datastructures import MultiDict

from tracker.assets import service as assets
from tracker.assets.forms import AssetInput
from tracker.auth import service as accounts
from tracker.auth.forms import NewUserInput
from tracker.auth.models import User
from tracker.db import utcnow
from tracker.demo.appraisals import appraisal_events
from tracker.demo.deployment import deployment_events
from tracker.demo.pipeline import pipeline_events
from tracker.demo.reviews import review_events
from tracker.demo.story import SET_UP, Story, add_draft, release
from tracker.process_areas.models import ProcessArea
from tracker.process_areas.service import seed_catalog
from tracker.projects import service as projects
from tracker.projects.forms import ProjectInput
from tracker.reminders.sweep import sweep
from tracker.validation import parse

DEMO_PASSWORD = "demo-password"
DEMO_LOGINS = [
    ("admin@demo.example", "admin"),
    ("sepg@demo.example", "process_group"),
    ("steering@demo.example", "steering"),
    ("head@demo.example", "process_group + steering"),
    ("quality@demo.example", "process_group"),
    ("lead@demo.example", "project_lead"),
    ("lead2@demo.example", "project_lead"),
    ("member@demo.example", "member"),
    ("member2@demo.example", "member"),
]
PEOPLE = [
    ("admin@demo.example", "Ada Admin", "admin"),
    ("sepg@demo.example", "Sam Process", "process_group"),
    ("quality@demo.example", "Quinn Quality", "process_group"),
    ("steering@demo.example", "Stella Steering", "steering"),
    ("head@demo.example", "Hana Head", "process_group,steering"),  # heads the process group, sits on the committee
    ("lead@demo.example", "Leo Lead", "project_lead"),
    ("lead2@demo.example", "Lara Lead", "project_lead"),
    ("member@demo.example", "Mia Member", "member"),
    ("member2@demo.example", "Max Member", "member"),
]
# code, name, phase, start day, end day (None: open-ended), leads, description
PROJECTS = [
    ("OPS", "Service desk operations", "operation", -1100, None, ["lead2"],
     "First- and second-line support for the bank's internal systems."),
    ("HR", "HR self-service", "transition", -450, 20, ["lead2"],
     "A bought-in HR package, configured and rolled out to all staff."),
    ("PAY", "Payments platform", "execution", -620, 120, ["lead"],
     "Replaces the batch payment engine with real-time payments."),
    ("DW", "Data warehouse migration", "execution", -270, 60, ["lead2"],
     "Moves reporting from the on-premises warehouse to the new data platform."),
    ("CRM", "Customer portal rewrite", "planning", -170, 210, ["lead"],
     "A new customer portal on the shared design system."),
    ("MOB", "Mobile banking app", "initiation", -50, None, [],
     "The first native app; its lead is being hired."),
]
# title, kind, process areas, description, versions (label, drafted on day, released on day or None, change notes)
ASSETS = [
    ("Organizational standard software process", "standard_process", ["OPD", "OPF", "IPM"],
     "The set of standard processes every project tailors from.",
     [("2.0", SET_UP + 2, SET_UP + 5, "Restructured around the lifecycle phases."),
      ("2.1", -230, -190, "Tailoring guidelines for small projects; the plan template 3.1 is now required."),
      ("2.2", -30, None, "Takes in the lessons of this year's pilots and the PAY audit.")]),
    ("Peer review procedure", "procedure", ["VER"], "How work products are peer reviewed.",
     [("1.0", SET_UP + 2, SET_UP + 5, "Reviews by walkthrough, no checklist.")]),
    ("Project plan template", "template", ["PP", "PMC"], "Template for the project management plan.",
     [("3.0", SET_UP + 2, SET_UP + 5, "Schedule and staffing only."),
      ("3.1", -310, -280, "Adds risk and measurement sections.")]),
    ("Configuration audit checklist", "checklist", ["CM", "PPQA"], "Checklist for baseline audits.",
     [("1.0", SET_UP + 10, SET_UP + 20, "First release.")]),
    ("Requirements engineering course", "training_material", ["RD", "REQM", "OT"],
     "Two-day course for analysts.", [("1.2", -330, -300, "New exercises on acceptance criteria.")]),
    ("Estimation guideline", "guideline", ["PP", "MA"], "Estimating size and effort with historical data.",
     [("1.0", -255, -240, "Estimate from the measurement repository's productivity data.")]),
    ("Incident management procedure", "procedure", ["ITS-SRIM", "ITS-PM"],
     "Handling service requests and incidents.", [("1.0", -120, None, "Drafted by the service desk after two long outages.")]),
]
# Every asset is reviewed yearly, the plan template (which every project fills in) every six months.
REVIEW_MONTHS = {"Project plan template": 6}


def load_demo(session: Session, *, force: bool = False, today: date | None = None) -> bool:
    """Load the demo organization unless the database already has users; returns whether it loaded."""
    seed_catalog(session)
    session.commit()
    if not force and session.exec(select(func.count()).select_from(User)).one():
        return False
    story = Story(session, today or utcnow().date())
    story.on(SET_UP, lambda: _organization(story))
    for title, kind, areas, description, versions in ASSETS:
        _asset_events(story, title, kind, areas, description, versions)
    appraisal_events(story)
    pipeline_events(story)
    deployment_events(story)
    review_events(story)
    story.run()
    # What the year left due or overdue is reminded of at once (the scheduler sweeps again when it starts).
    sweep(session, now=datetime.combine(story.today, time(), tzinfo=UTC))
    return True


def _organization(story: Story) -> None:
    for email, name, role in PEOPLE:
        form = MultiDict({"email": email, "name": name, "password": DEMO_PASSWORD, "active": "y"})
        form.setlist("roles", role.split(","))
        story.users[email.split("@")[0]] = accounts.create_user(story.session, data=parse(NewUserInput, form),
                                                                 by=None)
    for code, name, phase, start, end, leads, description in PROJECTS:
        form = MultiDict({"code": code, "name": name, "phase": phase, "start_date": story.date(start),
                          "end_date": story.date(end), "description": description})
        form.setlist("lead_ids", [str(story.users[lead].id) for lead in leads])
        story.made[code] = projects.create_project(story.session, data=parse(ProjectInput, form),
                                                   by=story.users["sepg"])


def _asset_events(story: Story, title: str, kind: str, areas: list[str], description: str, versions) -> None:
    def create() -> None:
        area_ids = dict(story.session.exec(select(ProcessArea.code, ProcessArea.id)).all())
        form = MultiDict({"title": title, "kind": kind, "owner_id": str(story.users["sepg"].id),
                          "description": description, "review_interval_months": str(REVIEW_MONTHS.get(title, 12))})
        form.setlist("area_ids", [str(area_ids[a]) for a in areas])
        story.made[title] = assets.create_asset(story.session, data=parse(AssetInput, form), by=story.users["sepg"])

    story.on(SET_UP + 1, create)
    for label, drafted, released, notes in versions:
        # A draft not yet released is kept on the intranet for now: it waits for its sign-offs.
        link = "" if released is not None else f"https://intranet.example/process/{title.lower().replace(' ', '-')}"
        story.on(drafted, lambda label=label, notes=notes, link=link: add_draft(story, title, label, notes, link))
        if released is not None:
            story.on(released, lambda label=label: release(story, title, label))
