"""The life of a pilot: planned, running, evaluated, decided by the steering committee (or extended)."""

from tracker.auth.roles import PG, STEERING
from tracker.pilots.models import PilotStatus
from tracker.workflow import Move, Transitions

PILOT_TRANSITIONS: Transitions = {
    (PilotStatus.PLANNED, PilotStatus.RUNNING): Move("Start pilot", roles=PG),
    (PilotStatus.RUNNING, PilotStatus.EVALUATING): Move("Evaluate results", roles=PG),
    (PilotStatus.EVALUATING, PilotStatus.DECIDED): Move("Decide", roles=STEERING, rationale=True),
    # Deciding "extend" sends the pilot back to running, with the decision and its reason on record.
    (PilotStatus.EVALUATING, PilotStatus.RUNNING): Move("Extend", roles=STEERING, rationale=True),
}
