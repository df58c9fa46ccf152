"""The demo's deployment and experience (SG3): the standard set, deployments with their status rows (on time, late,
overdue, drifting), tailoring with a pattern, audits with noncompliances, lessons and feedback."""

from datetime import timedelta

from werkzeug.datastructures import MultiDict

from tracker import content
from tracker.assets.forms import AssetReviewInput
from tracker.assets.reviews import record_review
from tracker.compliance import service as audits
from tracker.compliance.forms import (
    AuditInput,
    AuditMoveInput,
    AuditResultInput,
    NoncomplianceInput,
    NoncomplianceMoveInput,
)
from tracker.demo.story import SET_UP, Story, retire
from tracker.deployments import service as deployments
from tracker.deployments import standard_set, training
from tracker.deployments.forms import (
    DeploymentInput,
    MaterialInput,
    RowMoveInput,
    SetReviewInput,
    StandardSetInput,
    TrainingInput,
)
from tracker.lessons import service as lessons
from tracker.lessons.forms import FeedbackInput, LessonInput, LessonMoveInput
from tracker.tailoring import service as tailoring
from tracker.tailoring.forms import TailoringInput, TailoringReviewInput
from tracker.validation import parse

PROCESS, REVIEW, PLAN = "Organizational standard software process", "Peer review procedure", "Project plan template"
# day, asset, phases it applies to, guidance
STANDARD_SET = [
    (SET_UP + 25, PROCESS, [], "Every project tailors from it; record the tailoring before the planning review."),
    (SET_UP + 25, PLAN, ["initiation", "planning", "execution"], "Use from the start of planning."),
    (SET_UP + 25, REVIEW, ["execution", "transition"], "Start with the design reviews."),
    (-235, "Estimation guideline", ["initiation", "planning"], "Estimate every release with it."),
]
# key, day, title, versions, projects, target day, row walks {project: [(day, status), ...]} by asset title
DEPLOYMENTS = [
    ("d-process-2.0", SET_UP + 15, "Standard process 2.0 roll-out", [(PROCESS, "2.0")], ["HR", "OPS"], -300,
     {"HR": [(-370, "in_progress"), (-330, "deployed"), (-305, "verified")],
      "OPS": [(-365, "in_progress"), (-320, "deployed"), (-290, "verified")]}),  # verified after the target
    ("d-process-2.1", -185, "Standard process 2.1 for new work", [(PROCESS, "2.1"), (PLAN, "3.1")], ["PAY", "CRM"],
     -120, {"PAY": [(-180, "in_progress"), (-150, "deployed"), (-100, "verified")],
            "CRM": [(-160, "in_progress")]}),  # CRM's process row is overdue today
    ("d-review-1.1", -105, "Peer review 1.1: the design checklist", [(REVIEW, "1.1")], ["PAY", "DW", "CRM"], -45,
     {"PAY": [(-100, "in_progress"), (-80, "deployed"), (-50, "verified")],
      "DW": [(-95, "in_progress"), (-60, "deployed")],
      "CRM": [(-40, "in_progress")]}),  # started after the target date: overdue
]
# project, day, version, element, type, rationale, review by (days after), approved on day (None: waiting)
TAILORING = [
    ("HR", -345, (PROCESS, "2.0"), "Design review", "omit", "The package's design is the vendor's; we review our "
     "configuration of it in the configuration audit instead.", 365, -340),
    ("OPS", -355, (PROCESS, "2.0"), "Weekly status report", "modify", "Service reviews with the business are "
     "monthly; a weekly report would repeat the service dashboard.", 365, -350),
    ("PAY", -300, (PROCESS, "2.0"), "Weekly status report", "modify", "The client's steering group meets every "
     "two weeks; the status report follows it.", 180, -296),
    ("DW", -250, (PROCESS, "2.0"), "Weekly status report", "modify", "Reported fortnightly with the data "
     "platform programme, whose board meets then.", 180, None),
    ("CRM", -150, (PLAN, "3.1"), "Risk section", "modify", "Risks are kept in the portfolio tool and linked "
     "from the plan, where the sponsor already reviews them.", 120, None),
]
# key, day, title, author, project, polarity, asset, what happened, recommendation
LESSONS = [
    ("lesson-estimates", -265, "Estimates ignored the historical data", "lead", "PAY", "negative", None,
     "Release 3 slipped six weeks. The estimate was one expert's guess, while the measurement repository held "
     "five similar releases.", "Estimate every release from the repository's productivity data."),
    ("lesson-checklists", -125, "Checklists halve design review rework", "lead2", "DW", "positive", REVIEW,
     "With the pilot checklist our design reviews found twice the defects, and rework in test fell by half.",
     "Keep the checklist short and built from our own escaped defects."),
    ("lesson-incidents", -110, "Incident reviews held too late", "member", "OPS", "negative",
     "Incident management procedure", "After both long outages the review met two and three weeks later, and the "
     "timeline had to be rebuilt from chat logs.", "Hold the review within three working days, with a timeline "
     "kept during the incident."),
    ("lesson-glossary", -140, "A shared glossary saved the CRM kick-off", "lead", "CRM", "positive", None,
     "Business and IT used different words for the same customer states; a one-page glossary agreed in week one "
     "ended a month of confusion.", "Start every project with a glossary of the domain's terms."),
]


