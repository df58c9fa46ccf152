"""The life of a steering review: planned (its agenda live), held (the pack frozen as the committee saw it, and
decisions and action items taken), closed with its minutes; or cancelled before it is held."""

from tracker.auth.roles import PG, STEERING
from tracker.reviews.models import MeetingStatus
from tracker.workflow import Move, Transitions

MEETING_TRANSITIONS: Transitions = {
    (MeetingStatus.PLANNED, MeetingStatus.HELD): Move("Hold the meeting (freeze the pack)", roles=PG | STEERING),
    (MeetingStatus.HELD, MeetingStatus.CLOSED): Move("Close with the minutes", roles=PG | STEERING),
    (MeetingStatus.PLANNED, MeetingStatus.CANCELLED): Move("Cancel", roles=PG | STEERING, rationale=True),
}
