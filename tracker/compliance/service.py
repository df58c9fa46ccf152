"""Process-compliance audits (SP 3.3): scope from what the project runs and its approved tailorings,
a result per asset version, and noncompliances worked to closure."""

from dataclasses import dataclass

from sqlalchemy.orm import aliased, joinedload, selectinload
from sqlmodel import Session, select

from tracker import content
from tracker.assets.models import VERSION_NAME, AssetVersion, ProcessAsset, versions_of
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.compliance.forms import (
    AuditCorrection,
    AuditInput,
    AuditMoveInput,
    AuditResultInput,
    EvidenceInput,
    NoncomplianceInput,
    NoncomplianceMoveInput,
)
from tracker.compliance.models import (
    AuditResult,
    AuditStatus,
    Compliance,
    ComplianceAudit,
    Noncompliance,
    NoncomplianceStatus,
)
from tracker.compliance.workflow import AUDIT_TRANSITIONS, NONCOMPLIANCE_TRANSITIONS
from tracker.db import commit, flush, get_or_not_found, utcnow
from tracker.deployments.models import IN_USE, ProjectDeployment
from tracker.due import overdue_clause, owed_clause
from tracker.editing import editing
from tracker.errors import InvalidTransition, ValidationError
from tracker.evidence import service as evidence
from tracker.evidence.models import Evidence, EvidenceKind
from tracker.history.service import record_create, record_values
from tracker.listing import Column, Listing, labelled, many, one
from tracker.projects.models import Project
from tracker.sql import contains
from tracker.tailoring.models import TailoringStatus
from tracker.tailoring.service import of_project as tailorings_of
from tracker.validation import chosen_person
from tracker.workflow import make_move

OPEN_NC = [NoncomplianceStatus.OPEN, NoncomplianceStatus.IN_PROGRESS, NoncomplianceStatus.RESOLVED]
LOADED = (joinedload(ComplianceAudit.project), joinedload(ComplianceAudit.auditor),
          selectinload(ComplianceAudit.results).joinedload(AuditResult.asset_version)
          .joinedload(AssetVersion.asset),
          selectinload(ComplianceAudit.results).selectinload(AuditResult.evidence).joinedload(Evidence.added_by))


def _check_audit(session: Session, data: AuditInput) -> tuple[Project, User]:
    project = session.get(Project, data.project_id)
    if project is None:
        raise ValidationError({"project_id": "Choose a project from the list."})
    return project, chosen_person(session, data.auditor_id, field="auditor_id",
                                  message="Choose an auditor from the list.")


def plan_audit(session: Session, *, data: AuditInput, by: User) -> ComplianceAudit:
    authorize(by, "audit.edit")
    project, auditor = _check_audit(session, data)
    audit = ComplianceAudit(**data.model_dump())
    session.add(audit)
    flush(session)
    record_create(session, audit, by=by, fields={"project": project.code, "audit_date": data.audit_date,
                                                 "auditor": auditor.name, "scope_notes": data.scope_notes})
    commit(session)
    return audit


AUDIT_FIELDS = ("project_id", "audit_date", "auditor_id", "scope_notes", "summary")


def editable_audit(session: Session, *, audit_id: int, by: User) -> ComplianceAudit:
    """The audit, if this user may correct it (the process group)."""
    audit = get_audit(session, audit_id=audit_id)
    authorize(by, "audit.edit", audit)
    return audit


def update_audit(session: Session, *, audit: ComplianceAudit, data: AuditCorrection, by: User) -> ComplianceAudit:
    """Correct a logged audit, every field in the history. Its project changes only while nothing is recorded
    against it (results, noncompliances: they were found in that project); a completed audit keeps a date
    it has been held on."""
    with editing(session, audit, action="audit.edit", seen=data.version, by=by) as edit:
        _check_audit(session, data)
        errors = {}
        found = audit.results or session.exec(select(Noncompliance.id).where(Noncompliance.audit_id == audit.id)
                                               ).first()
        if data.project_id != audit.project_id and found:
            errors["project_id"] = ("Results or noncompliances are recorded for this audit of "
                                    f"{audit.project.code}: its project stays (plan an audit of the other one).")
        if audit.status == AuditStatus.COMPLETED and data.audit_date > utcnow().date():
            errors["audit_date"] = "A completed audit is dated the day it was held, which cannot be in the future."
        if errors:
            raise ValidationError(errors)
        edit.fields(data.model_dump(include=set(AUDIT_FIELDS)), shown={
            "project_id": lambda pid: session.get(Project, pid).code,
            "auditor_id": lambda uid: session.get(User, uid).name})
    return audit


