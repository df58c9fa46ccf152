"""Improvement proposals: submission, triage along the workflow table, duplicates, comments."""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, func, select

from tracker.assets.models import ProcessAsset
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import (
    COUNT_LIMIT,
    commit,
    count_to,
    created_one,
    flush,
    get_or_not_found,
    insert_all,
    link_all,
    utcnow,
)
from tracker.editing import editing
from tracker.errors import ManyInvalid, ValidationError
from tracker.history.service import bump_version, record_create, record_create_many, record_values
from tracker.listing import Column, Listing, many
from tracker.objectives.models import BusinessObjective
from tracker.process_areas.models import ProcessArea
from tracker.proposals.forms import CommentInput, ProposalInput, ProposalMoveInput
from tracker.proposals.models import (
    Proposal,
    ProposalArea,
    ProposalAsset,
    ProposalComment,
    ProposalObjective,
    ProposalSource,
    ProposalStatus,
)
from tracker.proposals.priority import current_weights, priority_score, score
from tracker.proposals.sources import KINDS
from tracker.proposals.workflow import PROPOSAL_TRANSITIONS
from tracker.sql import contains
from tracker.validation import chosen_records
from tracker.workflow import check_move, make_move

FIELDS = ("title", "problem", "proposed_change", "source", "source_ref", "expected_benefit", "estimated_effort")
LOADED = (joinedload(Proposal.submitter), selectinload(Proposal.objectives), selectinload(Proposal.areas))


@dataclass(frozen=True)
class ProposalFilter:
    q: str = ""
    status: ProposalStatus | None = None
    source: ProposalSource | None = None
    area_id: int | None = None
    objective_id: int | None = None
    submitter_id: int | None = None
    unaligned: bool = False  # serving no business objective


def _filtered(statement, where: ProposalFilter):
    if where.q:
        statement = statement.where(contains(where.q, Proposal.title, Proposal.problem))
    if where.status:
        statement = statement.where(Proposal.status == where.status)
    if where.source:
        statement = statement.where(Proposal.source == where.source)
    if where.area_id:
        statement = statement.where(Proposal.id.in_(
            select(ProposalArea.proposal_id).where(ProposalArea.area_id == where.area_id)))
    serving = select(ProposalObjective.proposal_id)
    if where.objective_id is not None:  # 0: a typed objective naming none, which no proposal serves
        statement = statement.where(Proposal.id.in_(serving.where(ProposalObjective.objective_id == where.objective_id)))
    if where.unaligned:
        statement = statement.where(Proposal.id.not_in(serving))
    if where.submitter_id is not None:  # 0: typed text naming no one, which selects nothing
        statement = statement.where(Proposal.submitter_id == where.submitter_id)
    return statement


LISTING = Listing("proposals", Proposal.id, {
    "id": Column("#", (Proposal.id,), Proposal.id),
    "title": Column("Title", (Proposal.title,), Proposal.title),
    "status": Column("Status", (Proposal.status,), Proposal.status),
    "priority": Column("Priority", (Proposal.priority_score,), Proposal.priority_score),
    "source": Column("Source", (Proposal.source,), Proposal.source),
    "areas": Column("Process areas", csv=many(ProcessArea.code, ProposalArea.proposal_id == Proposal.id,
                                              ProcessArea.id == ProposalArea.area_id), shown=False),
    "objectives": Column("Objectives served", csv=many(
        BusinessObjective.name, ProposalObjective.proposal_id == Proposal.id,
        BusinessObjective.id == ProposalObjective.objective_id)),
    "submitter": Column("Submitted by", (User.name,), User.name, joins=((User, User.id == Proposal.submitter_id),)),
    "submitted": Column("Submitted on", csv=Proposal.created_at, shown=False),
}, default="-priority", load=LOADED)


def proposals_matching(where: ProposalFilter):
    """The proposals the filter selects (LISTING orders and pages them)."""
    return _filtered(select(Proposal), where)


BOARD_COLUMNS = [ProposalStatus.SUBMITTED, ProposalStatus.UNDER_REVIEW, ProposalStatus.ESCALATED,
                 ProposalStatus.ACCEPTED, ProposalStatus.DEFERRED, ProposalStatus.PLANNED, ProposalStatus.IMPLEMENTED]


@dataclass(frozen=True)
class Card:
    """What a card on the board shows of a proposal (read as plain rows: no records built for 140 cards)."""
    id: int
    title: str
    status: ProposalStatus
    priority_score: int
    objectives: list[str]  # the names of the objectives it serves, by name


@dataclass(frozen=True)
class BoardColumn:
    status: ProposalStatus
    total: int  # counted up to COUNT_LIMIT, as a list counts its rows
    more: bool  # more than that
    cards: list[Card]


