"""How far an action plan's work has reached the projects: the first day a project deployed a version the plan
deployed or piloted. Kept on the plan (`ActionPlan.first_deployed_on`) so the improvement flow, its throughput and
its lead times read one column instead of every project's status rows; `mark_first_deployed` keeps it true after
every write that can change it (a row reaching or leaving *deployed*, a pilot's versions or plan changing, a bulk
load)."""

from collections.abc import Iterable

import sqlalchemy as sa
from sqlmodel import Session, func, select

from tracker.action_plans.models import ActionPlan
from tracker.deployments.models import Deployment, ProjectDeployment
from tracker.pilots.models import Pilot, PilotAssetVersion


def mark_first_deployed(session: Session, *, plan_ids: Iterable[int] = (),
                        rows: Iterable[ProjectDeployment] = (), everything: bool = False) -> None:
    """Set `first_deployed_on` on these plans and on the plans these status rows count for (their deployment's
    plan, the plans piloting their version), or on every plan: one UPDATE. The plans' rows are locked first, so
    two moves at once cannot leave an older answer."""
    piloting = select(Pilot.plan_id).join(PilotAssetVersion, PilotAssetVersion.pilot_id == Pilot.id)
    deployed_rows = (select(func.min(ProjectDeployment.deployed_on))
                     .join(Deployment, Deployment.id == ProjectDeployment.deployment_id)
                     .where(Deployment.plan_id == ActionPlan.id).scalar_subquery())
    piloted_rows = (select(func.min(ProjectDeployment.deployed_on))
                    .join(PilotAssetVersion, PilotAssetVersion.asset_version_id == ProjectDeployment.asset_version_id)
                    .join(Pilot, Pilot.id == PilotAssetVersion.pilot_id)
                    .where(Pilot.plan_id == ActionPlan.id).scalar_subquery())
    # min() of the two, NULL only when both are: LEAST/MIN skip NULLs differently, a CASE does not
    first = sa.case((deployed_rows.is_(None), piloted_rows), (piloted_rows.is_(None), deployed_rows),
                    (deployed_rows < piloted_rows, deployed_rows), else_=piloted_rows)
    rows = list(rows)
    which = [] if everything else [sa.or_(
        ActionPlan.id.in_(list(plan_ids)),
        ActionPlan.id.in_(select(Deployment.plan_id).where(Deployment.id.in_({r.deployment_id for r in rows}))),
        ActionPlan.id.in_(piloting.where(PilotAssetVersion.asset_version_id.in_({r.asset_version_id for r in rows}))))]
    session.exec(select(ActionPlan.id).where(*which).with_for_update()).all()
    session.exec(sa.update(ActionPlan).where(*which).values(first_deployed_on=first)
                 .execution_options(synchronize_session=False))
