"""Steering review pages: the list, plan and edit a review, and the meeting's page (its agenda, or the frozen pack,
the decisions taken in it, its action items)."""

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker.action_plans import commitments
from tracker.action_plans.forms import CommitmentMoveInput
from tracker.action_plans.workflow import COMMITMENT_TRANSITIONS, PLAN_TRANSITIONS
from tracker.auth.policy import authorize, can, requires
from tracker.db import get_session, utcnow
from tracker.due import add_months
from tracker.history.service import history
from tracker.pilots.models import PilotDecision
from tracker.pilots.workflow import PILOT_TRANSITIONS
from tracker.proposals.workflow import PROPOSAL_TRANSITIONS
from tracker.reviews import agenda, pack, service
from tracker.reviews.forms import ActionItemInput, DecisionInput, MeetingInput, MeetingMoveInput
from tracker.reviews.models import MeetingStatus, ReviewMeeting
from tracker.reviews.workflow import MEETING_TRANSITIONS
from tracker.validation import parse
from tracker.web import (
    RecordForm,
    form_values,
    htmx,
    in_place_or_go_to,
    list_page,
    page_or_fragment,
    query_enum,
    query_text,
    says,
    section_forms,
    write_in_place,
)
from tracker.workflow import allowed_moves

bp = Blueprint("reviews", __name__, url_prefix="/reviews")

TABLES = {"proposal": PROPOSAL_TRANSITIONS, "action_plan": PLAN_TRANSITIONS, "pilot": PILOT_TRANSITIONS}


@bp.get("/")
@requires("read")
def index():
    where = service.MeetingFilter(q=query_text("q"), status=query_enum(MeetingStatus, "status"))
    return list_page(service.LISTING, service.meetings_matching(where), "reviews/index.html", "reviews/_table.html",
                     where=where, statuses=list(MeetingStatus))


def meeting_page(meeting_id: int, *, notice: str = "", **forms: dict | None):
    """The review's page; a refused form's values and errors in `forms` (move, decision, item) make it a 422;
    `notice` says what an in-place action did."""
    session = get_session()
    meeting = service.get_meeting(session, meeting_id=meeting_id)
    today = utcnow().date()
    status, sections = section_forms(forms, "move", "decision", "item",
                                     defaults={"item": {"due_date": str(today)}})
    held = meeting.status == MeetingStatus.HELD
    return page_or_fragment(
        "reviews/detail.html", "reviews/detail.html", http_status=status, meeting=meeting,
        pack=pack.render(session, meeting=meeting) if meeting.status == MeetingStatus.PLANNED else meeting.pack,
        waiting=agenda.decisions(session) if held else [], links=pack.LINKS,
        decision_moves=lambda item: allowed_moves(TABLES[item.entity], item.status, current_user.roles),
        pilot_decisions=list(PilotDecision), items=commitments.of_meeting(session, meeting_id=meeting.id),
        item_moves=lambda c: allowed_moves(COMMITMENT_TRANSITIONS, c.status, current_user.roles)
        if can(current_user, "commitment.update", c) else [],
        moves=allowed_moves(MEETING_TRANSITIONS, meeting.status, current_user.roles),
        history=history(session, entity="review_meeting", entity_ids=[meeting.id]), notice=notice, **sections)


@bp.get("/<int:meeting_id>")
@requires("read")
def detail(meeting_id: int):
    return meeting_page(meeting_id)


def _values(meeting: ReviewMeeting) -> MultiDict:
    values = form_values(meeting, service.FIELDS)
    values.setlist("attendee_ids", [str(person.id) for person in meeting.attendees])
    return values


def _url_of(meeting: ReviewMeeting) -> str:
    return url_for("reviews.detail", meeting_id=meeting.id)


FORM = RecordForm(MeetingInput, "reviews/form.html", "reviews/_form.html", "meeting", _values,
                  options=lambda _: {})