@dataclass(frozen=True)
class AuditFilter:
    project_id: int | None = None
    auditor_id: int | None = None
    status: AuditStatus | None = None
    asset_id: int | None = None  # with a result for a version of this asset


AUDITOR = aliased(User)
AUDITS = Listing("compliance-audits", ComplianceAudit.id, {
    "date": Column("Date", (ComplianceAudit.audit_date,), ComplianceAudit.audit_date),
    "project": Column("Project", (Project.code,), Project.code,
                      joins=((Project, Project.id == ComplianceAudit.project_id),)),
    "auditor": Column("Auditor", (AUDITOR.name,), AUDITOR.name,
                      joins=((AUDITOR, AUDITOR.id == ComplianceAudit.auditor_id),)),
    "status": Column("Status", (ComplianceAudit.status,), ComplianceAudit.status),
    "results": Column("Results", csv=many(VERSION_NAME + ": " + labelled(AuditResult.result, Compliance),
                                          AuditResult.audit_id == ComplianceAudit.id,
                                          AssetVersion.id == AuditResult.asset_version_id,
                                          ProcessAsset.id == AssetVersion.asset_id)),
    "summary": Column("Summary", csv=ComplianceAudit.summary, shown=False),
}, default="-date", load=LOADED)


def audits_matching(where: AuditFilter):
    """The audits the filter selects (AUDITS orders and pages them). Nothing is joined here: the list joins the
    project or the auditor only to sort or export by them."""
    statement = select(ComplianceAudit)
    for column, value in ((ComplianceAudit.project_id, where.project_id), (ComplianceAudit.auditor_id,
                          where.auditor_id), (ComplianceAudit.status, where.status)):
        if value is not None:
            statement = statement.where(column == value)
    if where.asset_id is not None:
        statement = statement.where(ComplianceAudit.id.in_(
            select(AuditResult.audit_id).join(AssetVersion, AssetVersion.id == AuditResult.asset_version_id)
            .where(AssetVersion.asset_id == where.asset_id)))
    return statement


def get_audit(session: Session, *, audit_id: int) -> ComplianceAudit:
    return get_or_not_found(session, ComplianceAudit, audit_id, *LOADED, missing="No such audit.")


def scope(session: Session, *, project_id: int) -> list[AssetVersion]:
    """The asset versions the project has deployed: what an audit of it checks."""
    return list(session.exec(select(AssetVersion).join(ProjectDeployment,
                                                       ProjectDeployment.asset_version_id == AssetVersion.id)
                             .where(ProjectDeployment.project_id == project_id, ProjectDeployment.status.in_(IN_USE))
                             .options(joinedload(AssetVersion.asset)).order_by(AssetVersion.asset_id)
                             .distinct()).all())


def approved_tailorings(session: Session, *, project_id: int):
    return tailorings_of(session, project_id=project_id, status=TailoringStatus.APPROVED)


def _shown_result(result: Compliance, notes: str) -> str:
    """A result as the history shows it: "Partially: reviews late", or just "Compliant"."""
    return f"{result.label}: {notes}" if notes else result.label


def record_results(session: Session, *, audit: ComplianceAudit, results: dict[int, AuditResultInput],
                   by: User) -> ComplianceAudit:
    """Record the result per asset version in scope (forms.parse_results reads them); blank results are skipped."""
    authorize(by, "audit.edit")
    if audit.status != AuditStatus.PLANNED:
        raise InvalidTransition("The audit is completed: reopen it to change its results.")
    in_scope = {v.id: v for v in scope(session, project_id=audit.project_id)}
    existing = {r.asset_version_id: r for r in audit.results}
    errors = {}
    for version_id, row_input in results.items():
        if version_id not in in_scope:
            errors[f"result_{version_id}"] = "That version is not in the audit's scope."
            continue
        if row_input.result is None:
            continue
        compliance, notes = row_input.result, row_input.notes
        label = in_scope[version_id].name
        row = existing.get(version_id)
        old = _shown_result(row.result, row.notes) if row else None
        if row is None:
            row = AuditResult(audit_id=audit.id, asset_version_id=version_id, result=compliance, notes=notes)
            audit.results.append(row)
        row.result, row.notes = compliance, notes
        if old != _shown_result(compliance, notes):
            record_values(session, audit, by=by, changed={f"result {label}"[:60]: (old, _shown_result(compliance, notes))})
    if errors:
        session.rollback()
        raise ValidationError(errors)
    commit(session)
    return audit


