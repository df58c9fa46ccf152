"""Tailoring records: logged by project leads for their own projects, reviewed by the process group;
and tailoring patterns, the elements several projects tailor out, turned into proposals in one click."""

from dataclasses import dataclass

from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, func, select

from tracker.assets.models import VERSION_NAME, AssetVersion, ProcessAsset, VersionStatus, versions_of
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.auth.roles import Role
from tracker.db import commit, created_one, flush, get_or_not_found, insert_all, utcnow
from tracker.editing import editing
from tracker.errors import Conflict, ManyInvalid, NotFound, ValidationError
from tracker.history.service import apply_changes, bump_version, record_create, record_create_many
from tracker.listing import Column, Listing
from tracker.projects.models import Project, led_by
from tracker.proposals.models import Proposal, ProposalSource, SourceEntity
from tracker.proposals.priority import current_weights, score
from tracker.sql import contains
from tracker.tailoring.forms import TailoringCorrection, TailoringInput, TailoringReviewInput, ThresholdInput
from tracker.tailoring.models import TailoringRecord, TailoringSettings, TailoringStatus, TailoringType
from tracker.tailoring.workflow import TAILORING_TRANSITIONS
from tracker.workflow import make_move

LOADED = (joinedload(TailoringRecord.project).selectinload(Project.leads),
          joinedload(TailoringRecord.asset_version).joinedload(AssetVersion.asset),
          joinedload(TailoringRecord.requester), joinedload(TailoringRecord.reviewer))


def _released(session: Session, version_id: int, *, was: int | None = None) -> AssetVersion:
    """The version tailored: a released one (or the one the record already names, released then)."""
    version = session.get(AssetVersion, version_id)
    if version is None or (version.status != VersionStatus.RELEASED and version.id != was):
        raise ValidationError({"asset_version_id": "Choose a released asset version."})
    return version


def log(session: Session, *, data: TailoringInput, by: User) -> TailoringRecord:
    """Record how a project tailors an asset version; a lead only for the projects they lead."""
    return created_one(session, TailoringRecord, lambda: log_all(session, items=[data], by=by))


def log_all(session: Session, *, items: list[TailoringInput], by: User) -> list[int]:
    """Record tailoring: a form's one, or an import's thousands in a few statements (a lead only for the projects
    they lead). Every one is checked before any is written (ManyInvalid: each refused one's errors, by position)."""
    projects = {project.id: project for project in session.exec(select(Project).where(Project.id.in_(
        {item.project_id for item in items})).options(selectinload(Project.leads))).all()}
    errors: dict[int, dict[str, str]] = {}
    rows, history = [], []
    for n, item in enumerate(items):
        project = projects.get(item.project_id)
        if project is None:
            errors[n] = {"project_id": "Choose one of your projects."}
            continue
        authorize(by, "tailoring.log", project)
        try:
            version = _released(session, item.asset_version_id)  # (read once: the session keeps it)
        except ValidationError as error:
            errors[n] = error.errors
            continue
        rows.append(item.model_dump(exclude={"version"}) | {"requester_id": by.id})  # (an API body has one)
        history.append(item.model_dump(exclude={"project_id", "asset_version_id"}) | {
            "project": project.code, "asset_version": version.name})
    if errors:
        raise ManyInvalid(errors)
    ids = insert_all(session, TailoringRecord, rows)
    record_create_many(session, entity=TailoringRecord.__tablename__, created=list(zip(ids, history, strict=True)), by=by)
    commit(session)
    return ids


@dataclass(frozen=True)
class TailoringFilter:
    q: str = ""  # in the element tailored
    status: TailoringStatus | None = None
    type: TailoringType | None = None
    asset_id: int | None = None
    project_id: int | None = None
    lead_id: int | None = None  # a lead's list: their projects only


TO_PROJECT = ((Project, Project.id == TailoringRecord.project_id),)
TO_ASSET = ((AssetVersion, AssetVersion.id == TailoringRecord.asset_version_id),
            (ProcessAsset, ProcessAsset.id == AssetVersion.asset_id))