@bp.get("/new")
@requires("review.edit")
def new():
    today = utcnow().date()
    values = MultiDict({"held_on": str(today), "period_to": str(today),  # the last three months and this one
                        "period_from": str(add_months(today.replace(day=1), -3))})
    values.setlist("attendee_ids", [str(current_user.id)])
    return FORM.show(values=values)


@bp.post("/")
@requires("review.edit")
def create():
    return FORM.post(lambda data: service.create_meeting(get_session(), data=data, by=current_user), done=_url_of)


@bp.get("/<int:meeting_id>/edit")
@requires("review.edit")
def edit(meeting_id: int):
    meeting = service.get_meeting(get_session(), meeting_id=meeting_id)
    authorize(current_user, "review.edit", meeting)  # a held review's form is not offered: its pack is frozen
    return FORM.edit(meeting)


@bp.post("/<int:meeting_id>")
@requires("review.edit")
def update(meeting_id: int):
    session = get_session()
    meeting = service.get_meeting(session, meeting_id=meeting_id)
    return FORM.post(lambda data: service.update_meeting(session, meeting=meeting, data=data, by=current_user),
                     done=_url_of, record=meeting, reload=lambda: service.get_meeting(session, meeting_id=meeting_id))


@bp.post("/<int:meeting_id>/move")
@requires("review.manage")
def move(meeting_id: int):
    session = get_session()
    meeting = service.get_meeting(session, meeting_id=meeting_id)
    return write_in_place(
        lambda: service.move_meeting(session, meeting=meeting, data=parse(MeetingMoveInput, request.form),
                                     by=current_user,
                                     pack=lambda: pack.render(session, meeting=meeting, frozen=True)),
        page=lambda refused: meeting_page(meeting_id, move=refused), url=_url_of(meeting))


@bp.post("/<int:meeting_id>/decisions")
@requires("review.decide")
@says("Decision recorded.")
def decide(meeting_id: int):
    session = get_session()
    meeting = service.get_meeting(session, meeting_id=meeting_id)
    return write_in_place(
        lambda: service.decide(session, meeting=meeting, data=parse(DecisionInput, request.form), by=current_user),
        page=lambda refused: meeting_page(meeting_id, decision=refused), url=_url_of(meeting))


@bp.post("/<int:meeting_id>/action-items")
@requires("review.manage")
@says("Action item given.")
def add_action_item(meeting_id: int):
    session = get_session()
    meeting = service.get_meeting(session, meeting_id=meeting_id)
    return write_in_place(
        lambda: service.add_action_item(session, meeting=meeting, data=parse(ActionItemInput, request.form),
                                        by=current_user),
        page=lambda refused: meeting_page(meeting_id, item=refused), url=_url_of(meeting))


@bp.post("/<int:meeting_id>/action-items/<int:commitment_id>/move")
@requires("commitment.update")
def move_action_item(meeting_id: int, commitment_id: int):
    """Its owner (or the process group) starts or completes an action item from the review's page."""
    session = get_session()
    commitment = commitments.updatable_commitment(session, commitment_id=commitment_id, by=current_user)
    if commitment.meeting_id != meeting_id:
        abort(404)
    commitments.move_commitment(session, commitment=commitment, data=parse(CommitmentMoveInput, request.form),
                                by=current_user)
    return in_place_or_go_to(url_for("reviews.detail", meeting_id=meeting_id), lambda: meeting_page(meeting_id))


@bp.post("/<int:meeting_id>/mail")
@requires("review.manage")
def mail_pack(meeting_id: int):
    session = get_session()
    meeting = service.get_meeting(session, meeting_id=meeting_id)
    what, sent = service.mail_pack(session, meeting=meeting, by=current_user)
    what = "minutes and the pack" if what == "minutes" else "pack"
    notice = (f"The {what} went to {sent} attendee{'' if sent == 1 else 's'}." if sent
              else f"Every attendee has had the {what} already.")
    if not htmx:  # said on the page it is redirected to
        flash(notice, "info")
    return in_place_or_go_to(_url_of(meeting), lambda: meeting_page(meeting_id, notice=notice))

