"""Appraisals (OPF SP 1.2): plan one, move it through its phases, record findings and ratings, turn a weakness
into an improvement proposal, and keep each scope's reappraisal cadence."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import case
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from tracker.appraisals.forms import AppraisalInput, AppraisalMoveInput, FindingInput, RatingInput
from tracker.appraisals.models import (
    FINDING_STATUSES,
    TO_IMPROVE,
    Answer,
    Appraisal,
    AppraisalArea,
    AppraisalProject,
    AppraisalStatus,
    Finding,
    FindingKind,
    Participant,
    Question,
    Rating,
)
from tracker.appraisals.workflow import APPRAISAL_TRANSITIONS
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import commit, cut, flush, get_or_not_found, utcnow
from tracker.editing import editing
from tracker.errors import InvalidTransition, ValidationError
from tracker.history.service import record_create, record_values
from tracker.listing import Column, Listing, many, one
from tracker.process_areas.models import ProcessArea
from tracker.projects.models import Project
from tracker.proposals import service as proposals
from tracker.proposals.forms import ProposalInput
from tracker.proposals.models import Proposal, ProposalSource, SourceEntity
from tracker.proposals.sources import proposals_from
from tracker.sql import contains
from tracker.validation import chosen_person, chosen_records
from tracker.workflow import make_move

FIELDS = ("title", "reference_model", "method", "scope_notes", "resources", "logistics", "preparation_on",
          "execution_on", "reporting_on", "aftercare_on", "completion_on")
LOADED = (joinedload(Appraisal.sponsor), joinedload(Appraisal.lead_appraiser), selectinload(Appraisal.team),
          selectinload(Appraisal.projects), selectinload(Appraisal.areas))


@dataclass(frozen=True)
class AppraisalFilter:
    q: str = ""  # in the title
    status: AppraisalStatus | None = None
    area_id: int | None = None  # with this process area in its scope


COMPLETED = sa.func.coalesce(Appraisal.completed_on, Appraisal.completion_on)  # completed, or planned to be
LISTING = Listing("appraisals", Appraisal.id, {
    "title": Column("Appraisal", (Appraisal.title,), Appraisal.title),
    "model": Column("Model", (Appraisal.reference_model,), Appraisal.reference_model),
    "method": Column("Method", (Appraisal.method,), Appraisal.method),
    "scope": Column("Scope", csv=many(ProcessArea.code, AppraisalArea.appraisal_id == Appraisal.id,
                                      ProcessArea.id == AppraisalArea.area_id)),
    "projects": Column("Projects", csv=many(Project.code, AppraisalProject.appraisal_id == Appraisal.id,
                                            Project.id == AppraisalProject.project_id), shown=False),
    "lead": Column("Lead appraiser", csv=one(User.name, User.id == Appraisal.lead_appraiser_id), shown=False),
    "completed": Column("Completed (or planned)", (COMPLETED,), COMPLETED),
    "status": Column("Status", (Appraisal.status,), Appraisal.status),
}, default="-completed", load=LOADED)


def appraisals_matching(where: AppraisalFilter):
    """The appraisals the filter selects (LISTING orders and pages them)."""
    statement = select(Appraisal)
    if where.q:
        statement = statement.where(contains(where.q, Appraisal.title))
    if where.status:
        statement = statement.where(Appraisal.status == where.status)
    if where.area_id:
        statement = statement.where(Appraisal.id.in_(
            select(AppraisalArea.appraisal_id).where(AppraisalArea.area_id == where.area_id)))
    return statement


def get_appraisal(session: Session, *, appraisal_id: int) -> Appraisal:
    return get_or_not_found(session, Appraisal, appraisal_id, *LOADED, missing="No such appraisal.")


def _person(session: Session, user_id: int, field: str) -> User:
    return chosen_person(session, user_id, field=field, message="Choose a person from the list.")


def _links(session: Session, data: AppraisalInput) -> dict[str, object]:
    errors: dict[str, str] = {}
    found: dict[str, object] = {}
    for field, attr in (("sponsor_id", "sponsor"), ("lead_appraiser_id", "lead_appraiser")):
        try:
            found[attr] = _person(session, getattr(data, field), field)
        except ValidationError as error:
            errors |= error.errors
    for field, attr, model in (("team_ids", "team", User), ("project_ids", "projects", Project),
                               ("area_ids", "areas", ProcessArea)):
        try:
            found[attr] = chosen_records(session, model, getattr(data, field), field=field)
        except ValidationError as error:
            errors |= error.errors
    if errors:
        raise ValidationError(errors)
    return found


LABELS = {"team": lambda u: u.name, "projects": lambda p: p.code, "areas": lambda a: a.code}


def create_appraisal(session: Session, *, data: AppraisalInput, by: User) -> Appraisal:
    """Plan an appraisal: reference model, method, scope, sponsor, lead appraiser and team, the phase dates."""
    authorize(by, "appraisal.edit")
    links = _links(session, data)
    appraisal = Appraisal(**data.model_dump(include=set(FIELDS)), sponsor_id=links["sponsor"].id,
                          lead_appraiser_id=links["lead_appraiser"].id,
                          **{name: links[name] for name in LABELS})
    session.add(appraisal)
    flush(session)
    record_create(session, appraisal, by=by, fields=data.model_dump(include=set(FIELDS)) | {
        "sponsor": links["sponsor"].name, "lead_appraiser": links["lead_appraiser"].name} | {
        name: [label(item) for item in links[name]] for name, label in LABELS.items()})
    commit(session)
    return appraisal


def editable_appraisal(session: Session, *, appraisal_id: int, by: User) -> Appraisal:
    """The appraisal, if its plan may be edited now (not once completed or cancelled)."""
    appraisal = get_appraisal(session, appraisal_id=appraisal_id)
    authorize(by, "appraisal.edit", appraisal)
    return appraisal


def update_appraisal(session: Session, *, appraisal: Appraisal, data: AppraisalInput, by: User) -> Appraisal:
    with editing(session, appraisal, action="appraisal.edit", seen=data.version, by=by) as edit:
        links = _links(session, data)
        _keeps_what_it_found(session, appraisal, areas=links["areas"], projects=links["projects"])
        edit.fields(data.model_dump(include=set(FIELDS)) | {
            "sponsor_id": links["sponsor"].id, "lead_appraiser_id": links["lead_appraiser"].id},
            shown={"sponsor_id": lambda uid: session.get(User, uid).name,
                   "lead_appraiser_id": lambda uid: session.get(User, uid).name})
        for name, label in LABELS.items():
            edit.links(name, links[name], label=label)
    return appraisal


def _keeps_what_it_found(session: Session, appraisal: Appraisal, *, areas: list, projects: list) -> None:
    """A narrower scope may not strand what was recorded in it: findings, ratings and answers for a process area,
    findings and participants for a project (a scope that lists none covers them all)."""
    errors = {}
    if areas:
        used = set(session.exec(select(Finding.area_id).where(Finding.appraisal_id == appraisal.id)).all())
        used |= set(session.exec(select(Rating.area_id).where(Rating.appraisal_id == appraisal.id)).all())
        used |= set(session.exec(select(Question.area_id).join(Answer, Answer.question_id == Question.id)
                                 .where(Answer.appraisal_id == appraisal.id)).all())
        if stranded := used - {a.id for a in areas}:
            codes = session.exec(select(ProcessArea.code).where(ProcessArea.id.in_(stranded))).all()
            errors["area_ids"] = (f"Keep {', '.join(sorted(codes))} in scope: findings, ratings or answers were "
                                  "recorded for it.")
    if projects:
        used = set(session.exec(select(Finding.project_id).where(Finding.appraisal_id == appraisal.id)).all())
        used |= set(session.exec(select(Participant.project_id).where(Participant.appraisal_id == appraisal.id)).all())
        if stranded := used - {None} - {p.id for p in projects}:
            codes = session.exec(select(Project.code).where(Project.id.in_(stranded))).all()
            errors["project_ids"] = (f"Keep {', '.join(sorted(codes))} in scope: findings or participants were "
                                     "recorded for it.")
    if errors:
        raise ValidationError(errors)


def move_appraisal(session: Session, *, appraisal: Appraisal, data: AppraisalMoveInput, by: User) -> Appraisal:
    """The next phase; completing records the day (reappraisal counts from it) and, where the method gives
    one, the resulting maturity level."""
    def effects() -> dict[str, object]:
        if data.to != AppraisalStatus.COMPLETED:
            return {}
        changes: dict[str, object] = {"completed_on": utcnow().date()}
        if data.maturity_level is not None:
            if not appraisal.rates:
                raise ValidationError({"maturity_level": f"A {appraisal.method.label} gives no maturity level."})
            changes["maturity_level"] = data.maturity_level
        return changes

    make_move(session, appraisal, table=APPRAISAL_TRANSITIONS, to=data.to, seen=data.version, by=by,
              action="appraisal.move", rationale=data.rationale, effects=effects)
    return appraisal


# --- findings and ratings: recorded by the appraisal team while the appraisal is conducted and reported

def recordable_appraisal(session: Session, *, appraisal_id: int, by: User) -> Appraisal:
    """The appraisal, if this user may record its findings and ratings (the process group, or its team)."""
    appraisal = get_appraisal(session, appraisal_id=appraisal_id)
    authorize(by, "appraisal.record", appraisal)
    return appraisal


def _recording(appraisal: Appraisal, by: User) -> None:
    authorize(by, "appraisal.record", appraisal)
    if appraisal.status not in FINDING_STATUSES:
        raise InvalidTransition("Findings and ratings are recorded while the appraisal is in execution or "
                                "reporting.")


def _in_scope(session: Session, appraisal: Appraisal, *, area_id: int, project_id: int | None = None) -> dict:
    """The process area (and project) checked against the appraisal's scope; errors beside the fields."""
    errors = {}
    area = session.get(ProcessArea, area_id)
    if area is None or (appraisal.areas and area not in appraisal.areas):
        errors["area_id"] = "Choose a process area in the appraisal's scope."
    if project_id is not None:
        project = session.get(Project, project_id)
        if project is None or (appraisal.projects and project not in appraisal.projects):
            errors["project_id"] = "Choose a project in the appraisal's scope."
    return errors