LISTING = Listing("tailoring-records", TailoringRecord.id, {
    "project": Column("Project", (Project.code,), Project.code, joins=TO_PROJECT),
    "version": Column("Asset version", (ProcessAsset.title, AssetVersion.id), VERSION_NAME,
                      joins=TO_ASSET),
    "element": Column("Element", (TailoringRecord.element,), TailoringRecord.element),
    "type": Column("Type", (TailoringRecord.type,), TailoringRecord.type),
    "rationale": Column("Rationale", csv=TailoringRecord.rationale, shown=False),
    "status": Column("Status", (TailoringRecord.status,), TailoringRecord.status),
    "logged": Column("Logged", (TailoringRecord.tailored_on,), TailoringRecord.tailored_on),
    "review_by": Column("Review by", (TailoringRecord.review_by,), TailoringRecord.review_by),
    "comment": Column("Review comment", csv=TailoringRecord.review_comment, shown=False),
}, default="-logged", load=LOADED)


def records_matching(where: TailoringFilter):
    """The tailoring records the filter selects (LISTING orders and pages them)."""
    statement = select(TailoringRecord)  # the project and asset are joined to sort or export by them (LISTING)
    if where.q:
        statement = statement.where(contains(where.q, TailoringRecord.element))
    if where.type:
        statement = statement.where(TailoringRecord.type == where.type)
    if where.asset_id is not None:
        statement = statement.where(TailoringRecord.asset_version_id.in_(versions_of(where.asset_id)))
    if where.status:
        statement = statement.where(TailoringRecord.status == where.status)
    if where.project_id is not None:
        statement = statement.where(TailoringRecord.project_id == where.project_id)
    if where.lead_id:
        statement = statement.where(TailoringRecord.project_id.in_(led_by(where.lead_id)))
    return statement


def of_project(session: Session, *, project_id: int, status: TailoringStatus | None = None) -> list[TailoringRecord]:
    """The project's records, oldest first (its page's newest: projects/overview.py)."""
    statement = select(TailoringRecord).where(TailoringRecord.project_id == project_id).options(*LOADED)
    if status:
        statement = statement.where(TailoringRecord.status == status)
    return list(session.exec(statement.order_by(TailoringRecord.id)).all())


def get_tailoring(session: Session, *, record_id: int) -> TailoringRecord:
    return get_or_not_found(session, TailoringRecord, record_id, *LOADED, missing="No such tailoring record.")


FIELDS = ("asset_version_id", "element", "type", "rationale", "tailored_on", "review_by")
REVIEWED = ("asset_version", "element", "type", "rationale")  # what the review judged (as the history names it)


def editable_tailoring(session: Session, *, record_id: int, by: User) -> TailoringRecord:
    """The record, if this user may correct it: the process group any, a lead their projects' records."""
    record = get_tailoring(session, record_id=record_id)
    authorize(by, "tailoring.edit", record)
    return record


def update_tailoring(session: Session, *, record: TailoringRecord, data: TailoringCorrection,
                     by: User) -> TailoringRecord:
    """Correct a logged record, every field in the history. A record already reviewed whose tailoring itself
    changes (version, element, type, rationale) goes back to the process group for review: its approval was of
    what it said before."""
    with editing(session, record, action="tailoring.edit", seen=data.version, by=by) as edit:
        _released(session, data.asset_version_id, was=record.asset_version_id)
        edit.fields(data.model_dump(include=set(FIELDS)),
                    shown={"asset_version_id": lambda vid: session.get(AssetVersion, vid).name})
        if record.status != TailoringStatus.REQUESTED and any(name in edit.changed for name in REVIEWED):
            edit.fields({"status": TailoringStatus.REQUESTED, "reviewer_id": None, "review_comment": "",
                         "reviewed_on": None}, shown={"reviewer_id": lambda uid: session.get(User, uid).name})
    return record


def move_tailoring(session: Session, *, record: TailoringRecord, data: TailoringReviewInput, by: User) -> TailoringRecord:
    """The process group approves or rejects (with a comment) a tailoring record."""
    make_move(session, record, table=TAILORING_TRANSITIONS, to=data.to, seen=data.version, by=by,
              action="tailoring.review", rationale=data.rationale,
              effects=lambda: {"review_comment": data.rationale, "reviewer_id": by.id, "reviewed_on": utcnow().date()},
              shown={"reviewer_id": lambda uid: session.get(User, uid).name})
    return record


def logs_for_any_project(by: User) -> bool:
    """The process group logs tailoring for any project; anyone else only for the projects they lead (the policy's
    `tailoring.log` rule: the form suggests those)."""
    return Role.PROCESS_GROUP in by.roles


