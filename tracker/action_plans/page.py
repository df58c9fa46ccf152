"""What an action plan's page shows (SP 2.2-2.4), read as a whole or one section at a time.

The page is its facts, team, reviews, commitments, issues, joint reviews, what it led to and its history. An
htmx post that changes one section re-renders that section alone, so it reads only that section's parts: adding
a commitment reads the commitments, their progress and the people to choose from, never the history, the
trace or the revisions. A fixed number of queries either way.
"""

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date

from sqlmodel import Session

from tracker import trace
from tracker.action_plans import commitments, issues, joint_reviews, negotiation, revisions, team
from tracker.action_plans.commitments import Progress
from tracker.action_plans.models import (
    ActionPlan,
    Commitment,
    JointReview,
    PlanIssue,
    PlanReview,
    PlanRevision,
)
from tracker.db import utcnow
from tracker.history.service import HistoryEntry, history
from tracker.objectives.service import assessments
from tracker.reviews.service import decided_in
from tracker.trace import Trace


@dataclass(frozen=True)
class PlanPage:
    """The parts of the page; a section read alone leaves the parts it does not show as None."""
    plan: ActionPlan
    progress: Progress | None = None
    commitments: list[Commitment] | None = None
    issues: list[PlanIssue] | None = None
    joint_reviews: list[JointReview] | None = None
    next_joint_review: date | None = None  # by the plan's cadence, while it is under way
    reviews: list[PlanReview] | None = None
    revisions: list[PlanRevision] | None = None
    trace: Trace | None = None
    history: list[HistoryEntry] | None = None
    objectives: dict[int, tuple] | None = None  # objective id -> (objective, whether it is on track)
    decided_in: list | None = None  # the steering reviews that decided on it
    waits: dict[int, list] | None = None  # commitment id -> what it waits for on other plans (negotiation.Wait)


_READ: dict[str, Callable[[Session, ActionPlan], object]] = {
    "progress": lambda session, plan: commitments.progress(session, plan_ids=[plan.id])[plan.id],
    "commitments": lambda session, plan: commitments.of_plan(session, plan_id=plan.id),
    "waits": lambda session, plan: negotiation.waits_for(session, plan_id=plan.id, today=utcnow().date()),
    "issues": lambda session, plan: issues.of_plan(session, plan_id=plan.id),
    "joint_reviews": lambda session, plan: joint_reviews.of_plan(session, plan_id=plan.id),
    "reviews": lambda session, plan: team.reviews(session, plan_id=plan.id),
    "revisions": lambda session, plan: revisions.revisions(session, plan_id=plan.id),
    "trace": lambda session, plan: trace.of_plan(session, plan),
    "history": lambda session, plan: history(session, entity="action_plan", entity_ids=[plan.id]),
    "decided_in": lambda session, plan: decided_in(session, entity="action_plan", entity_id=plan.id),
    "objectives": lambda session, plan: assessments(session, objective_ids=[o.id for o in plan.objectives],
                                                    today=utcnow().date()),
}

# What each section's template shows (the commitments section also refreshes the facts' progress, out of band).
SECTIONS: dict[str, tuple[str, ...]] = {
    "page": tuple(field.name for field in fields(PlanPage) if field.name not in ("plan", "next_joint_review")),
    "team": (),
    "reviews": ("reviews", "revisions"),
    "commitments": ("commitments", "waits", "progress", "objectives", "decided_in"),
    "issues": ("issues",),
    "joint_reviews": ("joint_reviews",),
}


def read_page(session: Session, plan: ActionPlan, *, section: str = "page") -> PlanPage:
    """The whole page's parts, or only those of one section (a key of SECTIONS)."""
    parts = {part: _READ[part](session, plan) for part in SECTIONS[section]}
    if "joint_reviews" in parts:
        parts["next_joint_review"] = joint_reviews.next_due(plan, joint_reviews.last_held(parts["joint_reviews"]))
    return PlanPage(plan=plan, **parts)
