"""Compliance audits and their noncompliances, as tables."""

from tracker.audits.models import AuditStatus as A
from tracker.audits.models import NoncomplianceStatus as N
from tracker.auth.roles import EVERYONE, PG
from tracker.workflow import Move, Transitions

AUDIT_TRANSITIONS: Transitions = {
    (A.PLANNED, A.COMPLETED): Move("Complete audit", roles=PG),
    (A.COMPLETED, A.PLANNED): Move("Reopen", roles=PG, rationale=True),
}

NONCOMPLIANCE_TRANSITIONS: Transitions = {
    (N.OPEN, N.IN_PROGRESS): Move("Start", roles=EVERYONE),
    (N.OPEN, N.RESOLVED): Move("Resolve", roles=EVERYONE, rationale=True),
    (N.IN_PROGRESS, N.RESOLVED): Move("Resolve", roles=EVERYONE, rationale=True),
    (N.RESOLVED, N.CLOSED): Move("Close", roles=PG),
    (N.RESOLVED, N.OPEN): Move("Reopen", roles=EVERYONE),
}