def board(session: Session, *, where: ProposalFilter, per_column: int = 20) -> list[BoardColumn]:
    """The open proposals by status, highest priority first; the same few queries however many there are."""
    # Each column's count, up to COUNT_LIMIT (as a list counts): a few index entries read per column, where grouping
    # every proposal by status read the whole index (7.9 ms at ten times the synthetic organization).
    counted = [count_to(_filtered(select(Proposal.id), where).where(Proposal.status == status), COUNT_LIMIT + 1)
               .add_columns(sa.literal(status.value)) for status in BOARD_COLUMNS]
    counts = {status: rows for rows, status in session.exec(sa.union_all(*counted)).all()}
    # Each column's first cards by the status-and-priority index: a few rows read per column, not every open
    # proposal ranked (a window over all of them cost the board 5.7x at ten times the data).
    tops = [_filtered(select(Proposal.id), where).where(Proposal.status == status)
            .order_by(Proposal.priority_score.desc(), Proposal.id.desc()).limit(per_column).subquery()
            for status in BOARD_COLUMNS]
    shown = sa.union_all(*(select(top.c.id) for top in tops))
    rows = session.exec(select(Proposal.id, Proposal.title, Proposal.status, Proposal.priority_score)
                        .where(Proposal.id.in_(shown))
                        .order_by(Proposal.priority_score.desc(), Proposal.id.desc())).all()
    served: dict[int, list[str]] = {}
    for proposal_id, name in session.exec(
            select(ProposalObjective.proposal_id, BusinessObjective.name)
            .join(BusinessObjective, BusinessObjective.id == ProposalObjective.objective_id)
            .where(ProposalObjective.proposal_id.in_([row.id for row in rows])).order_by(BusinessObjective.name)):
        served.setdefault(proposal_id, []).append(name)
    by_status: dict[ProposalStatus, list[Card]] = {status: [] for status in BOARD_COLUMNS}
    for row in rows:
        by_status[row.status].append(Card(*row, served.get(row.id, [])))
    return [BoardColumn(status, min(counts[status.value], COUNT_LIMIT), counts[status.value] > COUNT_LIMIT, by_status[status])
            for status in BOARD_COLUMNS]


def get_proposal(session: Session, *, proposal_id: int) -> Proposal:
    """The proposal with what its page shows, or NotFound."""
    return get_or_not_found(session, Proposal, proposal_id, *LOADED, selectinload(Proposal.assets),
                            joinedload(Proposal.duplicate_of), missing="No such proposal.")


COMMENTS_SHOWN = 50  # a proposal's page shows its latest comments; all of them a click away


@dataclass(frozen=True)
class Comments:
    items: list[ProposalComment]  # the latest `shown` (or all), oldest first
    total: int


def comments(session: Session, *, proposal_id: int, everything: bool = False) -> Comments:
    """A proposal's latest COMMENTS_SHOWN comments (all of them: `everything`), oldest first, and how many it has: a
    page with years of discussion (950 comments: 135 KB) shows the latest and links to the rest."""
    latest = (select(ProposalComment).where(ProposalComment.proposal_id == proposal_id)
              .options(joinedload(ProposalComment.author)).order_by(ProposalComment.id.desc()))
    items = list(session.exec(latest if everything else latest.limit(COMMENTS_SHOWN)).all())[::-1]
    total = len(items) if everything or len(items) < COMMENTS_SHOWN else session.exec(
        select(func.count()).where(ProposalComment.proposal_id == proposal_id)).one()
    return Comments(items, total)


def _links(session: Session, data: ProposalInput) -> dict[str, list]:
    return {
        "areas": chosen_records(session, ProcessArea, data.area_ids, field="area_ids"),
        "assets": chosen_records(session, ProcessAsset, data.asset_ids, field="asset_ids"),
        "objectives": chosen_records(session, BusinessObjective, data.objective_ids, field="objective_ids"),
    }


LINKS = {"area_ids": "areas", "asset_ids": "assets", "objective_ids": "objectives"}  # input field: relationship


def linked_ids(proposal: Proposal) -> dict[str, list[int]]:
    """The ids of the records the proposal links, by the input field that sets them (what an edit starts from)."""
    return {field: [item.id for item in getattr(proposal, attr)] for field, attr in LINKS.items()}


LABELS = {"areas": lambda a: a.code, "assets": lambda a: a.title, "objectives": lambda o: o.name}


def _source_record(session: Session, data: ProposalInput) -> dict[str, object]:
    """The record in this tracker the proposal comes from: named in full, and still there."""
    if data.source_entity is None and data.source_id is None:
        return {}
    gone = "The record this proposal comes from no longer exists."
    if data.source_entity is None or data.source_id is None:
        raise ValidationError({"source_ref": gone})
    chosen_records(session, KINDS[data.source_entity].model, [data.source_id], field="source_ref", message=gone)
    return {"source_entity": data.source_entity.value, "source_id": data.source_id}


def submit(session: Session, *, data: ProposalInput, by: User) -> Proposal:
    """Anyone signed in submits a proposal; it is scored at once."""
    return created_one(session, Proposal, lambda: submit_all(session, items=[data], by=by))


LINK_TABLES = {"area_ids": (ProcessArea, ProposalArea, "area_id"), "asset_ids": (ProcessAsset, ProposalAsset, "asset_id"),
               "objective_ids": (BusinessObjective, ProposalObjective, "objective_id")}


