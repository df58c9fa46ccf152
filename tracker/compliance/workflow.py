"""Compliance audits and their noncompliances, as tables."""

from tracker.auth.roles import EVERYONE, PG
from tracker.compliance.models import AuditStatus, NoncomplianceStatus
from tracker.workflow import Move, Transitions

AUDIT_TRANSITIONS: Transitions = {
    (AuditStatus.PLANNED, AuditStatus.COMPLETED): Move("Complete audit", roles=PG),
    (AuditStatus.COMPLETED, AuditStatus.PLANNED): Move("Reopen", roles=PG, rationale=True),
}

NONCOMPLIANCE_TRANSITIONS: Transitions = {
    (NoncomplianceStatus.OPEN, NoncomplianceStatus.IN_PROGRESS): Move("Start", roles=EVERYONE),
    (NoncomplianceStatus.OPEN, NoncomplianceStatus.RESOLVED): Move("Resolve", roles=EVERYONE, rationale=True),
    (NoncomplianceStatus.IN_PROGRESS, NoncomplianceStatus.RESOLVED): Move("Resolve", roles=EVERYONE, rationale=True),
    (NoncomplianceStatus.RESOLVED, NoncomplianceStatus.CLOSED): Move("Close", roles=PG),
    (NoncomplianceStatus.RESOLVED, NoncomplianceStatus.OPEN): Move("Reopen", roles=EVERYONE),
}
