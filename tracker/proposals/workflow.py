"""The life of an improvement proposal: triage by the process group, decisions by the steering committee
on escalated ones, then planned and implemented as its action plan moves."""

from tracker.auth.roles import PG, STEERING
from tracker.proposals.models import ProposalStatus
from tracker.workflow import Move, Transitions

PROPOSAL_TRANSITIONS: Transitions = {
    (ProposalStatus.SUBMITTED, ProposalStatus.UNDER_REVIEW): Move("Start review", roles=PG),
    (ProposalStatus.SUBMITTED, ProposalStatus.DUPLICATE): Move("Mark duplicate", roles=PG),
    (ProposalStatus.UNDER_REVIEW, ProposalStatus.ACCEPTED): Move("Accept", roles=PG),
    (ProposalStatus.UNDER_REVIEW, ProposalStatus.REJECTED): Move("Reject", roles=PG, rationale=True),
    (ProposalStatus.UNDER_REVIEW, ProposalStatus.DEFERRED): Move("Defer", roles=PG, rationale=True),
    (ProposalStatus.UNDER_REVIEW, ProposalStatus.ESCALATED): Move("Escalate to steering", roles=PG),
    (ProposalStatus.UNDER_REVIEW, ProposalStatus.DUPLICATE): Move("Mark duplicate", roles=PG),
    (ProposalStatus.ESCALATED, ProposalStatus.ACCEPTED): Move("Accept", roles=STEERING),
    (ProposalStatus.ESCALATED, ProposalStatus.REJECTED): Move("Reject", roles=STEERING, rationale=True),
    (ProposalStatus.ESCALATED, ProposalStatus.DEFERRED): Move("Defer", roles=STEERING, rationale=True),
    (ProposalStatus.DEFERRED, ProposalStatus.UNDER_REVIEW): Move("Reopen", roles=PG),
    # Made by action plans: addressed by a plan, released by it, implemented when it completes.
    (ProposalStatus.ACCEPTED, ProposalStatus.PLANNED): Move("Planned", automatic=True),
    (ProposalStatus.PLANNED, ProposalStatus.ACCEPTED): Move("Back to accepted", automatic=True),
    (ProposalStatus.PLANNED, ProposalStatus.IMPLEMENTED): Move("Implemented", automatic=True),
    (ProposalStatus.IMPLEMENTED, ProposalStatus.CLOSED): Move("Close", roles=PG),
}
