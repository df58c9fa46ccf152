"""Removing a record logged by mistake: the process group only, confirmed first on a page that says what goes with
it, refused while other records depend on it (they would lose what they refer to); what it said stays in the
history. One registry of what can be removed, one page, one write."""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Blueprint, flash, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload, object_session
from sqlmodel import Session, SQLModel, func, select

from tracker import content
from tracker.action_plans.models import ActionPlan, Commitment, CommitmentDependency, JointReview, PlanIssue
from tracker.assets.models import AssetVersion
from tracker.auth.policy import authorize, requires
from tracker.compliance.models import AuditResult, ComplianceAudit, Noncompliance
from tracker.db import commit, flush, get_or_not_found, get_session
from tracker.deployments.models import Deployment, ProjectDeployment, TrainingSession
from tracker.deployments.service import NOT_STARTED
from tracker.deployments.status import lock_projects, mark_current
from tracker.errors import Conflict, InvalidTransition, NotFound
from tracker.evidence.models import Evidence
from tracker.history.service import record_delete, record_values
from tracker.lessons.models import Lesson
from tracker.projects.models import Project
from tracker.proposals.models import Proposal, ProposalEvidence
from tracker.reminders.notify import close, subject_of
from tracker.reviews.models import ReviewMeeting
from tracker.tailoring.models import TailoringRecord
from tracker.validation import digits
from tracker.web import go_to, page_or_fragment


@dataclass(frozen=True)
class Removable:
    """How one kind of record is removed."""
    model: type[SQLModel]
    name: str  # what the confirmation calls it: "commitment"
    title: Callable[[SQLModel], str]  # which one
    back: Callable[[SQLModel], str]  # where to go once it is gone (its parent's page, or the list)
    blockers: Callable[[Session, SQLModel], list[str]] = lambda session, record: []  # what depends on it
    parts: Callable[[Session, SQLModel], list[SQLModel]] = lambda session, record: []  # removed with it
    after: Callable[[Session, list[SQLModel]], None] = lambda session, parts: None  # what follows, given the parts
    part_label: Callable[[SQLModel], str] = str
    # the records whose pages keep a line about the removal in their history (a plan, a review, an audit, the
    # projects a deployment's rows were for), given the record and its parts
    parents: Callable[[Session, SQLModel, list[SQLModel]], list[SQLModel]] = lambda session, record, parts: []
    lock: Callable[[Session, SQLModel], None] = lambda session, record: None  # before its checks, when removing
    gone: Callable[[Session, SQLModel], None] = lambda session, record: None  # once it is deleted (and flushed)

    def refusals(self, session: Session, record: SQLModel) -> list[str]:
        """Why it cannot go: what depends on it (a proposal raised from any kind of record, too)."""
        return _raised_from(session, record) + self.blockers(session, record)


