"""Proposal pages: list and board with filters, submit, detail with triage buttons and comments, edit."""

from flask import Blueprint, flash, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker.auth.policy import requires
from tracker.db import get_session
from tracker.errors import Conflict, NotFound, ValidationError
from tracker.process_areas.service import list_areas
from tracker.proposals import priority, service, sources
from tracker.proposals.forms import (
    AttachSourceInput,
    CommentInput,
    ProposalInput,
    ProposalMoveInput,
    WeightsInput,
)
from tracker.proposals.models import Proposal, ProposalSource, ProposalStatus, SourceEntity
from tracker.proposals.page import read_page
from tracker.proposals.workflow import PROPOSAL_TRANSITIONS
from tracker.validation import parse
from tracker.web import (
    LookupFilters,
    PageOnly,
    RecordForm,
    form_values,
    fragment_requested,
    go_to,
    list_args,
    list_page,
    page_or_fragment,
    query_enum,
    query_id,
    query_lookups,
    query_text,
    says,
    write_in_place,
)
from tracker.workflow import allowed_moves

bp = Blueprint("proposals", __name__, url_prefix="/proposals")


def _filter(chosen: LookupFilters) -> service.ProposalFilter:
    return service.ProposalFilter(
        q=query_text("q"), status=query_enum(ProposalStatus, "status"),
        source=query_enum(ProposalSource, "source"), area_id=query_id("area"),
        objective_id=chosen.ids["objective"],
        submitter_id=current_user.id if request.args.get("mine") else chosen.ids["submitter"],
        unaligned=bool(request.args.get("unaligned")))


@bp.get("/")
@requires("read")
def index():
    session, chosen = get_session(), query_lookups({"submitter": "person", "objective": "objective"})
    where = _filter(chosen)
    as_board = request.args.get("view") == "board"
    context = {"where": where, "as_board": as_board, "statuses": list(ProposalStatus),
               "sources": list(ProposalSource), "areas": PageOnly(lambda: list_areas(session)),
               "chosen": chosen,
               "mine": bool(request.args.get("mine"))}
    if as_board:  # a status the board has no column for (rejected, closed, duplicate) is said, not shown empty
        off_board = where.status is not None and where.status not in service.BOARD_COLUMNS
        return page_or_fragment("proposals/index.html", "proposals/_results.html",
                                columns=[] if off_board else service.board(session, where=where), off_board=off_board,
                                listing=service.LISTING, sort=service.LISTING.sort_of(request.args.get("sort")),
                                args=list_args(), **context)
    return list_page(service.LISTING, service.proposals_matching(where), "proposals/index.html",
                     "proposals/_results.html", **context)


@bp.get("/<int:proposal_id>")
@requires("read")
def detail(proposal_id: int):
    return _detail(service.get_proposal(get_session(), proposal_id=proposal_id))


SECTION_TEMPLATES = {"page": "proposals/detail.html", "comments": "proposals/_comments.html"}


def _detail(proposal: Proposal, *, section: str = "page", **forms: dict | None):
    """The proposal's page, or one section of it (reading only that section's parts: tracker/proposals/page.py);
    a refused form's values and errors in `forms` (move, comment) make it a 422."""
    move, comment = forms.get("move") or {}, forms.get("comment") or {}
    return page_or_fragment(
        "proposals/detail.html", SECTION_TEMPLATES[section], http_status=422 if any(forms.values()) else 200,
        **vars(read_page(get_session(), proposal, section=section if fragment_requested() else "page",
                         all_comments=request.args.get("comments") == "all")),
        moves=allowed_moves(PROPOSAL_TRANSITIONS, proposal.status, current_user.roles),
        move_errors=move.get("errors", {}), move_values=move.get("values", MultiDict()),
        comment_values=comment.get("values", MultiDict()), comment_errors=comment.get("errors", {}),
    )


@bp.post("/attach/<entity>/<int:record_id>")
@requires("proposal.attach")
def attach_source(entity: str, record_id: int):
    """A noncompliance, finding or piece of feedback attached to a proposal already raised: the record's line
    again, in place (with the error beside the number when refused); a plain post goes back to its page."""
    kind = next((k for k in sources.ATTACHABLE if k.value == entity), None)
    if kind is None:
        raise NotFound("Nothing of that kind is attached to proposals here.")
    session = get_session()
    try:
        sources.attach(session, entity=kind, record_id=record_id,
                       proposal_id=parse(AttachSourceInput, request.form).proposal_id, by=current_user)
    except ValidationError as refused:
        return _attached(session, kind, record_id, values=request.form, errors=refused.errors, status=422)
    if not fragment_requested():
        return go_to(sources.link(session, entity=kind, record_id=record_id).url)
    return _attached(session, kind, record_id)


