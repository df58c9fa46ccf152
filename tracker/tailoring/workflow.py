"""The review of a tailoring record by the process group."""

from tracker.auth.roles import PG
from tracker.tailoring.models import TailoringStatus
from tracker.workflow import Move, Transitions

TAILORING_TRANSITIONS: Transitions = {
    (TailoringStatus.REQUESTED, TailoringStatus.APPROVED): Move("Approve", roles=PG),
    (TailoringStatus.REQUESTED, TailoringStatus.REJECTED): Move("Reject", roles=PG, rationale=True),
    (TailoringStatus.APPROVED, TailoringStatus.REQUESTED): Move("Reopen", roles=PG, rationale=True),
    (TailoringStatus.REJECTED, TailoringStatus.REQUESTED): Move("Reopen", roles=PG, rationale=True),
}