def _count(session: Session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def _raised_from(session: Session, record: SQLModel) -> list[str]:
    """Proposals raised from the record (a lesson converted, a pattern of tailoring): they cite it as their source."""
    ids = session.exec(select(Proposal.id).where(Proposal.source_entity == record.__tablename__,
                                                 Proposal.source_id == record.id)).all()
    attached = session.exec(select(ProposalEvidence.proposal_id).where(
        ProposalEvidence.entity == record.__tablename__, ProposalEvidence.entity_id == record.id)).all()
    return ([f"Proposal #{proposal_id} was raised from it." for proposal_id in ids]
            + [f"It is behind proposal #{proposal_id}." for proposal_id in attached])


def _lessons_from(field: str) -> Callable[[Session, SQLModel], list[str]]:
    """Lessons that name the record as what they were learned from (`field` of Lesson)."""
    def blockers(session: Session, record: SQLModel) -> list[str]:
        titles = session.exec(select(Lesson.title).where(getattr(Lesson, field) == record.id)).all()
        return [f"Lessons were learned from it: {', '.join(f'«{t}»' for t in titles)}."] if titles else []
    return blockers


def _training_of(session: Session, deployment: Deployment) -> list[str]:
    """Training sessions and material recorded for a deployment, and evidence on its rows: removed first, one by
    one, so none of it goes unseen."""
    sessions = _count(session, TrainingSession, TrainingSession.deployment_id == deployment.id)
    attached = _count(session, Evidence, sa.or_(Evidence.deployment_id == deployment.id, Evidence.row_id.in_(
        select(ProjectDeployment.id).where(ProjectDeployment.deployment_id == deployment.id))))
    return ([f"{sessions} training session{'s' if sessions != 1 else ''} recorded for it: remove them first."]
            if sessions else []) + (
        [f"{attached} piece{'s' if attached != 1 else ''} of material or evidence attached: remove them first."]
        if attached else [])


def _audit_evidence(session: Session, audit: ComplianceAudit) -> list[str]:
    attached = _count(session, Evidence, Evidence.audit_result_id.in_(
        select(AuditResult.id).where(AuditResult.audit_id == audit.id)))
    return [f"{attached} piece{'s' if attached != 1 else ''} of evidence attached to its results: remove them "
            "first."] if attached else []


def _evidence_home(evidence: Evidence) -> tuple[SQLModel, str]:
    """The record whose page shows the evidence (a row's: its deployment; a result's: its audit), and that page."""
    session = object_session(evidence)
    if evidence.audit_result_id is not None:
        audit = session.get(ComplianceAudit, session.get(AuditResult, evidence.audit_result_id).audit_id)
        return audit, url_for("compliance.detail", audit_id=audit.id, _anchor="results")
    deployment_id = evidence.deployment_id or session.get(ProjectDeployment, evidence.row_id).deployment_id
    return session.get(Deployment, deployment_id), url_for("deployments.detail", deployment_id=deployment_id,
                                                           _anchor="training")


def _followups(session: Session, review: JointReview) -> list[str]:
    named = session.exec(select(Commitment.description).where(Commitment.joint_review_id == review.id)).all()
    return [f"Its follow-up commitments would lose the review they came from: {', '.join(f'«{d}»' for d in named)}."
            ] if named else []


def _started_rows(session: Session, deployment: Deployment) -> list[str]:
    codes = session.exec(select(Project.code).join(ProjectDeployment, ProjectDeployment.project_id == Project.id)
                         .where(ProjectDeployment.deployment_id == deployment.id,
                                ProjectDeployment.status.not_in(NOT_STARTED)).distinct().order_by(Project.code)).all()
    return [f"Work on it has started in {', '.join(codes)}: their status rows are the record of that work."] if codes \
        else []


def _lock_projects_of(session: Session, deployment: Deployment) -> None:
    """Its rows' projects locked before anything is read or removed (as every writer of status rows does)."""
    lock_projects(session, project_ids=session.exec(select(ProjectDeployment.project_id).where(
        ProjectDeployment.deployment_id == deployment.id)).all())


def _rows(session: Session, deployment: Deployment) -> list[ProjectDeployment]:
    """Its status rows, with what the confirmation names them by (project, version) loaded."""
    return list(session.exec(select(ProjectDeployment).where(ProjectDeployment.deployment_id == deployment.id)
                             .options(joinedload(ProjectDeployment.project),
                                      joinedload(ProjectDeployment.asset_version).joinedload(AssetVersion.asset))
                             ).all())


def _waited_for(session: Session, commitment: Commitment) -> list[str]:
    named = session.exec(select(Commitment.description).join(
        CommitmentDependency, CommitmentDependency.commitment_id == Commitment.id)
        .where(CommitmentDependency.depends_on_id == commitment.id)).all()
    return [f"Other commitments wait for it: {', '.join(f'«{d}»' for d in named)}."] if named else []


def _recount_projects(session: Session, rows: list[ProjectDeployment]) -> None:
    """The deployment's rows are gone: an older row of each asset counts again, and the tallies follow."""
    mark_current(session, project_ids=sorted({row.project_id for row in rows}))


def _findings(session: Session, audit: ComplianceAudit) -> list[str]:
    n = _count(session, Noncompliance, Noncompliance.audit_id == audit.id)
    return [f"{n} noncompliance{'s' if n != 1 else ''} found by it {'are' if n != 1 else 'is'} tracked: "
            "remove them first if they too were logged by mistake."] if n else []


def _results(session: Session, audit: ComplianceAudit) -> list[AuditResult]:
    return list(session.exec(select(AuditResult).where(AuditResult.audit_id == audit.id).options(
        joinedload(AuditResult.asset_version).joinedload(AssetVersion.asset))).all())


def _plan_or_review(commitment: Commitment) -> str:
    if commitment.meeting_id is not None:
        return url_for("reviews.detail", meeting_id=commitment.meeting_id, _anchor="action-items")
    return url_for("plans.detail", plan_id=commitment.plan_id, _anchor="commitments-title")


def _plan_of(session: Session, record, parts=()) -> list[SQLModel]:
    return [session.get(ActionPlan, record.plan_id)] if record.plan_id is not None else []


def _project_of(session: Session, record, parts=()) -> list[SQLModel]:
    return [session.get(Project, record.project_id)] if record.project_id is not None else []


def _plan_and_review(session: Session, commitment: Commitment, parts=()) -> list[SQLModel]:
    """A commitment's plan, and the steering review that gave it (its minutes may refer to it)."""
    review = [session.get(ReviewMeeting, commitment.meeting_id)] if commitment.meeting_id is not None else []
    return _plan_of(session, commitment) + review


def _plan_and_projects(session: Session, deployment: Deployment, rows: list[ProjectDeployment]) -> list[SQLModel]:
    """A deployment's plan, and the projects its rows were for."""
    projects = {row.project_id: row.project for row in rows}
    return _plan_of(session, deployment) + [projects[key] for key in sorted(projects)]


REMOVABLE: dict[str, Removable] = {
    "commitment": Removable(Commitment, "commitment", lambda c: c.description, _plan_or_review,
                            blockers=_waited_for, parents=_plan_and_review),
    "issue": Removable(PlanIssue, "plan issue", lambda i: i.title,
                       lambda i: url_for("plans.detail", plan_id=i.plan_id, _anchor="issues-title"), parents=_plan_of),
    "joint-review": Removable(JointReview, "joint review", lambda r: f"held on {r.held_on}",
                              lambda r: url_for("plans.detail", plan_id=r.plan_id, _anchor="joint-title"),
                              blockers=_followups, parents=_plan_of),
    "deployment": Removable(Deployment, "deployment", lambda d: d.title, lambda d: url_for("deployments.index"),
                            blockers=lambda session, d: _started_rows(session, d) + _lessons_from("deployment_id")(
                                session, d) + _training_of(session, d), parts=_rows, after=_recount_projects,
                            part_label=lambda row: f"the status row of {row.project.code} for "
                                                   f"{row.asset_version.name} (not started)",
                            parents=_plan_and_projects, lock=_lock_projects_of),
    "audit": Removable(ComplianceAudit, "compliance audit",
                       lambda a: f"of {a.project.code} on {a.audit_date}", lambda a: url_for("compliance.index"),
                       blockers=lambda session, a: _findings(session, a) + _lessons_from("audit_id")(session, a)
                       + _audit_evidence(session, a),
                       parts=_results,
                       part_label=lambda result: f"its result for {result.asset_version.name}", parents=_project_of),
    "noncompliance": Removable(Noncompliance, "noncompliance", lambda n: n.description,
                               lambda n: url_for("compliance.detail", audit_id=n.audit_id, _anchor="noncompliances"),
                               parents=lambda session, n, parts: [session.get(ComplianceAudit, n.audit_id)]),
    "tailoring": Removable(TailoringRecord, "tailoring record", lambda t: f"{t.element} ({t.project.code})",
                           lambda t: url_for("tailoring.index"), parents=_project_of),
    "lesson": Removable(Lesson, "lesson", lambda lesson: lesson.title, lambda lesson: url_for("lessons.index"),
                        parents=_project_of),
    "training": Removable(TrainingSession, "training session", lambda t: f"held on {t.held_on}",
                          lambda t: url_for("deployments.detail", deployment_id=t.deployment_id, _anchor="training"),
                          parents=lambda session, t, parts: [session.get(Deployment, t.deployment_id)]),
    "evidence": Removable(Evidence, "evidence", lambda e: e.title, lambda e: _evidence_home(e)[1],
                          parents=lambda session, e, parts: [_evidence_home(e)[0]],
                          gone=lambda session, e: content.forget(session, e.file_sha256)),
}


def snapshot(record: SQLModel) -> dict[str, object]:
    """What the record said, for the history of its removal: every column but its id and bookkeeping."""
    return {column.name: getattr(record, column.name) for column in record.__table__.columns
            if column.name not in ("id", "version", "created_at", "updated_at")}


def removable(session: Session, kind: str, record_id: int, *, by) -> tuple[Removable, SQLModel]:
    """The kind and the record, if this user may remove records (unknown kinds and ids are not found)."""
    authorize(by, "record.remove")
    how = REMOVABLE.get(kind)
    if how is None:
        raise NotFound("Nothing of that kind is removed here.")
    return how, get_or_not_found(session, how.model, record_id, missing=f"No such {how.name}.")


def remove(session: Session, how: Removable, record: SQLModel, *, seen: int | None, by) -> str:
    """Remove the record and its parts, each in the history, after the same checks the page made (someone may
    have changed it or made something depend on it since): returns where to go next."""
    authorize(by, "record.remove", record)
    if seen != getattr(record, "version", None):  # the page showed another state of it
        raise Conflict("Someone changed it since the page was shown: check what it says now before removing it.",
                       current=record)
    how.lock(session, record)
    blockers = how.refusals(session, record)
    if blockers:
        raise InvalidTransition(" ".join(blockers))
    back = how.back(record)
    parts = how.parts(session, record)
    parents = how.parents(session, record, parts)
    for part in parts:
        record_delete(session, part, by=by, fields=snapshot(part))
        session.delete(part)
    record_delete(session, record, by=by, fields=snapshot(record))
    for parent in parents:  # their pages say it went (its own page is gone)
        record_values(session, parent, by=by, changed={f"{how.name} removed"[:60]: (how.title(record), None)})
    close(session, subject=subject_of(record))  # its reminders have nothing left to remind of
    session.delete(record)
    flush(session)
    how.after(session, parts)
    how.gone(session, record)
    commit(session)
    return back


bp = Blueprint("removal", __name__)


@bp.route("/remove/<kind>/<int:record_id>", methods=["GET", "POST"])
@requires("record.remove")
def confirm(kind: str, record_id: int):
    """GET: what would go, and whether it can; POST: remove it (the confirmation's button)."""
    session = get_session()
    how, record = removable(session, kind, record_id, by=current_user)
    if request.method == "POST":
        seen = request.form.get("version", "")
        title = how.title(record)
        try:
            back = remove(session, how, record, seen=int(seen) if digits(seen) else None, by=current_user)
            flash(f"Removed the {how.name} «{title}».")
            return go_to(back)
        except (Conflict, InvalidTransition) as refused:
            session.rollback()
            how, record = removable(session, kind, record_id, by=current_user)  # NotFound: removed meanwhile
            return _page(session, how, kind, record, refused=refused.message, status=409)
    return _page(session, how, kind, record)


def _page(session: Session, how: Removable, kind: str, record: SQLModel, *, refused: str = "", status: int = 200):
    return page_or_fragment("removal/confirm.html", "removal/confirm.html", http_status=status, how=how, kind=kind,
                            record=record, blockers=how.refusals(session, record),
                            parts=[how.part_label(part) for part in how.parts(session, record)],
                            back=how.back(record), refused=refused)

