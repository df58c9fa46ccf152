"""Lessons learned (SP 3.4): logged by anyone, reviewed by the process group, incorporated into an asset
version or converted into an improvement proposal; and feedback on assets from the projects using them."""

from dataclasses import dataclass

from sqlalchemy.orm import joinedload
from sqlmodel import Session, func, select

from tracker.assets.models import AssetVersion, ProcessAsset
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.compliance.models import ComplianceAudit
from tracker.db import commit, created_one, flush, get_or_not_found, insert_all
from tracker.deployments.models import Deployment
from tracker.editing import editing
from tracker.errors import Conflict, InvalidTransition, ManyInvalid, ValidationError
from tracker.history.service import bump_version, record_create, record_create_many, record_values
from tracker.lessons.forms import AttachInput, FeedbackInput, LessonInput, LessonMoveInput
from tracker.lessons.models import AssetFeedback, Lesson, LessonStatus, Polarity
from tracker.lessons.workflow import LESSON_TRANSITIONS
from tracker.listing import OUTER, Column, Listing, one
from tracker.pilots.models import Pilot
from tracker.process_areas.models import ProcessArea
from tracker.projects.models import Project
from tracker.proposals.models import Proposal, ProposalEvidence, ProposalSource, ProposalStatus, SourceEntity
from tracker.proposals.priority import current_weights, score
from tracker.proposals.sources import attached_from, proposal_to_attach_to, proposals_from
from tracker.sql import contains
from tracker.workflow import check_move, make_move

LOADED = (joinedload(Lesson.project), joinedload(Lesson.area), joinedload(Lesson.asset),
          joinedload(Lesson.author), joinedload(Lesson.proposal),
          joinedload(Lesson.incorporated_version).joinedload(AssetVersion.asset))


LINKED_MODELS = {  # what a lesson may be learned from: the model, and its name in the history
    "project_id": (Project, lambda p: p.code), "area_id": (ProcessArea, lambda a: a.code),
    "asset_id": (ProcessAsset, lambda a: a.title), "pilot_id": (Pilot, lambda p: p.title),
    "deployment_id": (Deployment, lambda d: d.title),
    "audit_id": (ComplianceAudit, lambda a: f"audit of {a.project.code} on {a.audit_date}")}


def _check_links(session: Session, data: LessonInput) -> dict[str, str]:
    """Refuse links to records that do not exist; the linked records' names, for the history."""
    names = {}
    for field, (model, name) in LINKED_MODELS.items():
        value = getattr(data, field)
        record = session.get(model, value) if value is not None else None
        if value is not None and record is None:
            raise ValidationError({field: "Choose from the list."})
        names[field.removesuffix("_id")] = name(record) if record else None
    return names


FIELDS = ("title", "project_id", "area_id", "asset_id", "pilot_id", "deployment_id", "audit_id", "context",
          "what_happened", "recommendation", "polarity")
LINKED = ("project_id", "area_id", "asset_id", "pilot_id", "deployment_id", "audit_id")  # named in the history


def log(session: Session, *, data: LessonInput, by: User) -> Lesson:
    """Anyone signed in records a lesson learned."""
    return created_one(session, Lesson, lambda: log_all(session, items=[data], by=by))


def log_all(session: Session, *, items: list[LessonInput], by: User) -> list[int]:
    """Record lessons learned: a form's one, or an import's thousands in a few statements. Every one is checked
    before any is written (ManyInvalid: each refused one's errors, by its position)."""
    authorize(by, "lesson.log")
    named = [session.exec(select(model).where(model.id.in_(ids))).all()  # each read once, held while they are checked
             for field, (model, _) in LINKED_MODELS.items() if (ids := {getattr(i, field) for i in items} - {None})]
    errors: dict[int, dict[str, str]] = {}
    rows, history = [], []
    for n, item in enumerate(items):
        try:
            names = _check_links(session, item)
        except ValidationError as error:
            errors[n] = error.errors
            continue
        rows.append(item.model_dump(include=set(FIELDS)) | {"author_id": by.id})
        history.append(item.model_dump(include=set(FIELDS) - set(LINKED)) | names)
    del named
    if errors:
        raise ManyInvalid(errors)
    ids = insert_all(session, Lesson, rows)
    record_create_many(session, entity=Lesson.__tablename__, created=list(zip(ids, history, strict=True)), by=by)
    commit(session)
    return ids


def editable_lesson(session: Session, *, lesson_id: int, by: User) -> Lesson:
    """The lesson, if this user may correct it: the process group any, its author, a lead of its project."""
    lesson = get_lesson(session, lesson_id=lesson_id)
    authorize(by, "lesson.edit", lesson)
    return lesson


