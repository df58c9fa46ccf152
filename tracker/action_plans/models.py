"""Process action plans (SP 2.1) and what implementing them produces (SP 2.2): the action team,
commitments, issues, joint reviews, stakeholder reviews and approved revisions."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from tracker.auth.models import User
from tracker.db import UTCDateTime, enum_type, utcnow, version_column, versioned
from tracker.enums import Labelled
from tracker.objectives.models import BusinessObjective
from tracker.proposals.models import Proposal
from tracker.reviews.models import ReviewMeeting


class PlanStatus(Labelled):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


# The plan's own fields change only in draft: an approved plan is revised through a new approval.
EDITABLE = frozenset({PlanStatus.DRAFT})
# Work (team, commitments, issues, reviews) goes on until the plan is finished (beside the enum: lookup.py needs it
# without the workflow's imports).
OPEN = frozenset({PlanStatus.DRAFT, PlanStatus.IN_REVIEW, PlanStatus.APPROVED, PlanStatus.IN_PROGRESS})


class PlanProposal(SQLModel, table=True):
    __tablename__ = "plan_proposal"
    __table_args__ = (sa.Index("ix_plan_proposal_proposal_id", "proposal_id"),)  # a proposal's plans
    plan_id: int = Field(foreign_key="action_plan.id", primary_key=True, ondelete="CASCADE")
    proposal_id: int = Field(foreign_key="proposal.id", primary_key=True, ondelete="CASCADE")


class PlanObjective(SQLModel, table=True):
    __tablename__ = "plan_objective"
    plan_id: int = Field(foreign_key="action_plan.id", primary_key=True, ondelete="CASCADE")
    objective_id: int = Field(foreign_key="business_objective.id", primary_key=True, ondelete="CASCADE", index=True)


_plan_version = version_column()


class ActionPlan(SQLModel, table=True):
    __tablename__ = "action_plan"
    __table_args__ = (sa.Index("ix_action_plan_planned", "planned_start", "planned_end", "id"),)  # the list's order

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    goal: str = Field(max_length=4000)
    success_measure: str = Field(max_length=200)
    success_target: str = Field(max_length=100)
    success_actual: str = Field(default="", max_length=100)
    result_notes: str = Field(default="", max_length=4000)
    strategy: str = Field(default="", max_length=4000)
    owner_id: int = Field(foreign_key="user.id", index=True)
    planned_start: date
    planned_end: date
    joint_review_weeks: int | None = None  # the joint-review cadence: every so many weeks while under way
    status: PlanStatus = Field(default=PlanStatus.DRAFT, sa_type=enum_type(PlanStatus), index=True)
    started_on: date | None = None  # the day it first went under way (planned against actual)
    completed_on: date | None = None
    # The first day a project deployed a version this plan deployed or piloted (deployments.reach keeps it).
    first_deployed_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_plan_version)

    owner: User = Relationship()
    proposals: list[Proposal] = Relationship(link_model=PlanProposal, sa_relationship_kwargs={"order_by": "Proposal.id"})
    objectives: list[BusinessObjective] = Relationship(
        link_model=PlanObjective, sa_relationship_kwargs={"order_by": "BusinessObjective.name"})
    team: list["TeamMember"] = Relationship(sa_relationship_kwargs={"cascade": "all, delete-orphan"})

    __mapper_args__ = versioned(_plan_version)


class TeamMember(SQLModel, table=True):
    """A member of the plan's process action team and their role on it."""

    __tablename__ = "team_member"
    plan_id: int = Field(foreign_key="action_plan.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE", index=True)
    team_role: str = Field(default="member", max_length=80)

    user: User = Relationship()


class Verdict(Labelled):
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"


class PlanReview(SQLModel, table=True):
    """A stakeholder's review of a plan in review."""

    __tablename__ = "plan_review"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="action_plan.id", index=True, ondelete="CASCADE")
    reviewer_id: int = Field(foreign_key="user.id")
    verdict: Verdict = Field(sa_type=enum_type(Verdict))
    comment: str = Field(default="", max_length=4000)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    reviewer: User = Relationship()


class PlanRevision(SQLModel, table=True):
    """The plan as it stood when the steering committee approved it (a JSON snapshot)."""

    __tablename__ = "plan_revision"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="action_plan.id", index=True, ondelete="CASCADE")
    number: int
    snapshot: str  # JSON: field -> text
    approved_by_id: int = Field(foreign_key="user.id")
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    approved_by: User = Relationship()


class CommitmentStatus(Labelled):
    PROPOSED = "proposed"  # its terms are being negotiated: not committed yet (SP 2.2)
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"
    DECLINED = "declined"  # proposed, and not agreed


COMMITTED = frozenset({CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS, CommitmentStatus.DONE})  # what counts


class Party(Labelled):
    """Who a commitment's pending terms wait for: its owner (who commits), or its plan's side (the plan's owner,
    or the process group), who accepts the commitment for the plan."""
    OWNER = "owner"
    PLAN = "plan"