def submit_all(session: Session, *, items: list[ProposalInput], by: User) -> list[int]:
    """Submit proposals, each scored at once: the one a form sends, or an import's thousands in a few statements.
    Every one is checked before any is written (ManyInvalid: each refused one's errors, by its position)."""
    authorize(by, "proposal.submit")
    linked = {field: {record.id: record for record in session.exec(select(model).where(model.id.in_(
        {i for item in items for i in getattr(item, field)}))).all()} for field, (model, _, _) in LINK_TABLES.items()}
    weights = current_weights(session)
    errors: dict[int, dict[str, str]] = {}
    rows, links, history = [], [], []
    for n, item in enumerate(items):
        refused = {field: "Choose from the list." for field in LINK_TABLES
                   if any(i not in linked[field] for i in getattr(item, field))}
        try:
            source = _source_record(session, item)
        except ValidationError as error:
            source, refused = {}, refused | error.errors
        if refused:
            errors[n] = refused
            continue
        values = item.model_dump(include=set(FIELDS))
        rows.append(values | source | {"submitter_id": by.id,
                    "priority_score": priority_score(benefit=item.expected_benefit, effort=item.estimated_effort,
                                                     objectives=len(set(item.objective_ids)), weights=weights)})
        links.append({field: sorted(set(getattr(item, field))) for field in LINK_TABLES})
        history.append(values | {LINKS[field]: [LABELS[LINKS[field]](linked[field][i]) for i in ids]
                                 for field, ids in links[-1].items()} | (
            {"source_record": f"{source['source_entity']} #{source['source_id']}"} if source else {}))
    if errors:
        raise ManyInvalid(errors)
    ids = insert_all(session, Proposal, rows)
    for field, (_, table, column) in LINK_TABLES.items():
        link_all(session, table, "proposal_id", ids, [chosen[field] for chosen in links], column)
    record_create_many(session, entity=Proposal.__tablename__, created=list(zip(ids, history, strict=True)), by=by)
    commit(session)
    return ids


def editable_proposal(session: Session, *, proposal_id: int, by: User) -> Proposal:
    """The proposal, if this user may edit it now."""
    proposal = get_proposal(session, proposal_id=proposal_id)
    authorize(by, "proposal.edit", proposal)
    return proposal


def update_proposal(session: Session, *, proposal: Proposal, data: ProposalInput, by: User) -> Proposal:
    """Edit a proposal, refusing an edit made on a stale copy; the score follows."""
    with editing(session, proposal, action="proposal.edit", seen=data.version, by=by) as edit:
        edit.fields(data.model_dump(include=set(FIELDS)))
        for name, items in _links(session, data).items():
            edit.links(name, items, label=LABELS[name])
        proposal.priority_score = score(proposal, current_weights(session))
    return proposal


def move_proposal(session: Session, *, proposal: Proposal, data: ProposalMoveInput, by: User,
                  also: Callable[[], None] | None = None) -> Proposal:
    """Triage or decide: the transition table says who may, and when a rationale is required. `also` records
    what else the move means (a steering review's decision), in the same transaction."""
    def effects() -> dict[str, object]:
        changes: dict[str, object] = {}
        if data.to == ProposalStatus.ESCALATED:
            changes["escalated_on"] = utcnow().date()
        if data.to == ProposalStatus.DUPLICATE:
            changes["duplicate_of_id"] = _original(session, proposal, data.duplicate_of_id)
        if data.rationale or data.to in (ProposalStatus.ACCEPTED, ProposalStatus.REJECTED, ProposalStatus.DEFERRED):
            changes |= {"decision_rationale": data.rationale, "decided_by_id": by.id, "decided_on": utcnow().date()}
        return changes

    make_move(session, proposal, table=PROPOSAL_TRANSITIONS, to=data.to, seen=data.version, by=by,
              action="proposal.move", rationale=data.rationale, effects=effects, then=also,
              shown={"duplicate_of_id": lambda pid: f"#{pid}", "decided_by_id": lambda uid: session.get(User, uid).name})
    return proposal


def _original(session: Session, proposal: Proposal, original_id: int | None) -> int:
    original = session.get(Proposal, original_id) if original_id else None
    if original is None or original.id == proposal.id or original.status == ProposalStatus.DUPLICATE:
        raise ValidationError({"duplicate_of_id": "Choose the proposal this one duplicates."})
    return original.id


def move_proposal_automatically(session: Session, *, proposal: Proposal, to: ProposalStatus, by: User) -> None:
    """A move an action plan makes (planned, back to accepted, implemented); the caller commits."""
    check_move(PROPOSAL_TRANSITIONS, proposal.status, to, role=None)
    record_values(session, proposal, by=by, changed={"status": (proposal.status, to)})
    proposal.status = to
    bump_version(session, proposal, {"status": to})


def add_comment(session: Session, *, proposal: Proposal, data: CommentInput, by: User) -> ProposalComment:
    """Anyone signed in comments on a proposal."""
    authorize(by, "proposal.comment")
    comment = ProposalComment(proposal_id=proposal.id, author_id=by.id, body=data.body)
    session.add(comment)
    flush(session)
    record_create(session, comment, by=by, fields={"proposal": f"#{proposal.id}", "body": data.body})
    commit(session)
    return comment