def record_finding(session: Session, *, appraisal: Appraisal, data: FindingInput, by: User) -> Finding:
    """A strength, weakness or improvement opportunity for a process area (and project), with its evidence."""
    _recording(appraisal, by)
    errors = _in_scope(session, appraisal, area_id=data.area_id, project_id=data.project_id)
    if errors:
        raise ValidationError(errors)
    finding = Finding(appraisal_id=appraisal.id, recorded_by_id=by.id, **data.model_dump())
    session.add(finding)
    flush(session)
    record_create(session, finding, by=by, fields={
        "appraisal": f"#{appraisal.id}", "kind": data.kind, "area": session.get(ProcessArea, data.area_id).code,
        "project": session.get(Project, data.project_id).code if data.project_id else None,
        "statement": data.statement, "evidence": data.evidence})
    commit(session)
    return finding


KIND_ORDER = case({kind.value: n for n, kind in enumerate(FindingKind)}, value=Finding.kind)  # as the enum lists them


def findings_of(session: Session, *, appraisal_id: int) -> list[Finding]:
    return list(session.exec(select(Finding).where(Finding.appraisal_id == appraisal_id).options(
        joinedload(Finding.area), joinedload(Finding.project), joinedload(Finding.recorded_by))
        .order_by(KIND_ORDER, Finding.id)).all())


