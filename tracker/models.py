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
from tracker.api.models import ApiToken, RateWindow
from tracker.appraisals.models import (
                                         Answer,
                                         Appraisal,
                                         AppraisalArea,
                                         AppraisalProject,
                                         AppraisalTeamMember,
                                         Finding,
                                         Participant,
                                         Question,
                                         Rating,
                                         ReappraisalCadence,
)
from tracker.assets.models import AssetArea, AssetReview, AssetVersion, ProcessAsset, VersionApproval
from tracker.auth.models import User, UserRole
from tracker.auth.throttle import SignInFailure
from tracker.compliance.models import AuditResult, ComplianceAudit, Noncompliance
from tracker.content import ContentBlob
from tracker.deployments.models import (
    Deployment,
    DeploymentVersion,
    ProjectDeployment,
    StandardSetEntry,
    StandardSetReview,
    StandardSetSchedule,
    TrainingAttendee,
    TrainingProject,
    TrainingSession,
)
from tracker.evidence.models import Evidence
from tracker.history.models import AuditEvent
from tracker.imports.models import ImportBatch, ImportedRecord, ImportMapping
from tracker.lessons.models import AssetFeedback, Lesson
from tracker.objectives.models import BusinessObjective, Measurement
from tracker.pilots.models import Pilot, PilotAssetVersion, PilotProject
from tracker.process_areas.models import ProcessArea
from tracker.projects.models import Project, ProjectLead
from tracker.proposals.models import (
                                         PriorityWeights,
                                         Proposal,
                                         ProposalArea,
                                         ProposalAsset,
                                         ProposalComment,
                                         ProposalObjective,
)
from tracker.reminders.models import JobRun, Notification, ReminderRule, SchedulerLease
from tracker.reviews.models import MeetingDecision, ReviewAttendee, ReviewMeeting
from tracker.tailoring.models import TailoringRecord, TailoringSettings

__all__ = [
    "ApiToken",
    "RateWindow",
    "ImportBatch", "ImportedRecord", "ImportMapping",
    "Answer", "Participant", "Question", "Appraisal", "AppraisalArea", "AppraisalProject", "AppraisalTeamMember", "Finding", "Rating", "ReappraisalCadence",
    "AssetFeedback", "AuditResult", "ComplianceAudit", "Deployment", "DeploymentVersion", "Lesson", "Noncompliance",
    "ProjectDeployment", "StandardSetEntry", "StandardSetReview", "StandardSetSchedule", "AssetReview", "TailoringRecord", "TailoringSettings",
    "ActionPlan", "AssetArea", "AssetVersion", "AuditEvent", "BusinessObjective", "Measurement", "Commitment", "JointReview",
    "JointReviewAttendee", "Pilot", "PilotAssetVersion", "PilotProject", "PlanIssue", "PlanObjective", "PlanProposal",
    "PlanReview", "PlanRevision", "PriorityWeights", "ProcessArea", "ProcessAsset", "Project", "ProjectLead",
    "JobRun", "Notification", "ReminderRule", "SchedulerLease", "MeetingDecision", "ReviewAttendee", "ReviewMeeting",
    "Proposal", "ProposalArea", "ProposalAsset", "ProposalComment", "ProposalObjective", "SignInFailure", "TeamMember", "User",
    "VersionApproval", "ContentBlob", "UserRole", "Evidence", "TrainingAttendee", "TrainingProject", "TrainingSession",
]