def _attached(session, kind: SourceEntity, record_id: int, *, values=None, errors=None, status: int = 200):
    return page_or_fragment("proposals/_attach.html", "proposals/_attach.html", http_status=status,
                            entity=kind.value, record_id=record_id,
                            attached=sources.attached_from(session, entity=kind, ids=[record_id]).get(record_id, []),
                            attach_values=values or MultiDict(), attach_errors=errors or {})


@bp.get("/new")
@requires("proposal.submit")
def new():
    values = {"expected_benefit": "3", "estimated_effort": "3"}
    source, source_id = query_enum(SourceEntity, "from"), query_id("from_id")
    if source and source_id:  # "Propose an improvement" on a noncompliance, a lesson, a piece of feedback
        values |= sources.draft(get_session(), entity=source, record_id=source_id)
    return FORM.show(values=MultiDict(values))


@bp.post("/")
@requires("proposal.submit")
@says("Proposal submitted.")
def create():
    return FORM.post(lambda data: service.submit(get_session(), data=data, by=current_user), done=_url_of)


@bp.get("/<int:proposal_id>/edit")
@requires("proposal.edit")
def edit(proposal_id: int):
    return FORM.edit(service.editable_proposal(get_session(), proposal_id=proposal_id, by=current_user))


@bp.post("/<int:proposal_id>")
@requires("proposal.edit")
def update(proposal_id: int):
    session = get_session()
    proposal = service.editable_proposal(session, proposal_id=proposal_id, by=current_user)
    return FORM.post(lambda data: service.update_proposal(session, proposal=proposal, data=data, by=current_user),
                     done=_url_of, record=proposal, reload=lambda: service.get_proposal(session, proposal_id=proposal_id))


@bp.post("/<int:proposal_id>/move")
@requires("proposal.move")
def move(proposal_id: int):
    session = get_session()
    proposal = service.get_proposal(session, proposal_id=proposal_id)
    return write_in_place(
        lambda: service.move_proposal(session, proposal=proposal, data=parse(ProposalMoveInput, request.form), by=current_user),
        url=url_for("proposals.detail", proposal_id=proposal.id),
        page=lambda refused: _detail(proposal, move=refused))


@bp.post("/<int:proposal_id>/comments")
@requires("proposal.comment")
@says("Comment added.")
def comment(proposal_id: int):
    session = get_session()
    proposal = service.get_proposal(session, proposal_id=proposal_id)
    return write_in_place(
        lambda: service.add_comment(session, proposal=proposal, data=parse(CommentInput, request.form),
                                    by=current_user),
        page=lambda refused: _detail(proposal, section="comments", comment=refused))


def _values(proposal: Proposal) -> MultiDict:
    values = form_values(proposal, service.FIELDS)
    for name, ids in service.linked_ids(proposal).items():
        values.setlist(name, [str(id_) for id_ in ids])
    return values


def _options(_proposal: Proposal | None) -> dict:
    session = get_session()
    return {"sources": list(ProposalSource), "areas": list_areas(session)}


def _url_of(proposal: Proposal) -> str:
    return url_for("proposals.detail", proposal_id=proposal.id)


FORM = RecordForm(ProposalInput, "proposals/form.html", "proposals/_form.html", "proposal", _values, options=_options)


@bp.get("/priority-weights")
@requires("settings.manage")
def weights():
    current = priority.current_weights(get_session())
    values = form_values(current, ("benefit", "alignment", "effort", "version"))
    return _weights_form(values=values)


@bp.post("/priority-weights")
@requires("settings.manage")
def save_weights():
    session = get_session()
    try:
        priority.set_weights(session, data=parse(WeightsInput, request.form), by=current_user)
    except ValidationError as error:
        return _weights_form(values=request.form, errors=error.errors, status=422)
    except Conflict as error:
        return _weights_form(values=request.form, errors={"__all__": error.message}, status=409)
    flash("Weights saved; every proposal has been re-scored.", "info")
    return go_to(url_for("proposals.index"))


def _weights_form(*, values: MultiDict, errors: dict | None = None, status: int = 200):
    return page_or_fragment("proposals/weights.html", "proposals/_weights_form.html", http_status=status, values=values,
                            errors=errors or {})
