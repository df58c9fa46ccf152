"""Every table model, imported in one place so metadata (and Alembic) sees them all."""

from tracker.action_plans.models import (
                                         ActionPlan,
                                         Commitment,
                                         JointReview,
                                         JointReviewAttendee,
                                         PlanIssue,
                                         PlanObjective,
                                         PlanProposal,
                                         PlanReview,
                                         PlanRevision,
                                         TeamMember,
)
from tracker.assets.models import AssetArea, AssetVersion, ProcessAsset
from tracker.audit.models import AuditEvent
from tracker.auth.models import ProjectLead, User
from tracker.objectives.models import BusinessObjective
from tracker.pilots.models import Pilot, PilotAssetVersion, PilotProject
from tracker.process_areas.models import ProcessArea
from tracker.projects.models import Project
from tracker.proposals.models import (
                                         PriorityWeights,
                                         Proposal,
                                         ProposalArea,
                                         ProposalAsset,
                                         ProposalComment,
                                         ProposalObjective,
)

__all__ = [
    "ActionPlan", "AssetArea", "AssetVersion", "AuditEvent", "BusinessObjective", "Commitment", "JointReview",
    "JointReviewAttendee", "Pilot", "PilotAssetVersion", "PilotProject", "PlanIssue", "PlanObjective", "PlanProposal",
    "PlanReview", "PlanRevision", "PriorityWeights", "ProcessArea", "ProcessAsset", "Project", "ProjectLead",
    "Proposal", "ProposalArea", "ProposalAsset", "ProposalComment", "ProposalObjective", "TeamMember", "User",
]
