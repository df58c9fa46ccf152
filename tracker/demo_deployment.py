"""Demo content for deployment and experience: the standard set, deployments with their status rows,
drift, tailoring (with a pattern), an audit with a noncompliance, lessons and feedback."""

from datetime import date

from sqlmodel import Session, select
from werkzeug.datastructures import MultiDict

from tracker.assets.models import AssetVersion, ProcessAsset
from tracker.audits import service as audits
from tracker.audits.forms import AuditInput, AuditMoveInput, NoncomplianceInput
from tracker.auth.models import User
from tracker.deployments import service as deployments
from tracker.deployments import standard_set
from tracker.deployments.forms import DeploymentInput, RowMoveInput, StandardSetInput
from tracker.deployments.models import ProjectDeployment
from tracker.lessons import service as lessons
from tracker.lessons.forms import FeedbackInput, LessonInput
from tracker.projects.models import Project
from tracker.tailoring import service as tailoring
from tracker.tailoring.forms import TailoringInput, TailoringReviewInput
from tracker.validation import parse

STANDARD_SET = [
    ("Organizational standard software process", [], "Every project tailors from it; record tailoring before "
     "the planning review."),
    ("Project plan template", ["initiation", "planning", "execution"], "Use from the start of planning."),
    ("Peer review procedure", ["execution", "transition"], "Start with the design reviews."),
    ("Estimation guideline", ["initiation", "planning"], "Estimate with the measurement repository."),
]


def load_deployment(session: Session) -> None:
    users = {u.email.split("@")[0]: u for u in session.exec(select(User)).all()}
    projects = {p.code: p for p in session.exec(select(Project)).all()}
    versions = {(v.asset.title, v.label): v for v in session.exec(select(AssetVersion)).all()}
    sepg = users["sepg"]
    for title, phases, guidance in STANDARD_SET:
        asset = session.exec(select(ProcessAsset).where(ProcessAsset.title == title)).one()
        standard_set.set_entry(session, data=StandardSetInput(asset_id=asset.id, phases=phases, guidance=guidance),
                               by=sepg)
    process = "Organizational standard software process"
    old = _deploy(session, sepg, "Standard process 2.0 roll-out", [versions[(process, "2.0")]],
                  [projects[c] for c in ("HR", "OPS", "DW")], "2025-12-01")
    for row in deployments.rows_of(session, deployment_id=old.id):
        _walk(session, row, ["in_progress", "deployed"] + (["verified"] if row.project.code != "DW" else []), sepg)
    new = _deploy(session, sepg, "Standard process 2.1 for new work", [versions[(process, "2.1")],
                  versions[("Project plan template", "3.1")]], [projects[c] for c in ("PAY", "CRM")], "2026-07-01")
    steps = {"PAY": ["in_progress", "deployed", "verified"], "CRM": ["in_progress"]}
    for row in deployments.rows_of(session, deployment_id=new.id):
        _walk(session, row, steps[row.project.code][:2 if "template" in row.asset_version.asset.title else 3],
              users["lead"] if row.project.code == "CRM" else sepg)
    standard_set.apply_to_project(session, project=projects["MOB"], by=sepg)
    _tailor(session, users, projects, versions)
    _audit(session, users, projects)
    _experience(session, users, projects, versions)


def _deploy(session, by, title, versions, projects, target):
    form = MultiDict({"title": title, "target_date": target, "training_required": "y",
                      "training_material": "Intranet: process training, module 2",
                      "approach": "Kick-off with each project lead, then coaching by the process group."})
    form.setlist("version_ids", [str(v.id) for v in versions])
    form.setlist("project_ids", [str(p.id) for p in projects])
    return deployments.create_deployment(session, data=parse(DeploymentInput, form), by=by)


def _walk(session, row: ProjectDeployment, steps: list[str], by: User) -> None:
    for to in steps:
        deployments.move_row(session, row=row, data=RowMoveInput(to=to, version=row.version), by=by)


def _tailor(session, users, projects, versions):
    review = versions[("Peer review procedure", "1.0")]
    for code, lead in (("PAY", "lead"), ("DW", "lead2"), ("HR", "lead2")):
        record = tailoring.log(session, data=TailoringInput(
            project_id=projects[code].id, asset_version_id=review.id, element="Design review",
            type="omit", rationale="Design is bought in; the supplier reviews it.", tailored_on="2026-04-10",
            review_by="2026-12-31"), by=users[lead])
        if code != "HR":
            tailoring.review(session, record=record, data=TailoringReviewInput(to="approved", version=1),
                             by=users["sepg"])
    tailoring.log(session, data=TailoringInput(
        project_id=projects["CRM"].id, asset_version_id=versions[("Project plan template", "3.1")].id,
        element="Risk section", type="modify", rationale="Risks tracked in the portfolio tool.",
        tailored_on="2026-06-15"), by=users["lead"])


def _audit(session, users, projects):
    audit = audits.plan_audit(session, data=AuditInput(project_id=projects["PAY"].id, audit_date="2026-09-15",
                              auditor_id=users["quality"].id, scope_notes="Standard process and plan template."),
                              by=users["sepg"])
    scope = audits.scope(session, project_id=projects["PAY"].id)
    audits.record_results(session, audit=audit, results={v.id: ("compliant" if i else "partially", "")
                                                          for i, v in enumerate(scope)}, by=users["sepg"])
    audits.add_noncompliance(session, audit=audit, data=NoncomplianceInput(
        description="Milestone reviews not recorded for two releases", owner_id=users["lead"].id,
        due_date=date(2026, 10, 31)), by=users["sepg"])
    audits.move_audit(session, audit=audit, data=AuditMoveInput(to="completed", summary="Largely compliant.",
                      version=audit.version), by=users["sepg"])


def _experience(session, users, projects, versions):
    review = session.exec(select(ProcessAsset).where(ProcessAsset.title == "Peer review procedure")).one()
    for title, who, project, polarity, what, recommend in (
        ("Checklists halve review rework", "lead2", "DW", "positive", "Using a checklist in design reviews "
         "found twice the defects.", "Make checklists part of the peer review procedure."),
        ("Estimates ignored historical data", "lead", "PAY", "negative", "Release 3 slipped 6 weeks.",
         "Require the estimation guideline for every release plan."),
        ("Incident reviews too late", "member", "OPS", "negative", "Post-mortems happened weeks after the outage.",
         "Hold the review within 3 working days."),
    ):
        lessons.log(session, data=LessonInput(title=title, project_id=projects[project].id, polarity=polarity,
                    what_happened=what, recommendation=recommend,
                    asset_id=review.id if "review" in title.lower() else None), by=users[who])
    lessons.give_feedback(session, asset=review, data=FeedbackInput(rating=4, comment="Clear, but long.",
                          asset_version_id=versions[("Peer review procedure", "1.0")].id,
                          project_id=projects["PAY"].id), by=users["lead"])
    lessons.give_feedback(session, asset=review, data=FeedbackInput(rating=3, comment="Needs design checklists."),
                          by=users["lead2"])
