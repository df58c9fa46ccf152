"""Traceability both ways along the closed loop: finding -> proposal -> plan -> pilot -> asset version.

Read-only queries across domains; each function answers one record's page in a fixed number of queries. What
touched an asset or served an objective grows with the organization: those lists show the newest SHOWN and link
to the whole, filtered list where there is one, each read as the columns _trace.html shows of it (read as records
with their relations, an asset's seven lists cost its page 1.7 ms).
"""

from dataclasses import dataclass, field

from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from tracker.action_plans.models import ActionPlan, PlanObjective, PlanProposal
from tracker.assets.models import AssetVersion, ProcessAsset, versions_of
from tracker.compliance.models import AuditResult, ComplianceAudit
from tracker.db import cut
from tracker.deployments.models import Deployment, DeploymentVersion
from tracker.lessons.models import Lesson
from tracker.objectives.models import BusinessObjective
from tracker.pilots.models import Pilot, PilotAssetVersion
from tracker.projects.models import Project
from tracker.proposals.models import Proposal, ProposalAsset, ProposalObjective
from tracker.tailoring.models import TailoringRecord

SHOWN = 20  # the newest records a growing trace list shows

# What _trace.html shows of each kind, where a trace reads columns rather than records.
PROPOSAL = (Proposal.id, Proposal.title, Proposal.status)
PLAN = (ActionPlan.id, ActionPlan.title, ActionPlan.status)


@dataclass
class Trace:  # each list holds records, or rows of the columns _trace.html shows of them
    proposals: list[Proposal] = field(default_factory=list)
    plans: list[ActionPlan] = field(default_factory=list)
    pilots: list[Pilot] = field(default_factory=list)
    versions: list[AssetVersion] = field(default_factory=list)
    duplicates: list[Proposal] = field(default_factory=list)
    deployments: list[Deployment] = field(default_factory=list)
    tailorings: list[TailoringRecord] = field(default_factory=list)
    audits: list[ComplianceAudit] = field(default_factory=list)
    lessons: list[Lesson] = field(default_factory=list)
    more: dict[str, tuple | None] = field(default_factory=dict)  # list cut at SHOWN -> (endpoint, args) of the whole
    shown: int = SHOWN


def _newest(session: Session, statement, key: str, more: dict, whole: tuple | None = None) -> list:
    """The statement's first SHOWN records (it orders them newest first); past them, `more[key]` says where the
    whole list is (`whole`: an endpoint and its arguments; None: nowhere but here)."""
    records, cut_off = cut(list(session.exec(statement.limit(SHOWN + 1)).all()), SHOWN)
    if cut_off:
        more[key] = whole
    return records


def _pilots_of(session: Session, plan_ids: list[int]) -> list[Pilot]:
    if not plan_ids:
        return []
    return list(session.exec(select(Pilot).where(Pilot.plan_id.in_(plan_ids)).order_by(Pilot.id).options(
        selectinload(Pilot.asset_versions).joinedload(AssetVersion.asset))).all())


def _versions_of(pilots: list[Pilot]) -> list[AssetVersion]:
    seen: dict[int, AssetVersion] = {}
    for pilot in pilots:
        for version in pilot.asset_versions:
            seen.setdefault(version.id, version)
    return list(seen.values())


def of_proposal(session: Session, proposal: Proposal) -> Trace:
    """The plans that address the proposal, their pilots and the versions trialled; its duplicates."""
    plans = list(session.exec(select(ActionPlan).join(PlanProposal, PlanProposal.plan_id == ActionPlan.id)
                              .where(PlanProposal.proposal_id == proposal.id).order_by(ActionPlan.id)).all())
    pilots = _pilots_of(session, [p.id for p in plans])
    duplicates = list(session.exec(select(Proposal).where(Proposal.duplicate_of_id == proposal.id)).all())
    return Trace(plans=plans, pilots=pilots, versions=_versions_of(pilots), duplicates=duplicates)


def of_plan(session: Session, plan: ActionPlan) -> Trace:
    """The pilots a plan ran, the asset versions they trialled and the deployments made under it (its proposals
    are on the plan)."""
    pilots = _pilots_of(session, [plan.id])
    deployments = list(session.exec(select(Deployment).where(Deployment.plan_id == plan.id)
                                    .order_by(Deployment.id)).all())
    return Trace(pilots=pilots, versions=_versions_of(pilots), deployments=deployments)