def add_evidence(session: Session, *, audit: ComplianceAudit, data: EvidenceInput, name: str, data_bytes: bytes,
                 by: User, rules: content.Rules):
    """Attach evidence to one of the audit's results (what the auditor saw): a note with a link and/or a file."""
    authorize(by, "audit.edit", audit)
    result = next((r for r in audit.results if r.id == data.result_id), None)
    errors = {} if result is not None else {"result_id": "Choose one of this audit's results." if data.result_id
                                            else "This field is required."}
    try:
        upload = evidence.check_upload(name, data_bytes, data.link, rules)
    except ValidationError as refused:
        errors |= refused.errors
    if errors:
        raise ValidationError(errors)
    attached = evidence.attach(session, to=result, kind=EvidenceKind.AUDIT, note=data.note, link=data.link,
                               upload=upload, by=by, rules=rules, told=(audit, f"evidence {result.asset_version.name}"))
    commit(session)
    return attached


def move_audit(session: Session, *, audit: ComplianceAudit, data: AuditMoveInput, by: User) -> ComplianceAudit:
    def effects() -> dict[str, object]:
        if data.to == AuditStatus.COMPLETED and audit.audit_date > utcnow().date():
            raise ValidationError({"summary": f"The audit is dated {audit.audit_date}: complete it once it has been "
                                              "held (or change its date)."})
        return {"summary": data.summary} if data.summary else {}

    make_move(session, audit, table=AUDIT_TRANSITIONS, to=data.to, seen=data.version, by=by, action="audit.edit",
              rationale=data.rationale, effects=effects)
    return audit


NONCOMPLIANCE_FIELDS = ("description", "owner_id", "due_date", "asset_version_id")


def _check_noncompliance(session: Session, audit: ComplianceAudit, data: NoncomplianceInput) -> User:
    """Its owner, once the input holds: an active person, a due date not before the audit, a version that exists."""
    errors = {}
    owner = session.get(User, data.owner_id)
    if owner is None or not owner.active:
        errors["owner_id"] = "Choose an owner from the list."
    if data.due_date < audit.audit_date:
        errors["due_date"] = f"Due on or after the audit that found it ({audit.audit_date})."
    if data.asset_version_id is not None and session.get(AssetVersion, data.asset_version_id) is None:
        errors["asset_version_id"] = "Choose an asset version from the list."
    if errors:
        raise ValidationError(errors)
    return owner


def add_noncompliance(session: Session, *, audit: ComplianceAudit, data: NoncomplianceInput,
                      by: User) -> Noncompliance:
    """Record a noncompliance found by the audit, with an owner and a due date."""
    authorize(by, "audit.edit")
    owner = _check_noncompliance(session, audit, data)
    item = Noncompliance(audit_id=audit.id, **data.model_dump(include=set(NONCOMPLIANCE_FIELDS)))
    session.add(item)
    flush(session)
    record_create(session, item, by=by, fields={"audit": f"#{audit.id}", "description": data.description,
                                               "owner": owner.name, "due_date": data.due_date})
    commit(session)
    return item


NC_LOADED = (joinedload(Noncompliance.owner), joinedload(Noncompliance.audit).joinedload(ComplianceAudit.project),
             joinedload(Noncompliance.asset_version).joinedload(AssetVersion.asset))


def get_noncompliance(session: Session, *, item_id: int) -> Noncompliance:
    """The noncompliance with its owner, its audit and project, and the version it was found against."""
    return get_or_not_found(session, Noncompliance, item_id, *NC_LOADED, missing="No such noncompliance.")


def editable_noncompliance(session: Session, *, item_id: int, by: User) -> Noncompliance:
    """The noncompliance, if this user may correct what the audit recorded: the process group (its owner works it
    through its status, and cannot move its own due date)."""
    item = get_noncompliance(session, item_id=item_id)
    authorize(by, "audit.edit", item)
    return item


def update_noncompliance(session: Session, *, item: Noncompliance, data: NoncomplianceInput,
                         by: User) -> Noncompliance:
    """Correct a recorded noncompliance (its status and resolution stay), every field in the history."""
    with editing(session, item, action="audit.edit", seen=data.version, by=by) as edit:
        _check_noncompliance(session, item.audit, data)
        edit.fields(data.model_dump(include=set(NONCOMPLIANCE_FIELDS)), shown={
            "owner_id": lambda uid: session.get(User, uid).name,
            "asset_version_id": lambda vid: session.get(AssetVersion, vid).name})
    return item


