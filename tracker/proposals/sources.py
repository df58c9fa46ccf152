"""The records in this tracker a proposal can come from: how each is named, linked and drafted from.

A proposal keeps the pair (source_entity, source_id). This table turns the pair into a link on the proposal
and, the other way, tells a lesson, a noncompliance or a piece of feedback which proposals came from it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from sqlmodel import Session, select

from tracker.appraisals.models import Finding
from tracker.assets.models import ProcessAsset
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.compliance.models import Noncompliance
from tracker.db import commit
from tracker.errors import NotFound, ValidationError
from tracker.history.service import record_values
from tracker.lessons.models import AssetFeedback, Lesson
from tracker.proposals.models import Proposal, ProposalEvidence, ProposalSource, ProposalStatus, SourceEntity


@dataclass(frozen=True)
class SourceKind:
    model: type
    source: ProposalSource  # the source a proposal drafted from such a record has
    endpoint: str
    url_args: Callable[[Any], dict]
    label: Callable[[Any], str]
    draft: Callable[[Any], dict] = field(default=lambda record: {})  # what the new proposal's form starts with


def _feedback_label(item: AssetFeedback) -> str:
    where = f" ({item.project.code})" if item.project else ""
    return f"Feedback on {item.asset.title}{where}: {item.rating}/5"


def _noncompliance_label(item: Noncompliance) -> str:
    return f"{item.audit.project.code} audit {item.audit.audit_date}: {item.description}"[:200]


KINDS: dict[SourceEntity, SourceKind] = {
    SourceEntity.LESSON: SourceKind(
        Lesson, ProposalSource.LESSON_LEARNED, "lessons.detail", lambda r: {"lesson_id": r.id},
        lambda r: r.title,
        draft=lambda r: {"title": r.title, "problem": r.what_happened, "proposed_change": r.recommendation}),
    SourceEntity.NONCOMPLIANCE: SourceKind(
        Noncompliance, ProposalSource.COMPLIANCE_AUDIT, "compliance.detail", lambda r: {"audit_id": r.audit_id},
        _noncompliance_label, draft=lambda r: {"problem": r.description}),
    SourceEntity.ASSET_FEEDBACK: SourceKind(
        AssetFeedback, ProposalSource.PROJECT_FEEDBACK, "assets.detail", lambda r: {"asset_id": r.asset_id},
        _feedback_label, draft=lambda r: {"problem": r.comment, "asset_ids": str(r.asset_id)}),
    SourceEntity.PROCESS_ASSET: SourceKind(
        ProcessAsset, ProposalSource.TAILORING_PATTERN, "assets.detail", lambda r: {"asset_id": r.id},
        lambda r: r.title),
    SourceEntity.FINDING: SourceKind(
        Finding, ProposalSource.APPRAISAL_FINDING, "appraisals.detail", lambda r: {"appraisal_id": r.appraisal_id},
        lambda r: f"{r.appraisal.title}: {r.kind.label.lower()} in {r.area.code}"[:200],
        draft=lambda r: {"problem": r.statement, "area_ids": str(r.area_id)}),
}


@dataclass(frozen=True)
class SourceLink:
    label: str  # what the record is called now
    url: str
    note: str = ""  # the submitter's own reference, when it says more than the label


def find(session: Session, *, entity: SourceEntity, record_id: int) -> Any:
    """The source record, or NotFound."""
    record = session.get(KINDS[entity].model, record_id)
    if record is None:
        raise NotFound("The record this proposal would come from does not exist.")
    return record


def link(session: Session, *, entity: SourceEntity, record_id: int, reference: str = "") -> SourceLink | None:
    """A link to the source record; None when it has since been deleted."""
    kind = KINDS[entity]
    record = session.get(kind.model, record_id)
    if record is None:
        return None
    label = kind.label(record)
    return SourceLink(label, url_for(kind.endpoint, **kind.url_args(record)),
                      note="" if reference in label else reference)


def link_of(session: Session, proposal: Proposal) -> SourceLink | None:
    """Where the proposal came from, as a link, when that is a record in this tracker."""
    if not proposal.source_entity or proposal.source_id is None:
        return None
    return link(session, entity=SourceEntity(proposal.source_entity), record_id=proposal.source_id,
                reference=proposal.source_ref)


def draft(session: Session, *, entity: SourceEntity, record_id: int) -> dict[str, str]:
    """The new proposal's form values, drafted from its source record."""
    kind = KINDS[entity]
    record = find(session, entity=entity, record_id=record_id)
    values = {"source": kind.source.value, "source_ref": kind.label(record),
              "source_entity": entity.value, "source_id": str(record_id)}
    return values | {name: value for name, value in kind.draft(record).items() if value}