def of_asset(session: Session, asset: ProcessAsset) -> Trace:
    """What touched the asset, newest first: proposals, plans, pilots, deployments, tailorings, audits, lessons."""
    more: dict[str, tuple | None] = {}
    versions = versions_of(asset.id)
    proposals = _newest(session, select(*PROPOSAL).join(ProposalAsset, ProposalAsset.proposal_id == Proposal.id)
                        .where(ProposalAsset.asset_id == asset.id).order_by(Proposal.id.desc()), "proposals", more)
    trialled = select(PilotAssetVersion.pilot_id).where(PilotAssetVersion.asset_version_id.in_(versions))
    pilots = _newest(session, select(Pilot.id, Pilot.title, Pilot.status, Pilot.decision, Pilot.plan_id)
                     .where(Pilot.id.in_(trialled)).order_by(Pilot.id.desc()), "pilots", more)
    plans = list(session.exec(select(*PLAN).where(ActionPlan.id.in_({p.plan_id for p in pilots}))
                              .order_by(ActionPlan.id.desc())).all()) if pilots else []
    deployments = _newest(session, select(Deployment.id, Deployment.title).where(Deployment.id.in_(
        select(DeploymentVersion.deployment_id).where(DeploymentVersion.asset_version_id.in_(versions))))
        .order_by(Deployment.id.desc()), "deployments", more)
    tailorings = _newest(session, select(TailoringRecord.id, TailoringRecord.type, TailoringRecord.element,
                                         TailoringRecord.status, Project.code.label("project_code"))
                         .outerjoin(Project, Project.id == TailoringRecord.project_id)  # outer: SQLite then
                         # starts from the version's records, where an inner join led it to scan the projects
                         .where(TailoringRecord.asset_version_id.in_(versions)).order_by(TailoringRecord.id.desc()),
                         "tailorings", more, ("tailoring.index", {"asset": asset.id}))
    audits = _newest(session, select(ComplianceAudit.id, ComplianceAudit.audit_date, Project.code.label("project_code"))
                     .outerjoin(Project, Project.id == ComplianceAudit.project_id).where(ComplianceAudit.id.in_(
                         select(AuditResult.audit_id).where(AuditResult.asset_version_id.in_(versions))))
                     .order_by(ComplianceAudit.id.desc()), "audits", more, ("compliance.index", {"asset": asset.id}))
    lessons = _newest(session, select(Lesson.id, Lesson.title, Lesson.status).where(
        (Lesson.asset_id == asset.id) | Lesson.incorporated_version_id.in_(versions)).order_by(Lesson.id.desc()),
        "lessons", more, ("lessons.index", {"asset": asset.id}))
    return Trace(proposals=proposals, pilots=pilots, plans=plans, deployments=deployments, tailorings=tailorings,
                 audits=audits, lessons=lessons, more=more)


def of_objective(session: Session, objective: BusinessObjective) -> Trace:
    """The proposals (highest priority first) and plans (newest first) that serve an objective."""
    more: dict[str, tuple | None] = {}
    proposals = _newest(session, select(*PROPOSAL).join(ProposalObjective, ProposalObjective.proposal_id == Proposal.id)
                        .where(ProposalObjective.objective_id == objective.id)
                        .order_by(Proposal.priority_score.desc(), Proposal.id.desc()),
                        "proposals", more, ("proposals.index", {"objective": objective.id}))
    plans = _newest(session, select(*PLAN).join(PlanObjective, PlanObjective.plan_id == ActionPlan.id)
                    .where(PlanObjective.objective_id == objective.id).order_by(ActionPlan.id.desc()), "plans", more)
    return Trace(proposals=proposals, plans=plans, more=more)


def progress_of(session: Session, proposal_ids: list[int]) -> dict[int, Trace]:
    """How far each proposal has come down the loop (plan -> pilot -> deployment), for a list of proposals in
    three queries: what an appraisal's findings show of the proposals they led to."""
    if not proposal_ids:
        return {}
    rows = session.exec(select(PlanProposal.proposal_id, ActionPlan)
                        .join(ActionPlan, ActionPlan.id == PlanProposal.plan_id)
                        .where(PlanProposal.proposal_id.in_(proposal_ids)).order_by(ActionPlan.id)).all()
    plan_ids = sorted({plan.id for _, plan in rows})
    pilots = _pilots_of(session, plan_ids)
    deployments = list(session.exec(select(Deployment).where(Deployment.plan_id.in_(plan_ids))
                                    .order_by(Deployment.id)).all()) if plan_ids else []
    found = {proposal_id: Trace() for proposal_id in proposal_ids}
    for proposal_id, plan in rows:
        trace = found[proposal_id]
        trace.plans.append(plan)
        trace.pilots += [p for p in pilots if p.plan_id == plan.id]
        trace.deployments += [d for d in deployments if d.plan_id == plan.id]
    return found
