"""The life of a pilot: planned, running, evaluated, decided by the steering committee (or extended)."""

from tracker.auth.roles import PG, STEERING
from tracker.pilots.models import PilotStatus as S
from tracker.workflow import Move, Transitions

PILOT_TRANSITIONS: Transitions = {
    (S.PLANNED, S.RUNNING): Move("Start pilot", roles=PG),
    (S.RUNNING, S.EVALUATING): Move("Evaluate results", roles=PG),
    (S.EVALUATING, S.DECIDED): Move("Decide", roles=STEERING, rationale=True),
    # Deciding "extend" sends the pilot back to running, with the decision and its reason on record.
    (S.EVALUATING, S.RUNNING): Move("Extend", roles=STEERING, rationale=True),
}
EDITABLE = frozenset({S.PLANNED, S.RUNNING, S.EVALUATING})