def update_lesson(session: Session, *, lesson: Lesson, data: LessonInput, by: User) -> Lesson:
    """Correct what was logged (its review and conversion stay as they were), every field in the history."""
    with editing(session, lesson, action="lesson.edit", seen=data.version, by=by) as edit:
        _check_links(session, data)
        edit.fields(data.model_dump(include=set(FIELDS)), shown={
            "project_id": lambda pid: session.get(Project, pid).code,
            "area_id": lambda aid: session.get(ProcessArea, aid).code,
            "asset_id": lambda aid: session.get(ProcessAsset, aid).title,
            "pilot_id": lambda pid: session.get(Pilot, pid).title,
            "deployment_id": lambda did: session.get(Deployment, did).title,
            "audit_id": lambda aid: f"audit #{aid}"})
    return lesson


@dataclass(frozen=True)
class LessonFilter:
    q: str = ""
    status: LessonStatus | None = None
    polarity: Polarity | None = None
    project_id: int | None = None
    area_id: int | None = None
    asset_id: int | None = None


LISTING = Listing("lessons", Lesson.id, {
    "title": Column("Lesson", (Lesson.title,), Lesson.title),
    "kind": Column("Kind", (Lesson.polarity,), Lesson.polarity),
    "project": Column("Project", (Project.code,), Project.code,
                      joins=((Project, Project.id == Lesson.project_id, OUTER),)),  # a lesson may name no project
    "where": Column("Area / asset"),
    "area": Column("Process area", csv=one(ProcessArea.code, ProcessArea.id == Lesson.area_id), shown=False),
    "asset": Column("Asset", csv=one(ProcessAsset.title, ProcessAsset.id == Lesson.asset_id), shown=False),
    "what_happened": Column("What happened", csv=Lesson.what_happened, shown=False),
    "recommendation": Column("Recommendation", csv=Lesson.recommendation, shown=False),
    "status": Column("Status", (Lesson.status,), Lesson.status),
    "author": Column("By", (User.name,), User.name, joins=((User, User.id == Lesson.author_id),)),
    "logged": Column("Logged", (Lesson.created_at,), Lesson.created_at),
}, default="-logged", load=LOADED)


def lessons_matching(where: LessonFilter):
    """The lessons library's search: the lessons the filter selects (LISTING orders and pages them). Nothing is
    joined here: the list joins the author or the project only to sort or export by them."""
    statement = select(Lesson)
    if where.q:
        statement = statement.where(contains(where.q, Lesson.title, Lesson.context, Lesson.what_happened,
                                             Lesson.recommendation))
    for column, value in ((Lesson.status, where.status), (Lesson.polarity, where.polarity),
                          (Lesson.project_id, where.project_id), (Lesson.area_id, where.area_id),
                          (Lesson.asset_id, where.asset_id)):
        if value is not None:
            statement = statement.where(column == value)
    return statement


WHOLE = (*LOADED, joinedload(Lesson.pilot), joinedload(Lesson.deployment),
         joinedload(Lesson.audit).joinedload(ComplianceAudit.project))  # and what it was learned from (its page)


def get_lesson(session: Session, *, lesson_id: int) -> Lesson:
    return get_or_not_found(session, Lesson, lesson_id, *WHOLE, missing="No such lesson.")


ORIGINS = {"pilot_id": (Pilot, lambda p: f"the pilot {p.title}"),
           "deployment_id": (Deployment, lambda d: f"the deployment {d.title}"),
           "audit_id": (ComplianceAudit, lambda a: f"the audit of {a.project.code} on {a.audit_date}")}