def deployment_events(story: Story) -> None:
    users, on = story.users, story.on
    for day, title, phases, guidance in STANDARD_SET:
        on(day, lambda title=title, phases=phases, guidance=guidance: standard_set.set_entry(
            story.session, data=StandardSetInput(asset_id=story.made[title].id, phases=phases, guidance=guidance),
            by=users["sepg"]))
    # New projects get the standard set at their kick-off; PAY and DW then drift as new versions are released.
    for code, day, walk in (("PAY", -318, [(-316, "in_progress"), (-300, "deployed")]),
                            ("DW", -265, [(-262, "in_progress"), (-240, "deployed")]),
                            ("MOB", -5, [(-3, "in_progress")])):
        on(day, lambda code=code: story.made.__setitem__(f"set-{code}", standard_set.apply_to_project(
            story.session, project=story.made[code], by=users["sepg"])))
        for walk_day, to in walk:
            on(walk_day, lambda code=code, to=to: _move_rows(story, story.made[f"set-{code}"], None, to))
    for key, day, title, versions, projects, target, walks in DEPLOYMENTS:
        on(day, lambda key=key, row=(title, versions, projects, target): _deploy(story, key, *row))
        for code, steps in walks.items():
            for walk_day, to in steps:
                on(walk_day, lambda key=key, code=code, to=to: _move_rows(story, story.made[key], code, to))
    # Training for the design checklist: material first, then a session for every project and one for CRM.
    on(-103, lambda: _material(story, "d-review-1.1", "https://intranet.example/training/design-checklist",
                               "Design checklist: 40-minute walkthrough (slides and recording)"))
    on(-98, lambda: _training(story, "d-review-1.1", -98, (REVIEW, "1.1"), None, ["lead", "lead2", "member"],
                              "Walkthrough of the checklist on a real design."))
    on(-42, lambda: _training(story, "d-review-1.1", -42, (REVIEW, "1.1"), "CRM", ["lead", "member2"],
                              "Catch-up session for CRM, which started late."))
    on(-140, lambda: retire(story, PLAN, "3.0"))
    # The periodic reviews: the plan template was reviewed on time; the audit checklist's year has run out.
    on(-95, lambda: record_review(story.session, asset=story.made[PLAN], by=users["sepg"], data=AssetReviewInput(
        reviewed_on=story.today + timedelta(days=-95), outcome="no_change",
        notes="Still fits: the risk section is used by every project.")))
    on(-60, lambda: standard_set.record_review(story.session, by=users["sepg"], data=SetReviewInput(
        reviewed_on=story.today + timedelta(days=-60), outcome="new_version_needed",
        notes="The standard process 2.2 should take in this year's pilots.",
        next_review_on=story.today + timedelta(days=120))))
    for row in TAILORING:
        _tailoring_events(story, *row)
    for row in LESSONS:
        on(row[1], lambda row=row: _lesson(story, *row))
    on(-250, lambda: _move_lesson(story, "lesson-estimates", "reviewed"))
    on(-118, lambda: _move_lesson(story, "lesson-checklists", "reviewed"))
    on(-109, lambda: _move_lesson(story, "lesson-checklists", "incorporated",
                                  incorporated_version_id=story.made[(REVIEW, "1.1")].id))
    on(-250, lambda: _feedback(story, "lead", 3, "Clear, but without a checklist every review misses the same "
                               "defects.", (REVIEW, "1.0"), "PAY"))
    on(-55, lambda: _feedback(story, "lead2", 4, "The 20-item design checklist works; we need one for code.",
                              (REVIEW, "1.1"), "DW"))
    _audit_events(story)


