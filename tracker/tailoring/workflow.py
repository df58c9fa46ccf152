"""The review of a tailoring record by the process group."""

from tracker.auth.roles import PG
from tracker.tailoring.models import TailoringStatus as T
from tracker.workflow import Move, Transitions

TAILORING_TRANSITIONS: Transitions = {
    (T.REQUESTED, T.APPROVED): Move("Approve", roles=PG),
    (T.REQUESTED, T.REJECTED): Move("Reject", roles=PG, rationale=True),
    (T.APPROVED, T.REQUESTED): Move("Reopen", roles=PG, rationale=True),
    (T.REJECTED, T.REQUESTED): Move("Reopen", roles=PG, rationale=True),
}
