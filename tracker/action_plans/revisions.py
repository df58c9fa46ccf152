"""Approved revisions of a plan: a snapshot at each approval, and the differences between them."""

import json
from dataclasses import dataclass

from sqlalchemy.orm import joinedload
from sqlmodel import Session, func, select

from tracker.action_plans.models import ActionPlan, PlanRevision
from tracker.auth.models import User
from tracker.history.service import as_text

SNAPSHOT_FIELDS = ("title", "goal", "success_measure", "success_target", "strategy", "planned_start", "planned_end")


def snapshot(plan: ActionPlan) -> dict[str, str]:
    """The plan as text, field by field, including who is on the team and what it addresses."""
    values = {name: as_text(getattr(plan, name)) or "" for name in SNAPSHOT_FIELDS}
    values["owner"] = plan.owner.name
    values["proposals"] = as_text([f"#{p.id} {p.title}" for p in plan.proposals]) or ""
    values["objectives"] = as_text([o.name for o in plan.objectives]) or ""
    values["team"] = as_text([f"{m.user.name} ({m.team_role})" for m in plan.team]) or ""
    return values


def keep_revision(session: Session, *, plan: ActionPlan, by: User) -> PlanRevision:
    """Store the plan as approved now, numbered after the last revision."""
    last = session.exec(select(func.max(PlanRevision.number)).where(PlanRevision.plan_id == plan.id)).one() or 0
    revision = PlanRevision(plan_id=plan.id, number=last + 1, snapshot=json.dumps(snapshot(plan)),
                            approved_by_id=by.id)
    session.add(revision)
    return revision


def revisions(session: Session, *, plan_id: int) -> list[PlanRevision]:
    """A plan's approved revisions, newest first."""
    return list(session.exec(select(PlanRevision).where(PlanRevision.plan_id == plan_id)
                             .options(joinedload(PlanRevision.approved_by))
                             .order_by(PlanRevision.number.desc())).all())


@dataclass(frozen=True)
class Difference:
    field: str
    before: str
    after: str


def differences(before: PlanRevision | None, after: PlanRevision) -> list[Difference]:
    """What changed from one revision to the next (everything, for the first)."""
    old = json.loads(before.snapshot) if before else {}
    new = json.loads(after.snapshot)
    return [Difference(name, old.get(name, ""), new.get(name, "")) for name in new if old.get(name, "") != new[name]]
