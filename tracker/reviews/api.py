"""Steering reviews (the committee's management review meetings) through the JSON API: the list with the page's
filters and sorts, a meeting with its attendees and the decisions taken in it, and its workflow moves (hold, close
with the minutes, cancel); the same services as the pages."""

from datetime import date, datetime

from flask import url_for
from flask_login import current_user
from pydantic import BaseModel, Field

from tracker.api import answer, body_of, endpoint, link, saved, versioned
from tracker.api.schemas import ListQuery, Ref, list_of, listed, sorts
from tracker.db import get_session
from tracker.reviews import pack, service
from tracker.reviews.forms import Decided, MeetingMoveInput
from tracker.reviews.models import MeetingDecision, MeetingStatus, ReviewMeeting

TAG = "Steering reviews"

# A decided record in the API, by the decision's name for its kind: its endpoint and id parameter.
DECIDED_LINKS = {"proposal": ("get_proposal", "proposal_id"), "action_plan": ("get_plan", "plan_id"),
                 "pilot": ("get_pilot", "pilot_id")}


class MeetingOut(BaseModel):
    id: int
    title: str
    held_on: date = Field(description="When it is (or was) held")
    period_from: date
    period_to: date
    status: MeetingStatus
    chair: Ref
    minutes: str
    frozen_at: datetime | None = Field(description="When its pack was frozen, as the committee saw it")
    created_at: datetime
    version: int = Field(description="Bumped by every change; the ETag says it too")
    url: str
    html_url: str

    @classmethod
    def of(cls, meeting: ReviewMeeting, **more) -> "MeetingOut":
        return cls(**{name: getattr(meeting, name) for name in (
            "id", "title", "held_on", "period_from", "period_to", "status", "minutes", "frozen_at", "created_at",
            "version")},
            chair=Ref(id=meeting.chair.id, name=meeting.chair.name),
            url=link("get_meeting", meeting_id=meeting.id), html_url=url_for("reviews.detail", meeting_id=meeting.id),
            **more)


class DecisionOut(BaseModel):
    entity: Decided = Field(description="The kind of record decided on")
    record: Ref
    outcome: str
    rationale: str
    decided_by: Ref
    at: datetime

    @classmethod
    def of(cls, decision: MeetingDecision) -> "DecisionOut":
        endpoint_name, id_name = DECIDED_LINKS[decision.entity]
        return cls(entity=decision.entity, outcome=decision.outcome, rationale=decision.rationale, at=decision.at,
                   record=Ref(id=decision.entity_id, name=decision.title,
                              url=link(endpoint_name, **{id_name: decision.entity_id})),
                   decided_by=Ref(id=decision.decided_by.id, name=decision.decided_by.name))


class MeetingDetail(MeetingOut):
    attendees: list[Ref]
    decisions: list[DecisionOut] = Field(description="The decisions taken in it, in the order taken")

    @classmethod
    def of(cls, meeting: ReviewMeeting) -> "MeetingDetail":
        return super().of(meeting, attendees=[Ref(id=person.id, name=person.name) for person in meeting.attendees],
                          decisions=[DecisionOut.of(decision) for decision in meeting.decisions])


MeetingList = list_of(MeetingOut, "MeetingList")


class MeetingQuery(ListQuery):
    q: str = Field(default="", max_length=100, description="Text in the title")
    status: MeetingStatus | None = None
    sort: sorts(service.LISTING) = service.LISTING.default


@endpoint("/reviews", action="read", query=MeetingQuery, out=MeetingList, tag=TAG)
def list_meetings(query: MeetingQuery):
    """The steering reviews the filters select, the latest first unless `sort` says."""
    where = service.MeetingFilter(q=query.q, status=query.status)
    return listed(service.LISTING, service.meetings_matching(where), query, out=MeetingOut.of, answer_as=MeetingList)


@endpoint("/reviews/<int:meeting_id>", action="read", out=MeetingDetail, tag=TAG)
def get_meeting(meeting_id: int):
    """One steering review, with its attendees and the decisions taken in it."""
    meeting = service.get_meeting(get_session(), meeting_id=meeting_id)
    return answer(MeetingDetail.of(meeting), record=meeting)


MeetingMoveBody = body_of(MeetingMoveInput, "MeetingMove")


@endpoint("/reviews/<int:meeting_id>/moves", method="POST", action="review.manage", body=MeetingMoveBody,
          out=MeetingDetail, write=True, if_match=True, tag=TAG)
def move_meeting(meeting_id: int, body: MeetingMoveBody):
    """Hold a review (from the end of its period: its pack is frozen as it is now), close it (`minutes` required),
    or cancel a planned one (`rationale` required): the process group and the steering committee."""
    session = get_session()
    meeting = service.get_meeting(session, meeting_id=meeting_id)
    data = versioned(MeetingMoveInput, body)
    return saved(lambda: service.move_meeting(session, meeting=meeting, data=data, by=current_user,
                                              pack=lambda: pack.render(session, meeting=meeting, frozen=True)),
                 read=lambda: service.get_meeting(session, meeting_id=meeting_id), out=MeetingDetail.of)