class TermsState(Labelled):
    PENDING = "pending"
    AGREED = "agreed"
    COUNTERED = "countered"  # answered with other terms
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # the commitment ended (done, cancelled) before anyone answered


_commitment_version = version_column()


class Commitment(SQLModel, table=True):
    """Work someone committed to: on an action plan, or an action item of a steering review (or both)."""
    __table_args__ = (sa.Index("ix_commitment_status_due", "status", "due_date"),  # what is due, and overdue
                      sa.Index("ix_commitment_due", "due_date", "id"),  # the list's order
                      sa.Index("ix_commitment_awaiting", "awaiting"),  # the few whose terms wait for an answer
                      sa.CheckConstraint("plan_id IS NOT NULL OR meeting_id IS NOT NULL",
                                         name="ck_commitment_plan_or_meeting"))
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int | None = Field(default=None, foreign_key="action_plan.id", index=True, ondelete="CASCADE")
    meeting_id: int | None = Field(default=None, foreign_key="review_meeting.id", index=True, ondelete="CASCADE")
    description: str = Field(max_length=500)
    owner_id: int = Field(foreign_key="user.id", index=True)
    due_date: date
    status: CommitmentStatus = Field(default=CommitmentStatus.OPEN, sa_type=enum_type(CommitmentStatus))
    completed_on: date | None = None
    joint_review_id: int | None = Field(default=None, foreign_key="joint_review.id")  # a follow-up of that review
    awaiting: Party | None = Field(default=None, sa_type=enum_type(Party))  # who must answer its pending terms
    renegotiations: int = 0  # how many times its agreed terms changed after it was first agreed
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_commitment_version)

    owner: User = Relationship()
    plan: ActionPlan | None = Relationship()
    meeting: ReviewMeeting | None = Relationship()

    __mapper_args__ = versioned(_commitment_version)


class CommitmentDependency(SQLModel, table=True):
    """A commitment that waits for another plan's commitment (work between action teams)."""
    __tablename__ = "commitment_dependency"
    commitment_id: int = Field(foreign_key="commitment.id", primary_key=True, ondelete="CASCADE")
    depends_on_id: int = Field(foreign_key="commitment.id", primary_key=True, ondelete="CASCADE", index=True)


class CommitmentTerms(SQLModel, table=True):
    """Terms of a commitment offered by one party to the other: what and by when, and why. The agreed ones are
    every date the commitment was ever due (its due date is the last agreed); at most one is pending."""
    __tablename__ = "commitment_terms"
    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="commitment.id", index=True, ondelete="CASCADE")
    description: str = Field(max_length=500)
    due_date: date
    reason: str = Field(default="", max_length=2000)
    proposed_by_id: int = Field(foreign_key="user.id")
    proposed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    state: TermsState = Field(default=TermsState.PENDING, sa_type=enum_type(TermsState))
    answered_by_id: int | None = Field(default=None, foreign_key="user.id")
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answer: str = Field(default="", max_length=2000)

    proposed_by: User = Relationship(sa_relationship_kwargs={"foreign_keys": "CommitmentTerms.proposed_by_id"})
    answered_by: User | None = Relationship(sa_relationship_kwargs={"foreign_keys": "CommitmentTerms.answered_by_id"})


class IssueStatus(Labelled):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


_issue_version = version_column()


class PlanIssue(SQLModel, table=True):
    __tablename__ = "plan_issue"
    __table_args__ = (sa.Index("ix_plan_issue_created", "created_at", "id"),  # the list's order
                      sa.Index("ix_plan_issue_owner", "owner_id", "status"))  # a person's open issues
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="action_plan.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=4000)
    raised_by_id: int = Field(foreign_key="user.id")
    owner_id: int = Field(foreign_key="user.id")
    status: IssueStatus = Field(default=IssueStatus.OPEN, sa_type=enum_type(IssueStatus))
    resolution: str = Field(default="", max_length=4000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_issue_version)

    raised_by: User = Relationship(sa_relationship_kwargs={"foreign_keys": "PlanIssue.raised_by_id"})
    owner: User = Relationship(sa_relationship_kwargs={"foreign_keys": "PlanIssue.owner_id"})
    plan: ActionPlan = Relationship()

    __mapper_args__ = versioned(_issue_version)


class JointReviewAttendee(SQLModel, table=True):
    __tablename__ = "joint_review_attendee"
    review_id: int = Field(foreign_key="joint_review.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE", index=True)


_joint_review_version = version_column()


class JointReview(SQLModel, table=True):
    """A review of the plan's progress with its stakeholders (CMMI GP 2.10), and what it decided."""

    __tablename__ = "joint_review"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="action_plan.id", index=True, ondelete="CASCADE")
    held_on: date
    summary: str = Field(max_length=4000)
    decisions: str = Field(default="", max_length=4000)
    recorded_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_joint_review_version)

    attendees: list[User] = Relationship(link_model=JointReviewAttendee,
                                         sa_relationship_kwargs={"order_by": "User.name"})

    __mapper_args__ = versioned(_joint_review_version)
