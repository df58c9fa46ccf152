"""The life of an improvement proposal: triage by the process group, decisions by the steering committee
on escalated ones, then planned and implemented as its action plan moves."""

from tracker.auth.roles import PG, STEERING
from tracker.proposals.models import ProposalStatus as S
from tracker.workflow import Move, Transitions

PROPOSAL_TRANSITIONS: Transitions = {
    (S.SUBMITTED, S.UNDER_REVIEW): Move("Start review", roles=PG),
    (S.SUBMITTED, S.DUPLICATE): Move("Mark duplicate", roles=PG),
    (S.UNDER_REVIEW, S.ACCEPTED): Move("Accept", roles=PG),
    (S.UNDER_REVIEW, S.REJECTED): Move("Reject", roles=PG, rationale=True),
    (S.UNDER_REVIEW, S.DEFERRED): Move("Defer", roles=PG, rationale=True),
    (S.UNDER_REVIEW, S.ESCALATED): Move("Escalate to steering", roles=PG),
    (S.UNDER_REVIEW, S.DUPLICATE): Move("Mark duplicate", roles=PG),
    (S.ESCALATED, S.ACCEPTED): Move("Accept", roles=STEERING),
    (S.ESCALATED, S.REJECTED): Move("Reject", roles=STEERING, rationale=True),
    (S.ESCALATED, S.DEFERRED): Move("Defer", roles=STEERING, rationale=True),
    (S.DEFERRED, S.UNDER_REVIEW): Move("Reopen", roles=PG),
    # Made by action plans: addressed by a plan, released by it, implemented when it completes.
    (S.ACCEPTED, S.PLANNED): Move("Planned", automatic=True),
    (S.PLANNED, S.ACCEPTED): Move("Back to accepted", automatic=True),
    (S.PLANNED, S.IMPLEMENTED): Move("Implemented", automatic=True),
    (S.IMPLEMENTED, S.CLOSED): Move("Close", roles=PG),
}

# Statuses in which the submitter may still edit their own proposal.
EDITABLE_BY_SUBMITTER = frozenset({S.SUBMITTED})
# Statuses in which the proposal is finished with: only the workflow changes it then, never the edit form.
FINAL = frozenset({S.REJECTED, S.CLOSED, S.DUPLICATE})
EDITABLE = frozenset(S) - FINAL
