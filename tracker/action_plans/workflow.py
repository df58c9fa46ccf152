"""The lives of action plans, commitments and plan issues, as tables."""

from tracker.action_plans.models import CommitmentStatus as C
from tracker.action_plans.models import IssueStatus as I
from tracker.action_plans.models import PlanStatus as P
from tracker.auth.roles import EVERYONE, PG, STEERING
from tracker.workflow import Move, Transitions

PLAN_TRANSITIONS: Transitions = {
    (P.DRAFT, P.IN_REVIEW): Move("Submit for review", roles=PG),
    (P.IN_REVIEW, P.APPROVED): Move("Approve", roles=STEERING),
    (P.IN_REVIEW, P.DRAFT): Move("Return to draft", roles=PG | STEERING, rationale=True),
    (P.APPROVED, P.IN_PROGRESS): Move("Start implementing", roles=PG),
    (P.APPROVED, P.DRAFT): Move("Revise", roles=PG, rationale=True),
    (P.IN_PROGRESS, P.DRAFT): Move("Revise", roles=PG, rationale=True),
    (P.IN_PROGRESS, P.COMPLETED): Move("Complete", roles=PG),
    (P.DRAFT, P.CANCELLED): Move("Cancel", roles=PG, rationale=True),
    (P.IN_REVIEW, P.CANCELLED): Move("Cancel", roles=PG, rationale=True),
    (P.APPROVED, P.CANCELLED): Move("Cancel", roles=PG, rationale=True),
    (P.IN_PROGRESS, P.CANCELLED): Move("Cancel", roles=PG, rationale=True),
}
# The plan's own fields change only in draft: an approved plan is revised through a new approval.
EDITABLE = frozenset({P.DRAFT})
# Work (team, commitments, issues, reviews) goes on until the plan is finished.
OPEN = frozenset({P.DRAFT, P.IN_REVIEW, P.APPROVED, P.IN_PROGRESS})

COMMITMENT_TRANSITIONS: Transitions = {
    (C.OPEN, C.IN_PROGRESS): Move("Start", roles=EVERYONE),
    (C.OPEN, C.DONE): Move("Done", roles=EVERYONE),
    (C.IN_PROGRESS, C.DONE): Move("Done", roles=EVERYONE),
    (C.DONE, C.OPEN): Move("Reopen", roles=EVERYONE),
    (C.OPEN, C.CANCELLED): Move("Cancel", roles=PG),
    (C.IN_PROGRESS, C.CANCELLED): Move("Cancel", roles=PG),
}

ISSUE_TRANSITIONS: Transitions = {
    (I.OPEN, I.IN_PROGRESS): Move("Start", roles=EVERYONE),
    (I.OPEN, I.RESOLVED): Move("Resolve", roles=EVERYONE, rationale=True),
    (I.IN_PROGRESS, I.RESOLVED): Move("Resolve", roles=EVERYONE, rationale=True),
    (I.RESOLVED, I.CLOSED): Move("Close", roles=PG),
    (I.RESOLVED, I.OPEN): Move("Reopen", roles=EVERYONE),
}