def _deploy(story: Story, key: str, title: str, versions, projects, target: int) -> None:
    form = MultiDict({"title": title, "target_date": story.date(target), "training_required": "y",
                      "training_material": "Intranet: process training, module 2",
                      "approach": "Kick-off with each project lead, then coaching by the process group."})
    form.setlist("version_ids", [str(story.made[v].id) for v in versions])
    form.setlist("project_ids", [str(story.made[code].id) for code in projects])
    story.made[key] = deployments.create_deployment(story.session, data=parse(DeploymentInput, form),
                                                    by=story.users["sepg"])


def _move_rows(story: Story, deployment, code: str | None, to: str) -> None:
    """Move the deployment's rows for one project (all of them when `code` is None): its lead reports progress
    (deployed, with a link to where the project keeps its evidence), the process group verifies (with its own)."""
    for row in deployments.rows_of(story.session, deployment_id=deployment.id):
        if code is None or row.project.code == code:
            by = row.project.leads[0] if row.project.leads and to != "verified" else story.users["sepg"]
            evidence = {"deployed": f"https://intranet.example/projects/{row.project.code.lower()}/process",
                        "verified": "https://intranet.example/sepg/verification"}.get(to, "")
            deployments.move_row(story.session, row=row, by=by, data=RowMoveInput(
                to=to, version=row.version, evidence_link=evidence,
                notes="Records checked in the project's review log." if to == "verified" else ""))


def _material(story: Story, key: str, link: str, note: str) -> None:
    """The recording stays on the intranet (the link); the handout is kept here (a Markdown file)."""
    deployment = deployments.get_deployment(story.session, deployment_id=story.made[key].id)
    handout = f"# {note}\n\n1. Read the design with the checklist beside it.\n2. Log each finding against its item.\n"
    training.add_material(story.session, deployment=deployment, by=story.users["sepg"], name="handout.md",
                          data_bytes=handout.encode(), rules=content.rules(),
                          data=MaterialInput(kind="training_material", note=note, link=link))


def _training(story: Story, key: str, day: int, version, code: str | None, people: list[str], notes: str) -> None:
    deployment = deployments.get_deployment(story.session, deployment_id=story.made[key].id)
    training.record_training(story.session, deployment=deployment, by=story.users["sepg"], data=TrainingInput(
        held_on=story.today + timedelta(days=day), asset_version_id=story.made[version].id,
        project_id=story.made[code].id if code else None, attendee_ids=[story.users[p].id for p in people],
        notes=notes))


def _tailoring_events(story: Story, code, day, version, element, kind, rationale, review_after, approved) -> None:
    def log() -> None:
        project = story.made[code]
        story.made[("tailoring", code, element)] = tailoring.log(story.session, data=TailoringInput(
            project_id=project.id, asset_version_id=story.made[version].id, element=element, type=kind,
            rationale=rationale, tailored_on=story.date(day), review_by=story.date(day + review_after)),
            by=project.leads[0])

    def approve() -> None:
        record = story.made[("tailoring", code, element)]
        tailoring.move_tailoring(story.session, record=record, data=TailoringReviewInput(to="approved",
                         version=record.version), by=story.users["sepg"])

    story.on(day, log)
    if approved is not None:
        story.on(approved, approve)