def proposals_from(session: Session, *, entity: SourceEntity, ids: list[int]) -> dict[int, list[Proposal]]:
    """The proposals that came from each of these records, in one query."""
    if not ids:
        return {}
    found: dict[int, list[Proposal]] = {}
    # In the index's order (by record, then id): ordered by id alone, SQLite scanned every proposal to avoid a sort.
    for proposal in session.exec(select(Proposal).where(Proposal.source_entity == entity.value,
                                                        Proposal.source_id.in_(ids))
                                 .order_by(Proposal.source_id, Proposal.id)).all():
        found.setdefault(proposal.source_id, []).append(proposal)
    return found


def behind(session: Session, proposal: Proposal) -> list[SourceLink]:
    """The other records behind the proposal (attached after it was raised), as links, oldest first: one query per
    kind attached."""
    rows = session.exec(select(ProposalEvidence.entity, ProposalEvidence.entity_id)
                        .where(ProposalEvidence.proposal_id == proposal.id)
                        .order_by(ProposalEvidence.linked_at, ProposalEvidence.entity_id)).all()
    records: dict[tuple[str, int], Any] = {}
    for entity in {entity for entity, _ in rows}:
        model = KINDS[SourceEntity(entity)].model
        ids = [entity_id for kind, entity_id in rows if kind == entity]
        records |= {(entity, record.id): record for record in session.exec(select(model).where(model.id.in_(ids))).all()}
    links = []
    for entity, entity_id in rows:
        record = records.get((entity, entity_id))
        if record is not None:  # removed since: the history keeps it
            kind = KINDS[SourceEntity(entity)]
            links.append(SourceLink(kind.label(record), url_for(kind.endpoint, **kind.url_args(record))))
    return links


def attached_to(session: Session, *, entity: SourceEntity, record_id: int) -> list[Proposal]:
    """The proposals a record was attached to after they were raised."""
    return list(session.exec(select(Proposal).join(ProposalEvidence, ProposalEvidence.proposal_id == Proposal.id)
                             .where(ProposalEvidence.entity == entity.value, ProposalEvidence.entity_id == record_id)
                             .order_by(Proposal.id)).all())


# A proposal that is decided against or done takes nothing more behind it.
CLOSED = (ProposalStatus.REJECTED, ProposalStatus.DUPLICATE, ProposalStatus.CLOSED)
ATTACHABLE = (SourceEntity.NONCOMPLIANCE, SourceEntity.FINDING, SourceEntity.ASSET_FEEDBACK)  # lessons: their page


def attached_from(session: Session, *, entity: SourceEntity, ids: list[int]) -> dict[int, list[Proposal]]:
    """The proposals each of these records was attached to after they were raised, in one query."""
    if not ids:
        return {}
    found: dict[int, list[Proposal]] = {}
    for record_id, proposal in session.exec(
            select(ProposalEvidence.entity_id, Proposal).join(Proposal, Proposal.id == ProposalEvidence.proposal_id)
            .where(ProposalEvidence.entity == entity.value, ProposalEvidence.entity_id.in_(ids))
            .order_by(Proposal.id)).all():
        found.setdefault(record_id, []).append(proposal)
    return found


def proposal_to_attach_to(session: Session, proposal_id: int, what: str) -> Proposal:
    """The open proposal a record is attached to, or a ValidationError beside the proposal's number."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise ValidationError({"proposal_id": f"There is no proposal #{proposal_id}."})
    if proposal.status in CLOSED:
        raise ValidationError({"proposal_id": f"Proposal #{proposal.id} is {proposal.status.label.lower()}: attach "
                                              f"the {what} to an open one, or propose a new one."})
    return proposal


def attach(session: Session, *, entity: SourceEntity, record_id: int, proposal_id: int, by: User) -> Proposal:
    """A noncompliance, finding or piece of feedback is behind a proposal already raised: attached to it (once),
    both histories saying so."""
    authorize(by, "proposal.attach")
    kind = KINDS[entity]
    record = find(session, entity=entity, record_id=record_id)
    what = entity.value.replace("asset_", "").replace("_", " ")
    proposal = proposal_to_attach_to(session, proposal_id, what)
    already = (proposal.source_entity == entity.value and proposal.source_id == record_id) or session.exec(
        select(ProposalEvidence.proposal_id).where(ProposalEvidence.proposal_id == proposal.id,
                                                   ProposalEvidence.entity == entity.value,
                                                   ProposalEvidence.entity_id == record_id)).first()
    if already:
        raise ValidationError({"proposal_id": f"It is behind proposal #{proposal.id} already."})
    session.add(ProposalEvidence(proposal_id=proposal.id, entity=entity.value, entity_id=record_id,
                                 linked_by_id=by.id))
    record_values(session, proposal, by=by, changed={f"{what} attached": (None, kind.label(record)[:200])})
    record_values(session, record, by=by, changed={"proposal": (None, f"#{proposal.id} (attached)")})
    commit(session)
    return proposal
