"""The lives of action plans, commitments and plan issues, as tables."""

from tracker.action_plans.models import CommitmentStatus, IssueStatus, PlanStatus
from tracker.auth.roles import EVERYONE, PG, STEERING
from tracker.workflow import Move, Transitions

PLAN_TRANSITIONS: Transitions = {
    (PlanStatus.DRAFT, PlanStatus.IN_REVIEW): Move("Submit for review", roles=PG),
    (PlanStatus.IN_REVIEW, PlanStatus.APPROVED): Move("Approve", roles=STEERING),
    (PlanStatus.IN_REVIEW, PlanStatus.DRAFT): Move("Return to draft", roles=PG | STEERING, rationale=True),
    (PlanStatus.APPROVED, PlanStatus.IN_PROGRESS): Move("Start implementing", roles=PG),
    (PlanStatus.APPROVED, PlanStatus.DRAFT): Move("Revise", roles=PG, rationale=True),
    (PlanStatus.IN_PROGRESS, PlanStatus.DRAFT): Move("Revise", roles=PG, rationale=True),
    (PlanStatus.IN_PROGRESS, PlanStatus.COMPLETED): Move("Complete", roles=PG),
    (PlanStatus.DRAFT, PlanStatus.CANCELLED): Move("Cancel", roles=PG, rationale=True),
    (PlanStatus.IN_REVIEW, PlanStatus.CANCELLED): Move("Cancel", roles=PG, rationale=True),
    (PlanStatus.APPROVED, PlanStatus.CANCELLED): Move("Cancel", roles=PG, rationale=True),
    (PlanStatus.IN_PROGRESS, PlanStatus.CANCELLED): Move("Cancel", roles=PG, rationale=True),
}

COMMITMENT_TRANSITIONS: Transitions = {
    (CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS): Move("Start", roles=EVERYONE),
    (CommitmentStatus.OPEN, CommitmentStatus.DONE): Move("Done", roles=EVERYONE),
    (CommitmentStatus.IN_PROGRESS, CommitmentStatus.DONE): Move("Done", roles=EVERYONE),
    (CommitmentStatus.DONE, CommitmentStatus.OPEN): Move("Reopen", roles=EVERYONE),
    (CommitmentStatus.OPEN, CommitmentStatus.CANCELLED): Move("Cancel", roles=PG),
    (CommitmentStatus.IN_PROGRESS, CommitmentStatus.CANCELLED): Move("Cancel", roles=PG),
}

ISSUE_TRANSITIONS: Transitions = {
    (IssueStatus.OPEN, IssueStatus.IN_PROGRESS): Move("Start", roles=EVERYONE),
    (IssueStatus.OPEN, IssueStatus.RESOLVED): Move("Resolve", roles=EVERYONE, rationale=True),
    (IssueStatus.IN_PROGRESS, IssueStatus.RESOLVED): Move("Resolve", roles=EVERYONE, rationale=True),
    (IssueStatus.RESOLVED, IssueStatus.CLOSED): Move("Close", roles=PG),
    (IssueStatus.RESOLVED, IssueStatus.OPEN): Move("Reopen", roles=EVERYONE),
}
