"""Everything a project page shows about process use (SP 3.3): asset versions deployed and planned, who was
trained on them, tailorings, audits and open noncompliances, lessons. A fixed number of queries, and at most SHOWN
records a section: a project with years of records links to the whole of each list instead."""

from dataclasses import dataclass

from sqlmodel import Session, select

from tracker.compliance.models import ComplianceAudit, Noncompliance
from tracker.compliance.service import list_audits, noncompliances
from tracker.dashboards.charts import Chart, deployment_by_project
from tracker.dashboards.service import DashboardFilter, deployment_progress
from tracker.db import cut
from tracker.deployments.models import TrainingSession
from tracker.deployments.training import sessions_of
from tracker.lessons.models import Lesson
from tracker.projects.models import Project
from tracker.tailoring.models import TailoringRecord
from tracker.tailoring.service import of_project as tailorings_of

SHOWN = 10  # records a section shows; the newest (tailorings, audits, lessons, trainings), the soonest due


@dataclass(frozen=True)
class Overview:
    tailorings: list[TailoringRecord]
    audits: list[ComplianceAudit]
    open_noncompliances: list[Noncompliance]
    lessons: list[Lesson]
    trainings: list[TrainingSession]  # who on the project was trained on what
    chart: Chart  # the project's own deployment status
    more: frozenset[str]  # the sections cut at SHOWN


def overview(session: Session, *, project: Project) -> Overview:
    sections = {
        "tailorings": tailorings_of(session, project_id=project.id, limit=SHOWN + 1),
        "audits": list_audits(session, page=1, size=SHOWN + 1, project_id=project.id).items,
        "open_noncompliances": noncompliances(session, project_id=project.id, open_only=True, limit=SHOWN + 1),
        "lessons": list(session.exec(select(Lesson).where(Lesson.project_id == project.id)
                                     .order_by(Lesson.id.desc()).limit(SHOWN + 1)).all()),
        "trainings": sessions_of(session, project_id=project.id, limit=SHOWN + 1)}
    shown = {name: cut(records, SHOWN) for name, records in sections.items()}
    return Overview(**{name: records for name, (records, _) in shown.items()},
                    chart=deployment_by_project(deployment_progress(session, where=DashboardFilter(project_id=project.id)),
                                                title="Its deployment status"),
                    more=frozenset(name for name, (_, cut_off) in shown.items() if cut_off))