def origin_options(session: Session, *, chosen: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """For each origin a lesson names (or is being logged from: `chosen`, field -> id as typed), that record as
    the one option of its field (a form offers to keep it or leave it out, never a list of every audit)."""
    options = {}
    for field, raw in chosen.items():
        model, name = ORIGINS[field]
        record = session.get(model, int(raw)) if raw and raw.isascii() and raw.isdigit() and int(raw) < 2**31 else None
        if record is not None:
            options[field] = [(str(record.id), name(record))]
    return options


def drawn_from(session: Session, *, field: str, record_id: int) -> list[Lesson]:
    """The lessons learned from this pilot, deployment or audit (`field` names which), newest first."""
    return list(session.exec(select(Lesson).where(getattr(Lesson, field) == record_id)
                             .order_by(Lesson.id.desc())).all())


def move_lesson(session: Session, *, lesson: Lesson, data: LessonMoveInput, by: User) -> Lesson:
    """Review, archive or mark incorporated (naming the asset version that took the lesson in)."""
    def effects() -> dict[str, object]:
        changes: dict[str, object] = {"review_note": data.rationale} if data.rationale else {}
        if data.to == LessonStatus.INCORPORATED:
            version = session.get(AssetVersion, data.incorporated_version_id) if data.incorporated_version_id else None
            if version is None:
                raise ValidationError({"incorporated_version_id": "Choose the asset version that took the lesson in."})
            changes["incorporated_version_id"] = version.id
        return changes

    make_move(session, lesson, table=LESSON_TRANSITIONS, to=data.to, seen=data.version, by=by, action="lesson.review",
              rationale=data.rationale, effects=effects,
              shown={"incorporated_version_id": lambda vid: session.get(AssetVersion, vid).name})
    return lesson


def convert(session: Session, *, lesson: Lesson, by: User) -> Proposal:
    """One click: an improvement proposal from the lesson, linked both ways."""
    authorize(by, "lesson.review")
    check_move(LESSON_TRANSITIONS, lesson.status, LessonStatus.CONVERTED, role=None)
    proposal = Proposal(title=lesson.title, problem=lesson.what_happened,
                        proposed_change=lesson.recommendation or "To be worked out from the lesson.",
                        source=ProposalSource.LESSON_LEARNED, source_ref=f"Lesson #{lesson.id}",
                        source_entity=SourceEntity.LESSON, source_id=lesson.id, expected_benefit=3, estimated_effort=3,
                        status=ProposalStatus.SUBMITTED, submitter_id=by.id,
                        areas=[lesson.area] if lesson.area else [], assets=[lesson.asset] if lesson.asset else [])
    proposal.priority_score = score(proposal, current_weights(session))
    session.add(proposal)
    flush(session)
    record_create(session, proposal, by=by, fields={"title": proposal.title, "source": proposal.source,
                                                    "source_ref": proposal.source_ref})
    record_values(session, lesson, by=by, changed={"status": (lesson.status, LessonStatus.CONVERTED),
                                                    "proposal": (None, f"#{proposal.id}")})
    lesson.status, lesson.proposal_id = LessonStatus.CONVERTED, proposal.id
    bump_version(session, lesson, {"status": 1})
    commit(session)
    return proposal




def attach(session: Session, *, lesson: Lesson, data: AttachInput, by: User) -> Proposal:
    """The lesson is behind a proposal already raised (not a new one): attached to it, both records saying so."""
    authorize(by, "lesson.review")
    if data.version != lesson.version:
        raise Conflict(current=lesson)
    if lesson.status == LessonStatus.CONVERTED:
        raise InvalidTransition(f"This lesson is behind proposal #{lesson.proposal_id} already.")
    check_move(LESSON_TRANSITIONS, lesson.status, LessonStatus.CONVERTED, role=None)
    proposal = proposal_to_attach_to(session, data.proposal_id, "lesson")
    session.add(ProposalEvidence(proposal_id=proposal.id, entity=SourceEntity.LESSON.value, entity_id=lesson.id,
                                 linked_by_id=by.id))
    record_values(session, lesson, by=by, changed={"status": (lesson.status, LessonStatus.CONVERTED),
                                                    "proposal": (None, f"#{proposal.id} (attached)")})
    record_values(session, proposal, by=by, changed={"lesson attached": (None, f"#{lesson.id} {lesson.title}")})
    lesson.status, lesson.proposal_id = LessonStatus.CONVERTED, proposal.id
    bump_version(session, lesson, {"status": 1})
    commit(session)
    return proposal


def give_feedback(session: Session, *, asset: ProcessAsset, data: FeedbackInput, by: User) -> AssetFeedback:
    """A project's rating and comment on an asset it uses."""
    authorize(by, "feedback.give")
    version = session.get(AssetVersion, data.asset_version_id) if data.asset_version_id is not None else None
    if data.asset_version_id is not None and (version is None or version.asset_id != asset.id):
        raise ValidationError({"asset_version_id": "Choose a version of this asset."})
    project = session.get(Project, data.project_id) if data.project_id is not None else None
    if data.project_id is not None and project is None:
        raise ValidationError({"project_id": "Choose a project from the list."})
    feedback = AssetFeedback(asset_id=asset.id, author_id=by.id, **data.model_dump())
    session.add(feedback)
    flush(session)
    record_create(session, feedback, by=by, fields={
        "asset": asset.title, "version": version.label if version else None,
        "project": project.code if project else None, "rating": data.rating, "comment": data.comment})
    commit(session)
    return feedback


@dataclass(frozen=True)
class FeedbackSummary:
    count: int
    average: float | None
    items: list[AssetFeedback]
    proposals: dict[int, list[Proposal]]  # what each piece of feedback led to
    attached: dict[int, list[Proposal]]  # the proposals raised before that each was attached to


def feedback_on(session: Session, *, asset_id: int, limit: int = 50) -> FeedbackSummary:
    count, average = session.exec(select(func.count(), func.avg(AssetFeedback.rating))
                                  .where(AssetFeedback.asset_id == asset_id)).one()
    items = list(session.exec(select(AssetFeedback).where(AssetFeedback.asset_id == asset_id).options(
        joinedload(AssetFeedback.author), joinedload(AssetFeedback.project),
        joinedload(AssetFeedback.asset_version)).order_by(AssetFeedback.id.desc()).limit(limit)).all())
    ids = [f.id for f in items]
    return FeedbackSummary(count, round(float(average), 1) if average is not None else None, items,
                           proposals_from(session, entity=SourceEntity.ASSET_FEEDBACK, ids=ids),
                           attached_from(session, entity=SourceEntity.ASSET_FEEDBACK, ids=ids))
