"""The priority score: expected benefit, alignment with business objectives, and low effort, weighted."""

from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import commit
from tracker.errors import Conflict, ValidationError
from tracker.history.service import apply_changes, bump_version
from tracker.proposals.forms import WeightsInput
from tracker.proposals.models import PriorityWeights, Proposal

# Serving two objectives counts as fully aligned; serving none as not aligned at all.
FULL_ALIGNMENT = 2


def priority_score(*, benefit: int, effort: int, objectives: int, weights: PriorityWeights) -> int:
    """0..100: each factor scaled to 0..1, then weighted."""
    total = weights.benefit + weights.alignment + weights.effort
    if total == 0:
        return 0
    parts = (weights.benefit * (benefit - 1) / 4 + weights.alignment * min(objectives, FULL_ALIGNMENT) / FULL_ALIGNMENT
             + weights.effort * (5 - effort) / 4)
    return round(100 * parts / total)


def current_weights(session: Session) -> PriorityWeights:
    """The organization's weights (one row, seeded by migration 0005 with the defaults)."""
    return session.exec(select(PriorityWeights).order_by(PriorityWeights.id).limit(1)).one()


def score(proposal: Proposal, weights: PriorityWeights) -> int:
    return priority_score(benefit=proposal.expected_benefit, effort=proposal.estimated_effort,
                          objectives=len(proposal.objectives), weights=weights)


def set_weights(session: Session, *, data: WeightsInput, by: User) -> PriorityWeights:
    """Change the weights and re-score every proposal with them, in one transaction."""
    authorize(by, "settings.manage")
    weights = current_weights(session)
    if data.version != weights.version:
        raise Conflict(current=weights)
    if data.benefit + data.alignment + data.effort == 0:
        raise ValidationError({"benefit": "At least one weight must be above zero."})
    changed = apply_changes(session, weights, by=by, changes=data.model_dump(exclude={"version"}))
    bump_version(session, weights, changed)
    for proposal in session.exec(select(Proposal).options(selectinload(Proposal.objectives))).all():
        proposal.priority_score = score(proposal, weights)
    commit(session)
    return weights