def sole_project(session: Session, *, by: User) -> int | None:
    """The project a lead logs tailoring for when they lead just one (the form starts with it); else None."""
    if logs_for_any_project(by):
        return None
    led = session.exec(select(Project.id).where(Project.id.in_(led_by(by.id))).limit(2)).all()
    return led[0] if len(led) == 1 else None


def settings(session: Session) -> TailoringSettings:
    """The organization's tailoring settings (one row, seeded by migration 0005 with the defaults)."""
    return session.exec(select(TailoringSettings).order_by(TailoringSettings.id).limit(1)).one()


def set_threshold(session: Session, *, data: ThresholdInput, by: User) -> TailoringSettings:
    authorize(by, "tailoring.configure")
    current = settings(session)
    if data.version != current.version:
        raise Conflict(current=current)
    bump_version(session, current, apply_changes(session, current, by=by,
                                                 changes={"pattern_threshold": data.pattern_threshold}))
    commit(session)
    return current


@dataclass(frozen=True)
class Pattern:
    asset: ProcessAsset
    element: str
    projects: list[str]
    proposal: Proposal | None  # the proposal already made of it

    @property
    def key(self) -> str:
        return pattern_key(self.asset, self.element)


def pattern_key(asset: ProcessAsset, element: str) -> str:
    return f"{asset.title} · {element}"[:200]


def patterns(session: Session) -> list[Pattern]:
    """Elements that at least `threshold` projects tailor out (omit), not counting rejected records."""
    threshold = settings(session).pattern_threshold
    element = func.lower(func.trim(TailoringRecord.element))
    rows = session.exec(
        select(AssetVersion.asset_id, element, func.count(func.distinct(TailoringRecord.project_id)))
        .join(AssetVersion, AssetVersion.id == TailoringRecord.asset_version_id)
        .where(TailoringRecord.type == TailoringType.OMIT, TailoringRecord.status != TailoringStatus.REJECTED)
        .group_by(AssetVersion.asset_id, element)
        .having(func.count(func.distinct(TailoringRecord.project_id)) >= threshold)).all()
    if not rows:
        return []
    assets = {a.id: a for a in session.exec(select(ProcessAsset).where(
        ProcessAsset.id.in_([r[0] for r in rows]))).all()}
    codes: dict[tuple[int, str], set[str]] = {}
    for asset_id, name, code in session.exec(
            select(AssetVersion.asset_id, element, Project.code)
            .join(AssetVersion, AssetVersion.id == TailoringRecord.asset_version_id)
            .join(Project, Project.id == TailoringRecord.project_id)
            .where(TailoringRecord.type == TailoringType.OMIT, TailoringRecord.status != TailoringStatus.REJECTED,
                   AssetVersion.asset_id.in_(list(assets)))).all():
        codes.setdefault((asset_id, name), set()).add(code)
    keys = [pattern_key(assets[a], e) for a, e, _ in rows]
    made = {p.source_ref: p for p in session.exec(select(Proposal).where(
        Proposal.source == ProposalSource.TAILORING_PATTERN, Proposal.source_ref.in_(keys))).all()}
    return sorted((Pattern(assets[a], e, sorted(codes[(a, e)]), made.get(pattern_key(assets[a], e)))
                   for a, e, _ in rows), key=lambda p: (-len(p.projects), p.key))


def propose_from_pattern(session: Session, *, asset_id: int, element: str, by: User) -> Proposal:
    """Turn a tailoring pattern into an improvement proposal (once), linked to the asset it concerns."""
    authorize(by, "tailoring.review")
    found = next((p for p in patterns(session) if p.asset.id == asset_id and p.element == element), None)
    if found is None:
        raise NotFound("No such tailoring pattern (it may have fallen below the threshold).")
    if found.proposal is not None:
        return found.proposal
    proposal = Proposal(
        title=f"Reconsider '{element}' in {found.asset.title}"[:200],
        problem=f"{len(found.projects)} projects tailor this element out: {', '.join(found.projects)}.",
        proposed_change="Review whether the element should be optional, changed or removed from the standard.",
        source=ProposalSource.TAILORING_PATTERN, source_ref=found.key, source_entity=SourceEntity.PROCESS_ASSET,
        source_id=found.asset.id, expected_benefit=3, estimated_effort=2, submitter_id=by.id, assets=[found.asset])
    proposal.priority_score = score(proposal, current_weights(session))
    session.add(proposal)
    flush(session)
    record_create(session, proposal, by=by, fields={"title": proposal.title, "source": proposal.source,
                                                    "source_ref": proposal.source_ref})
    commit(session)
    return proposal