def updatable_noncompliance(session: Session, *, item_id: int, by: User) -> Noncompliance:
    """The noncompliance, if this user may work it through its status: the process group any, others their own."""
    item = get_noncompliance(session, item_id=item_id)
    authorize(by, "noncompliance.update", item)
    return item


def move_noncompliance(session: Session, *, item: Noncompliance, data: NoncomplianceMoveInput,
                       by: User) -> Noncompliance:
    """Its owner (or the process group) works it to resolution; the process group closes it."""
    # Resolving records the resolution; reopening drops it (it no longer holds; the history keeps it).
    resolution = {NoncomplianceStatus.RESOLVED: {"resolution": data.rationale}, NoncomplianceStatus.OPEN: {"resolution": ""}}.get(data.to, {})
    make_move(session, item, table=NONCOMPLIANCE_TRANSITIONS, to=data.to, seen=data.version, by=by,
              action="noncompliance.update", rationale=data.rationale, effects=lambda: resolution)
    return item


def audits_of(project_id: int):
    """SQL: the ids of a project's audits (a noncompliance reaches its project through its audit)."""
    return select(ComplianceAudit.id).where(ComplianceAudit.project_id == project_id)


def noncompliances(session: Session, *, audit_id: int) -> list[Noncompliance]:
    """An audit's noncompliances, soonest due first (a project's open ones: projects/overview.py)."""
    return list(session.exec(select(Noncompliance).where(Noncompliance.audit_id == audit_id).options(
        joinedload(Noncompliance.owner), joinedload(Noncompliance.audit),
        joinedload(Noncompliance.asset_version).joinedload(AssetVersion.asset))
        .order_by(Noncompliance.due_date, Noncompliance.id)).all())


@dataclass(frozen=True)
class NoncomplianceFilter:
    q: str = ""  # in the description
    owner_id: int | None = None
    status: NoncomplianceStatus | None = None
    open_only: bool = False  # open or in progress: the work is still owed
    overdue_only: bool = False
    project_id: int | None = None  # the audited project's
    asset_id: int | None = None  # found against a version of this asset
    audit_id: int | None = None


TO_AUDIT = ((ComplianceAudit, ComplianceAudit.id == Noncompliance.audit_id),
            (Project, Project.id == ComplianceAudit.project_id))
NONCOMPLIANCES = Listing("noncompliances", Noncompliance.id, {
    "description": Column("Noncompliance", (Noncompliance.description,), Noncompliance.description),
    "version": Column("Against", csv=one(VERSION_NAME,
                                          AssetVersion.id == Noncompliance.asset_version_id,
                                          ProcessAsset.id == AssetVersion.asset_id), shown=False),
    "audit": Column("Audit", (Project.code, ComplianceAudit.audit_date), Project.code, joins=TO_AUDIT),
    "audited_on": Column("Audited on", csv=ComplianceAudit.audit_date, shown=False, joins=TO_AUDIT[:1]),
    "owner": Column("Owner", (User.name,), User.name, joins=((User, User.id == Noncompliance.owner_id),)),
    "due": Column("Due", (Noncompliance.due_date,), Noncompliance.due_date),
    "status": Column("Status", (Noncompliance.status,), Noncompliance.status),
}, default="due", load=NC_LOADED)


def noncompliances_matching(where: NoncomplianceFilter):
    """Noncompliances across audits that the filter selects (NONCOMPLIANCES orders and pages them). Nothing is
    joined here: the list joins what its order or its CSV needs, and loads the rest (on PostgreSQL, the joins
    written here as well as loaded made nine tables to order, 14 ms of planning on every page)."""
    statement = select(Noncompliance)
    if where.q:
        statement = statement.where(contains(where.q, Noncompliance.description))
    for column, value in ((Noncompliance.owner_id, where.owner_id), (Noncompliance.status, where.status),
                          (Noncompliance.audit_id, where.audit_id)):
        if value is not None:
            statement = statement.where(column == value)
    if where.project_id is not None:
        statement = statement.where(Noncompliance.audit_id.in_(audits_of(where.project_id)))
    if where.asset_id is not None:
        statement = statement.where(Noncompliance.asset_version_id.in_(versions_of(where.asset_id)))
    if where.open_only:
        statement = statement.where(owed_clause(Noncompliance))
    if where.overdue_only:
        statement = statement.where(overdue_clause(Noncompliance, utcnow().date()))
    return statement