def get_finding(session: Session, *, finding_id: int) -> Finding:
    return get_or_not_found(session, Finding, finding_id, joinedload(Finding.area), missing="No such finding.")


def propose(session: Session, *, finding: Finding, by: User) -> Proposal:
    """One click: an improvement proposal from a weakness or opportunity, linked both ways (once)."""
    appraisal = get_appraisal(session, appraisal_id=finding.appraisal_id)
    authorize(by, "appraisal.record", appraisal)
    if finding.kind not in TO_IMPROVE:
        raise InvalidTransition("A strength is kept as it is: only weaknesses and opportunities become proposals.")
    if proposals_from(session, entity=SourceEntity.FINDING, ids=[finding.id]):
        raise InvalidTransition("This finding has its proposal already.")
    title = finding.statement.split("\n")[0].split(". ")[0][:200]
    return proposals.submit(session, by=by, data=ProposalInput(
        title=title, problem=finding.statement + (f"\n\nEvidence: {finding.evidence}" if finding.evidence else ""),
        proposed_change="To be worked out from the appraisal finding.",
        source=ProposalSource.APPRAISAL_FINDING, source_ref=f"{appraisal.title}: {finding.kind.label.lower()} in {finding.area.code}"[:200],
        source_entity=SourceEntity.FINDING, source_id=finding.id, area_ids=[finding.area_id],
        expected_benefit=3, estimated_effort=3))


