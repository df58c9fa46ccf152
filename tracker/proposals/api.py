"""Proposals through the JSON API: the list with the page's filters and sorts, a proposal, submitting and editing
one, its workflow moves, its comments and commenting; the same services as the pages."""

from datetime import date, datetime

from flask import url_for
from flask_login import current_user
from pydantic import BaseModel, Field
from sqlalchemy.orm import joinedload, selectinload

from tracker.api import answer, body_of, endpoint, link, saved, versioned
from tracker.api.schemas import ListQuery, Ref, list_of, listed, listed_whole, sorts
from tracker.db import get_session
from tracker.proposals import service
from tracker.proposals.forms import CommentInput, ProposalInput, ProposalMoveInput
from tracker.proposals.models import Proposal, ProposalComment, ProposalSource, ProposalStatus
from tracker.validation import Id

TAG = "Proposals"


class ProposalOut(BaseModel):
    id: int
    title: str
    problem: str
    proposed_change: str
    status: ProposalStatus
    source: ProposalSource
    source_ref: str
    expected_benefit: int
    estimated_effort: int
    priority_score: int
    decision_rationale: str
    decided_on: date | None
    decided_by: Ref | None = Field(description="Who made its last decision (accepted, rejected, ...)")
    escalated_on: date | None
    duplicate_of: Ref | None
    submitter: Ref
    areas: list[Ref]
    assets: list[Ref]
    objectives: list[Ref]
    created_at: datetime
    version: int = Field(description="Bumped by every change; the ETag says it too")
    url: str
    html_url: str

    @classmethod
    def of(cls, proposal: Proposal) -> "ProposalOut":
        return cls(
            **{name: getattr(proposal, name) for name in (
                "id", "title", "problem", "proposed_change", "status", "source", "source_ref", "expected_benefit",
                "estimated_effort", "priority_score", "decision_rationale", "decided_on", "escalated_on",
                "created_at", "version")},
            duplicate_of=Ref(id=proposal.duplicate_of_id, name=f"#{proposal.duplicate_of_id}",
                             url=link("get_proposal", proposal_id=proposal.duplicate_of_id))
            if proposal.duplicate_of_id else None,
            decided_by=Ref(id=proposal.decided_by.id, name=proposal.decided_by.name) if proposal.decided_by else None,
            submitter=Ref(id=proposal.submitter.id, name=proposal.submitter.name),
            areas=[Ref(id=area.id, name=area.code) for area in proposal.areas],
            assets=[Ref(id=asset.id, name=asset.title, url=link("get_asset", asset_id=asset.id))
                    for asset in proposal.assets],
            objectives=[Ref(id=objective.id, name=objective.name, url=link("get_objective", objective_id=objective.id))
                        for objective in proposal.objectives],
            url=link("get_proposal", proposal_id=proposal.id),
            html_url=url_for("proposals.detail", proposal_id=proposal.id))


ProposalList = list_of(ProposalOut, "ProposalList")


class ProposalQuery(ListQuery):
    q: str = Field(default="", max_length=100, description="Text in the title or problem")
    status: ProposalStatus | None = None
    source: ProposalSource | None = None
    area: Id | None = Field(default=None, description="A process area's id")
    objective: Id | None = Field(default=None, description="A business objective's id: the proposals serving it")
    submitter: Id | None = Field(default=None, description="A person's id: the proposals they submitted")
    mine: bool = Field(default=False, description="Only the proposals you submitted (instead of `submitter`)")
    unaligned: bool = Field(default=False, description="Only proposals serving no business objective")
    sort: sorts(service.LISTING) = service.LISTING.default


LOADED = (*service.LOADED, selectinload(Proposal.assets), joinedload(Proposal.decided_by))

ProposalBody = body_of(ProposalInput, "Proposal")
ProposalChange = body_of(ProposalInput, "ProposalChange", partial=True)
MoveBody = body_of(ProposalMoveInput, "ProposalMove")
CommentBody = body_of(CommentInput, "Comment")


@endpoint("/proposals", action="read", query=ProposalQuery, out=ProposalList, tag=TAG)
def list_proposals(query: ProposalQuery):
    """The proposals the filters select, in the order asked (by priority, highest first, unless `sort` says)."""
    where = service.ProposalFilter(q=query.q, status=query.status, source=query.source, area_id=query.area,
                                   objective_id=query.objective,
                                   submitter_id=current_user.id if query.mine else query.submitter,
                                   unaligned=query.unaligned)
    return listed(service.LISTING, service.proposals_matching(where), query, out=ProposalOut.of,
                  answer_as=ProposalList, load=LOADED)


