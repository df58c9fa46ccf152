"""Everything a project page shows about process use (SP 3.3): asset versions deployed and planned, who was
trained on them, tailorings, audits and open noncompliances, lessons. A fixed number of queries, and at most SHOWN
records a section: a project with years of records links to the whole of each list instead.

Each section reads the columns it shows as plain rows (the page links to each record, it edits none of them here):
read as records with their relations, the sections cost the page 5 ms of its 16."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.engine import Row
from sqlmodel import Session, select

from tracker.assets.models import VERSION_NAME, ProcessAsset, with_asset
from tracker.auth.models import User
from tracker.compliance.models import AuditResult, ComplianceAudit, Noncompliance
from tracker.compliance.service import OPEN_NC, audits_of
from tracker.dashboards.charts import Chart, deployment_by_project
from tracker.dashboards.service import project_progress
from tracker.db import cut, utcnow
from tracker.deployments.models import TrainingSession
from tracker.deployments.training import sessions_of
from tracker.due import overdue_clause
from tracker.lessons.models import Lesson
from tracker.projects.models import Project
from tracker.tailoring.models import TailoringRecord

SHOWN = 10  # records a section shows; the newest (tailorings, audits, lessons, trainings), the soonest due


@dataclass(frozen=True)
class Overview:
    tailorings: list[Row]  # id, element, type, status, review_by, version_name, overdue
    audits: list[Row]  # id, audit_date, status, auditor_name
    results: dict[int, list[Row]]  # an audit's results by its id: asset_title, result
    open_noncompliances: list[Row]  # id, audit_id, description, owner_name, due_date, status, overdue
    lessons: list[Row]  # id, title, status
    trainings: list[TrainingSession]  # who on the project was trained on what
    chart: Chart  # the project's own deployment status
    more: frozenset[str]  # the sections cut at SHOWN


def overview(session: Session, *, project: Project) -> Overview:
    newest, today = SHOWN + 1, utcnow().date()  # one more than shown: whether the section was cut
    sections = {
        "tailorings": session.exec(
            with_asset(select(TailoringRecord.id, TailoringRecord.element, TailoringRecord.type, TailoringRecord.status,
                              TailoringRecord.review_by, VERSION_NAME.label("version_name"),
                              overdue_clause(TailoringRecord, today).label("overdue")),
                       TailoringRecord.asset_version_id)
            .where(TailoringRecord.project_id == project.id).order_by(TailoringRecord.id.desc()).limit(newest)).all(),
        "audits": session.exec(
            select(ComplianceAudit.id, ComplianceAudit.audit_date, ComplianceAudit.status,
                   User.name.label("auditor_name")).join(User, User.id == ComplianceAudit.auditor_id)
            .where(ComplianceAudit.project_id == project.id)
            .order_by(ComplianceAudit.audit_date.desc(), ComplianceAudit.id.desc()).limit(newest)).all(),
        "open_noncompliances": session.exec(
            select(Noncompliance.id, Noncompliance.audit_id, Noncompliance.description, Noncompliance.due_date,
                   Noncompliance.status, User.name.label("owner_name"),
                   overdue_clause(Noncompliance, today).label("overdue")).join(User, User.id == Noncompliance.owner_id)
            .where(Noncompliance.audit_id.in_(audits_of(project.id)), Noncompliance.status.in_(OPEN_NC))
            .order_by(Noncompliance.due_date, Noncompliance.id).limit(newest)).all(),
        "lessons": session.exec(select(Lesson.id, Lesson.title, Lesson.status).where(Lesson.project_id == project.id)
                                .order_by(Lesson.id.desc()).limit(newest)).all(),
        "trainings": sessions_of(session, project_id=project.id, limit=newest)}
    shown = {name: cut(list(records), SHOWN) for name, records in sections.items()}
    audits = shown["audits"][0]
    results = defaultdict(list)
    if audits:
        for result in session.exec(
                with_asset(select(AuditResult.audit_id, ProcessAsset.title.label("asset_title"), AuditResult.result),
                           AuditResult.asset_version_id)
                .where(AuditResult.audit_id.in_([audit.id for audit in audits]))
                .order_by(AuditResult.audit_id, AuditResult.id)).all():
            results[result.audit_id].append(result)
    return Overview(**{name: records for name, (records, _) in shown.items()}, results=dict(results),
                    chart=deployment_by_project(project_progress(session, project=project), title="Its deployment status"),
                    more=frozenset(name for name, (_, cut_off) in shown.items() if cut_off))