def _lesson(story: Story, key, day, title, author, code, polarity, asset, what, recommendation) -> None:
    story.made[key] = lessons.log(story.session, data=LessonInput(
        title=title, project_id=story.made[code].id, polarity=polarity, what_happened=what,
        recommendation=recommendation, asset_id=story.made[asset].id if asset else None), by=story.users[author])


def _move_lesson(story: Story, key: str, to: str, **extra) -> None:
    lesson = story.made[key]
    lessons.move_lesson(story.session, lesson=lesson, data=LessonMoveInput(to=to, version=lesson.version, **extra),
                 by=story.users["sepg"])


def _feedback(story: Story, who: str, rating: int, comment: str, version, code: str) -> None:
    lessons.give_feedback(story.session, asset=story.made[version[0]], data=FeedbackInput(
        rating=rating, comment=comment, asset_version_id=story.made[version].id, project_id=story.made[code].id),
        by=story.users[who])


def _audit_events(story: Story) -> None:
    users, on = story.users, story.on
    on(-90, lambda: story.made.__setitem__("audit-PAY", audits.plan_audit(story.session, data=AuditInput(
        project_id=story.made["PAY"].id, audit_date=story.date(-75), auditor_id=users["quality"].id,
        scope_notes="Standard process 2.1, plan template 3.1 and the peer review procedure 1.1."),
        by=users["sepg"])))
    on(-75, lambda: _grade_pay(story))
    on(-74, lambda: _noncompliance(story, "nc-milestones", "Milestone reviews not recorded for releases 3 and 4",
                                   -40))  # open and overdue today
    on(-74, lambda: _noncompliance(story, "nc-risks", "Risk register not updated since the kick-off", -55))
    on(-73, lambda: _move_audit(story))
    on(-58, lambda: _move_noncompliance(story, "nc-risks", "resolved", "lead", "The risk register is now reviewed "
                                        "at every fortnightly steering meeting."))
    on(-50, lambda: _move_noncompliance(story, "nc-risks", "closed", "quality"))
    on(-10, lambda: audits.plan_audit(story.session, data=AuditInput(
        project_id=story.made["DW"].id, audit_date=story.date(20), auditor_id=users["quality"].id,
        scope_notes="Peer review procedure 1.1 and the status-report tailoring."), by=users["sepg"]))


def _grade_pay(story: Story) -> None:
    """The auditor grades the versions PAY works to now; the ones they replaced are left ungraded."""
    audit, made = story.made["audit-PAY"], story.made
    results = {made[(PROCESS, "2.1")].id: AuditResultInput(result="partially",
                                                           notes="Milestone reviews missing for two releases."),
               made[(PLAN, "3.1")].id: AuditResultInput(result="compliant"),
               made[(REVIEW, "1.1")].id: AuditResultInput(result="compliant")}
    audits.record_results(story.session, audit=audit, results=results, by=story.users["quality"])


def _noncompliance(story: Story, key: str, description: str, due: int) -> None:
    story.made[key] = audits.add_noncompliance(story.session, audit=story.made["audit-PAY"], data=NoncomplianceInput(
        description=description, owner_id=story.users["lead"].id, due_date=story.date(due),
        asset_version_id=story.made[(PROCESS, "2.1")].id), by=story.users["quality"])


def _move_noncompliance(story: Story, key: str, to: str, by: str, rationale: str = "") -> None:
    item = story.made[key]
    audits.move_noncompliance(story.session, item=item, data=NoncomplianceMoveInput(
        to=to, rationale=rationale, version=item.version), by=story.users[by])


def _move_audit(story: Story) -> None:
    audit = story.made["audit-PAY"]
    audits.move_audit(story.session, audit=audit, data=AuditMoveInput(
        to="completed", summary="Largely compliant. Milestone reviews were skipped for two releases and the risk "
                                "register was stale; both are with the PAY lead.", version=audit.version),
        by=story.users["quality"])