def rate(session: Session, *, appraisal: Appraisal, data: RatingInput, by: User) -> Rating:
    """Rate a process area in scope (methods that rate only), replacing its earlier rating in this appraisal."""
    _recording(appraisal, by)
    if not appraisal.rates:
        raise ValidationError({"value": f"A {appraisal.method.label} characterizes practices; it does not rate "
                                        "process areas."})
    errors = _in_scope(session, appraisal, area_id=data.area_id)
    if errors:
        raise ValidationError(errors)
    rating = session.exec(select(Rating).where(Rating.appraisal_id == appraisal.id,
                                               Rating.area_id == data.area_id)).first()
    old = _rating_text(rating) if rating else None
    if rating is None:
        rating = Rating(appraisal_id=appraisal.id, area_id=data.area_id, value=data.value)
        session.add(rating)
    rating.value, rating.capability_level = data.value, data.capability_level
    if old != _rating_text(rating):
        code = session.get(ProcessArea, data.area_id).code
        record_values(session, appraisal, by=by, changed={f"rating {code}"[:60]: (old, _rating_text(rating))})
    commit(session, unique={"rating": "This process area was rated at the same moment; try again."})
    return rating


def _rating_text(rating: Rating) -> str:
    level = f", capability level {rating.capability_level}" if rating.capability_level is not None else ""
    return rating.value.label + level


def ratings_of(session: Session, *, appraisal_id: int) -> list[Rating]:
    return list(session.exec(select(Rating).where(Rating.appraisal_id == appraisal_id)
                             .options(joinedload(Rating.area)).join(ProcessArea)
                             .order_by(ProcessArea.code)).all())


RATINGS_SHOWN = 20  # a process area's page shows its newest ratings; the appraisals list has every one covering it


def rating_history(session: Session, *, area_id: int) -> tuple[list[tuple[Appraisal, Rating]], bool]:
    """A process area's newest RATINGS_SHOWN ratings across appraisals, the newest first, and whether there are more
    (the page's cost does not grow with the organization's years of appraisals)."""
    return cut(list(session.exec(select(Appraisal, Rating).join(Rating, Rating.appraisal_id == Appraisal.id)
                                 .where(Rating.area_id == area_id)
                                 .order_by(Appraisal.completion_on.desc(), Appraisal.id.desc())
                                 .limit(RATINGS_SHOWN + 1)).all()), RATINGS_SHOWN)
