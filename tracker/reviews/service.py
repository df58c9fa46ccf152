"""Steering reviews: plan the meeting, hold it (freezing the pack as the committee saw it), take decisions through
each record's own workflow, give action items (commitments), mail the pack, close it with the minutes."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select
from werkzeug.datastructures import MultiDict

from tracker.action_plans import commitments
from tracker.action_plans import service as plans
from tracker.action_plans.forms import PlanMoveInput
from tracker.action_plans.models import ActionPlan, Commitment, PlanStatus
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import commit, flush, get_or_not_found, utcnow
from tracker.editing import editing
from tracker.errors import InvalidTransition, ValidationError
from tracker.history.service import record_create, record_values
from tracker.listing import Column, Listing
from tracker.pilots import service as pilots
from tracker.pilots.forms import PilotMoveInput
from tracker.pilots.models import Pilot, PilotDecision
from tracker.proposals import service as proposals
from tracker.proposals.forms import ProposalMoveInput
from tracker.proposals.models import Proposal, ProposalStatus
from tracker.reminders.models import Notification
from tracker.reminders.rules import path_for
from tracker.reviews.forms import ActionItemInput, DecisionInput, MeetingInput, MeetingMoveInput
from tracker.reviews.models import MeetingDecision, MeetingStatus, ReviewMeeting
from tracker.reviews.workflow import MEETING_TRANSITIONS
from tracker.sql import contains
from tracker.validation import chosen_records, parse
from tracker.workflow import make_move

FIELDS = ("title", "held_on", "period_from", "period_to")
PACK_RULE = "review_pack"  # the reminder that brings an attendee the pack (and its email)


@dataclass(frozen=True)
class MeetingFilter:
    q: str = ""  # in the title
    status: MeetingStatus | None = None


LISTING = Listing("steering-reviews", ReviewMeeting.id, {
    "title": Column("Review", (ReviewMeeting.title,), ReviewMeeting.title),
    "date": Column("Date", (ReviewMeeting.held_on,), ReviewMeeting.held_on),
    "period": Column("Period", (ReviewMeeting.period_from,), ReviewMeeting.period_from, csv_label="Period from"),
    "period_to": Column("Period to", csv=ReviewMeeting.period_to, shown=False),
    "chair": Column("Chair", (User.name,), User.name, joins=((User, User.id == ReviewMeeting.chair_id),)),
    "status": Column("Status", (ReviewMeeting.status,), ReviewMeeting.status),
}, default="-date", load=(joinedload(ReviewMeeting.chair),))


def meetings_matching(where: MeetingFilter):
    """The reviews the filter selects (LISTING orders and pages them). Nothing is joined here: the list joins the
    chair only to sort or export by them."""
    statement = select(ReviewMeeting)
    if where.q:
        statement = statement.where(contains(where.q, ReviewMeeting.title))
    if where.status:
        statement = statement.where(ReviewMeeting.status == where.status)
    return statement


def get_meeting(session: Session, *, meeting_id: int) -> ReviewMeeting:
    return get_or_not_found(session, ReviewMeeting, meeting_id, selectinload(ReviewMeeting.attendees),
                            joinedload(ReviewMeeting.chair), missing="No such steering review.")


def _attendees(session: Session, data: MeetingInput) -> list[User]:
    people = chosen_records(session, User, data.attendee_ids, field="attendee_ids")
    if any(not person.active for person in people):
        raise ValidationError({"attendee_ids": "Choose people whose accounts are active."})
    return people


def create_meeting(session: Session, *, data: MeetingInput, by: User) -> ReviewMeeting:
    """Plan a steering review: when, over which period, who attends; the one who plans it chairs it."""
    authorize(by, "review.edit")
    attendees = _attendees(session, data)
    meeting = ReviewMeeting(**data.model_dump(include=set(FIELDS)), chair_id=by.id, attendees=attendees)
    session.add(meeting)
    flush(session)
    record_create(session, meeting, by=by, fields=data.model_dump(include=set(FIELDS))
                  | {"attendees": [person.name for person in attendees], "chair": by.name})
    commit(session)
    return meeting


def update_meeting(session: Session, *, meeting: ReviewMeeting, data: MeetingInput, by: User) -> ReviewMeeting:
    """Change a planned review (not once it is held: its pack is what the committee saw)."""
    with editing(session, meeting, action="review.edit", seen=data.version, by=by) as edit:
        attendees = _attendees(session, data)
        edit.fields(data.model_dump(include=set(FIELDS)))
        edit.links("attendees", attendees, label=lambda person: person.name)
    return meeting


def move_meeting(session: Session, *, meeting: ReviewMeeting, data: MeetingMoveInput, by: User,
                 pack: Callable[[], str]) -> ReviewMeeting:
    """Hold (the pack, rendered by `pack`, is frozen as the committee sees it), close with the minutes, or
    cancel a planned review."""
    def effects() -> dict[str, object]:
        if data.to == MeetingStatus.HELD:
            today = utcnow().date()
            if today < meeting.period_to:
                raise ValidationError({"__all__": f"The period under review ends on {meeting.period_to}: hold the "
                                                  "meeting from that day on, or change its period."})
            return {"pack": pack(), "frozen_at": utcnow(), "held_on": today}  # the day it was actually held
        if data.to == MeetingStatus.CLOSED:
            if not data.minutes:
                raise ValidationError({"minutes": "Write the minutes: what was discussed and agreed."})
            return {"minutes": data.minutes}
        if data.to == MeetingStatus.CANCELLED and data.rationale:
            return {"minutes": f"Cancelled: {data.rationale}"[:8000]}  # shown on the page, not only in the history
        return {}

    make_move(session, meeting, table=MEETING_TRANSITIONS, to=data.to, seen=data.version, by=by,
              action="review.manage", rationale=data.rationale,
              effects=effects, shown={"pack": lambda _: "the pack as shown",
                     "frozen_at": lambda at: at.strftime("%Y-%m-%d %H:%M UTC")})
    return meeting


def _held(meeting: ReviewMeeting, what: str) -> None:
    if meeting.status != MeetingStatus.HELD:
        raise InvalidTransition(f"{what} while the meeting is held (it is {meeting.status.label.lower()}).")


# What the committee decides in a meeting: the record, its move service, the input it parses, and what the
# decision is called once taken.
DECIDES: dict[str, tuple] = {
    "proposal": (Proposal, proposals.move_proposal, ProposalMoveInput, "proposal",
                 lambda record, data: ProposalStatus(data.to).label),
    "action_plan": (ActionPlan, plans.move_plan, PlanMoveInput, "plan",
                    lambda record, data: "Returned to draft" if data.to == PlanStatus.DRAFT else data.to.label),
    "pilot": (Pilot, pilots.move_pilot, PilotMoveInput, "pilot",
              lambda record, data: PilotDecision(data.decision).label if data.decision else data.to.label),
}


def decide(session: Session, *, meeting: ReviewMeeting, data: DecisionInput, by: User) -> MeetingDecision:
    """Take a decision on a record from the agenda, through the record's own transition table (which says who may,
    and whether a reason is required); the meeting keeps the decision, in the same transaction."""
    authorize(by, "review.decide", meeting)
    _held(meeting, "Decisions are taken")
    model, move, form, name, outcome = DECIDES[data.entity]
    record = get_or_not_found(session, model, data.record_id, missing="No such record.")
    move_data = parse(form, MultiDict({"to": data.to, "decision": data.decision, "rationale": data.rationale,
                                       "version": str(data.version)}))
    title = record.title
    decision = MeetingDecision(meeting_id=meeting.id, entity=data.entity, entity_id=record.id, title=title[:200],
                               outcome=outcome(record, move_data)[:100], rationale=data.rationale,
                               decided_by_id=by.id)

    def also() -> None:
        session.add(decision)
        record_values(session, meeting, by=by, changed={"decision": (None, f"{title}: {decision.outcome}")})

    move(session, **{name: record}, data=move_data, by=by, also=also)
    return decision


def add_action_item(session: Session, *, meeting: ReviewMeeting, data: ActionItemInput, by: User) -> Commitment:
    """An action item of the meeting: a commitment with its owner and due date (on a plan, when given)."""
    authorize(by, "review.manage", meeting)
    _held(meeting, "Action items are given")
    if data.due_date < utcnow().date():
        raise ValidationError({"due_date": "An action item is due from today on: it is given now."})
    plan = None
    if data.plan_id is not None:
        plan = session.get(ActionPlan, data.plan_id)
        if plan is None:
            raise ValidationError({"plan_id": "Choose a plan from the list, or none."})
    item = commitments.add(session, plan=plan, data=data, by=by, meeting=meeting)
    record_values(session, meeting, by=by, changed={"action item": (None, data.description)})
    commit(session)
    return item


def mail_pack(session: Session, *, meeting: ReviewMeeting, by: User) -> tuple[str, int]:
    """Send the frozen pack (with the minutes, once closed) to the attendees: a reminder each (in the app, and by
    email as each has chosen), once per frozen pack and once more with the minutes. Returns what was sent (the
    pack, or the minutes) and to how many."""
    authorize(by, "review.manage", meeting)
    if meeting.pack is None:
        raise InvalidTransition("The pack is frozen when the meeting is held: hold it first.")
    # Once per frozen pack, and once more with the minutes when the meeting is closed.
    what = "minutes" if meeting.status == MeetingStatus.CLOSED else "pack"
    subject, period = f"review_meeting:{meeting.id}", f"{what}:{meeting.frozen_at.isoformat()}"[:60]
    had = set(session.exec(select(Notification.recipient_id).where(
        Notification.rule == PACK_RULE, Notification.subject == subject, Notification.period == period)).all())
    link = path_for("reviews.detail", meeting_id=meeting.id)
    sent = [person for person in meeting.attendees if person.id not in had and person.active]
    session.add_all(Notification(rule=PACK_RULE, subject=subject, recipient_id=person.id, period=period,
                                 title=f"Steering review {what}: {meeting.title} ({meeting.held_on})"[:300],
                                 link=link, due_on=meeting.held_on) for person in sent)
    if sent:
        record_values(session, meeting, by=by, changed={f"{what} mailed to": (None, [p.name for p in sent])})
    commit(session)
    return what, len(sent)


def decided_in(session: Session, *, entity: str, entity_id: int) -> list[tuple[int, str, str]]:
    """The steering reviews that decided on this record: (meeting id, its title, the decision), in order."""
    return list(session.exec(select(ReviewMeeting.id, ReviewMeeting.title, MeetingDecision.outcome)
                             .join(MeetingDecision, MeetingDecision.meeting_id == ReviewMeeting.id)
                             .where(MeetingDecision.entity == entity, MeetingDecision.entity_id == entity_id)
                             .order_by(MeetingDecision.id)).all())