@endpoint("/proposals/<int:proposal_id>", action="read", out=ProposalOut, tag=TAG)
def get_proposal(proposal_id: int):
    """One proposal."""
    proposal = service.get_proposal(get_session(), proposal_id=proposal_id)
    return answer(ProposalOut.of(proposal), record=proposal)


@endpoint("/proposals", method="POST", action="proposal.submit", body=ProposalBody, out=ProposalOut, status=201,
          write=True, tag=TAG)
def submit_proposal(body: ProposalInput):
    """Submit a proposal (anyone may): it is scored at once."""
    session = get_session()
    proposal = service.submit(session, data=body, by=current_user)
    proposal = service.get_proposal(session, proposal_id=proposal.id)
    return answer(ProposalOut.of(proposal), status=201, record=proposal,
                  location=link("get_proposal", proposal_id=proposal.id))


@endpoint("/proposals/<int:proposal_id>", method="PATCH", action="proposal.edit", body=ProposalChange,
          out=ProposalOut, write=True, if_match=True, tag=TAG)
def edit_proposal(proposal_id: int, body: BaseModel):
    """Change a proposal's fields (the process group any open proposal; its submitter while it is submitted)."""
    session = get_session()
    proposal = service.editable_proposal(session, proposal_id=proposal_id, by=current_user)
    data = versioned(ProposalInput, body, over=_as_submitted(proposal))
    return saved(lambda: service.update_proposal(session, proposal=proposal, data=data, by=current_user),
                 read=lambda: service.get_proposal(session, proposal_id=proposal_id), out=ProposalOut.of)


def _as_submitted(proposal: Proposal) -> dict:
    return {name: getattr(proposal, name) for name in service.FIELDS} | service.linked_ids(proposal)


@endpoint("/proposals/<int:proposal_id>/moves", method="POST", action="proposal.move", body=MoveBody,
          out=ProposalOut, write=True, if_match=True, tag=TAG)
def move_proposal(proposal_id: int, body: MoveBody):
    """Move a proposal along its workflow (`to`: the status; the moves each role may make are the pages')."""
    session = get_session()
    proposal = service.get_proposal(session, proposal_id=proposal_id)
    data = versioned(ProposalMoveInput, body)
    return saved(lambda: service.move_proposal(session, proposal=proposal, data=data, by=current_user),
                 read=lambda: service.get_proposal(session, proposal_id=proposal_id), out=ProposalOut.of)


class CommentOut(BaseModel):
    id: int
    author: Ref
    body: str
    created_at: datetime

    @classmethod
    def of(cls, comment: ProposalComment) -> "CommentOut":
        return cls(id=comment.id, author=Ref(id=comment.author.id, name=comment.author.name), body=comment.body,
                   created_at=comment.created_at)


CommentList = list_of(CommentOut, "CommentList")


class CommentQuery(ListQuery):
    pass


@endpoint("/proposals/<int:proposal_id>/comments", action="read", query=CommentQuery, out=CommentList, tag=TAG)
def list_proposal_comments(proposal_id: int, query: CommentQuery):
    """A proposal's comments, the oldest first."""
    session = get_session()
    proposal = service.get_proposal(session, proposal_id=proposal_id)
    comments = service.comments(session, proposal_id=proposal.id, everything=True)
    return listed_whole(comments.items, query, out=CommentOut.of, answer_as=CommentList)


@endpoint("/proposals/<int:proposal_id>/comments", method="POST", action="proposal.comment", body=CommentBody,
          out=CommentOut, status=201, write=True, tag=TAG)
def comment_on_proposal(proposal_id: int, body: CommentInput):
    """Comment on a proposal (anyone may)."""
    session = get_session()
    proposal = service.get_proposal(session, proposal_id=proposal_id)
    comment = service.add_comment(session, proposal=proposal, data=body, by=current_user)
    return answer(CommentOut(id=comment.id, author=Ref(id=current_user.id, name=current_user.name),
                             body=comment.body, created_at=comment.created_at), status=201)
