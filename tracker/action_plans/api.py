"""Action plans, their commitments and their issues through the JSON API: the lists with the pages' filters and
sorts; a plan (its team, what it addresses, its progress, reviews, joint reviews and approved revisions), a
commitment (its terms as negotiated, what it waits for) and an issue; the plans', commitments' and issues'
workflow moves, and a commitment's negotiation (proposed, answered, countered, renegotiated, linked to what it
waits for); the same services, policy and input models as the pages.

The object rules come before the input, as on the pages (a commitment's owner or the plan's side; the plan's
team): a write whose action has one takes its body field by field (`partial`) and reads it whole (`versioned`,
`whole`) once the caller may act, so someone it is not for hears 403, not what their body lacks."""

from datetime import date, datetime
from typing import Literal

from flask import request, url_for
from flask_login import current_user
from pydantic import BaseModel, Field

from tracker.action_plans import commitments, issues, joint_reviews, negotiation, revisions, service, team
from tracker.action_plans.commitments import Progress
from tracker.action_plans.forms import (
    AnswerInput,
    CommitmentInput,
    CommitmentMoveInput,
    IssueMoveInput,
    LinkInput,
    PlanMoveInput,
    TermsInput,
)
from tracker.action_plans.models import (
    ActionPlan,
    Commitment,
    CommitmentStatus,
    CommitmentTerms,
    IssueStatus,
    Party,
    PlanIssue,
    PlanStatus,
    TermsState,
    Verdict,
)
from tracker.api import answer, body_of, endpoint, link, parse_json, saved, version_seen, versioned
from tracker.api.schemas import ListQuery, Ref, link_header, list_of, listed, page_of, sorts
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import get_session, utcnow
from tracker.due import is_overdue
from tracker.errors import Conflict
from tracker.validation import Id

PLANS, COMMITMENTS, ISSUES = "Action plans", "Commitments", "Plan issues"


def _person(user: User) -> Ref:
    return Ref(id=user.id, name=user.name)


def _plan_ref(plan: ActionPlan) -> Ref:
    return Ref(id=plan.id, name=plan.title, url=link("get_plan", plan_id=plan.id))


def _commitment_ref(commitment: Commitment) -> Ref:
    return Ref(id=commitment.id, name=commitment.description,
               url=link("get_commitment", commitment_id=commitment.id))


# --- Action plans ---

class ProgressOut(BaseModel):
    """The plan's commitments made (proposed, declined and cancelled ones do not count): done, overdue, and the
    percent done by the date last agreed."""
    total: int
    done: int
    overdue: int
    on_time: int
    on_time_rate: int | None

    @classmethod
    def of(cls, progress: Progress) -> "ProgressOut":
        return cls(total=progress.total, done=progress.done, overdue=progress.overdue, on_time=progress.on_time,
                   on_time_rate=progress.on_time_rate)


class TeamMemberOut(BaseModel):
    person: Ref
    team_role: str


class PlanOut(BaseModel):
    id: int
    title: str
    goal: str
    success_measure: str
    success_target: str
    success_actual: str
    result_notes: str
    strategy: str
    status: PlanStatus
    owner: Ref
    planned_start: date
    planned_end: date
    started_on: date | None
    completed_on: date | None
    first_deployed_on: date | None
    joint_review_weeks: int | None = Field(description="The joint reviews' cadence, in weeks, while it is under way")
    team: list[TeamMemberOut]
    proposals: list[Ref] = Field(description="The improvement proposals it addresses")
    objectives: list[Ref] = Field(description="The business objectives it serves")
    progress: ProgressOut
    commitments: str = Field(description="Its commitments: the commitments list, filtered to the plan")
    issues: str = Field(description="Its issues: the issues list, filtered to the plan")
    created_at: datetime
    version: int = Field(description="Bumped by every change; the ETag says it too")
    url: str
    html_url: str

    @classmethod
    def of(cls, plan: ActionPlan, progress: Progress) -> "PlanOut":
        return cls(
            **{name: getattr(plan, name) for name in (
                "id", "title", "goal", "success_measure", "success_target", "success_actual", "result_notes",
                "strategy", "status", "planned_start", "planned_end", "started_on", "completed_on",
                "first_deployed_on", "joint_review_weeks", "created_at", "version")},
            owner=_person(plan.owner),
            team=[TeamMemberOut(person=_person(member.user), team_role=member.team_role) for member in plan.team],
            proposals=[Ref(id=proposal.id, name=proposal.title, url=link("get_proposal", proposal_id=proposal.id))
                       for proposal in plan.proposals],
            objectives=[Ref(id=objective.id, name=objective.name, url=link("get_objective", objective_id=objective.id))
                        for objective in plan.objectives],
            progress=ProgressOut.of(progress),
            commitments=link("list_commitments", plan=plan.id), issues=link("list_issues", plan=plan.id),
            url=link("get_plan", plan_id=plan.id), html_url=url_for("plans.detail", plan_id=plan.id))


class ReviewOut(BaseModel):
    """A stakeholder's verdict on the plan while it was in review."""
    reviewer: Ref
    verdict: Verdict
    comment: str
    at: datetime


class JointReviewOut(BaseModel):
    """A review of the plan's progress with its stakeholders (its follow-ups are the plan's commitments)."""
    id: int
    held_on: date
    summary: str
    decisions: str
    attendees: list[Ref]


class RevisionOut(BaseModel):
    """The plan as the steering committee approved it, once each approval."""
    number: int
    approved_by: Ref
    at: datetime
    html_url: str


class PlanDetail(PlanOut):
    reviews: list[ReviewOut] = Field(description="Newest first")
    joint_reviews: list[JointReviewOut] = Field(description="Latest held first")
    next_joint_review: date | None = Field(description="When the next is due by its cadence, while under way")
    revisions: list[RevisionOut] = Field(description="Newest first")

    @classmethod
    def read(cls, plan: ActionPlan) -> "PlanDetail":
        """The plan with what its page shows of its reviews, joint reviews and revisions (a statement each)."""
        session = get_session()
        held = joint_reviews.of_plan(session, plan_id=plan.id)
        return cls(
            **PlanOut.of(plan, commitments.progress(session, plan_ids=[plan.id])[plan.id]).model_dump(),
            reviews=[ReviewOut(reviewer=_person(review.reviewer), verdict=review.verdict, comment=review.comment,
                               at=review.at) for review in team.reviews(session, plan_id=plan.id)],
            joint_reviews=[JointReviewOut(id=review.id, held_on=review.held_on, summary=review.summary,
                                          decisions=review.decisions,
                                          attendees=[_person(person) for person in review.attendees])
                           for review in held],
            next_joint_review=joint_reviews.next_due(plan, joint_reviews.last_held(held)),
            revisions=[RevisionOut(number=revision.number, approved_by=_person(revision.approved_by), at=revision.at,
                                   html_url=url_for("plans.revision", plan_id=plan.id, number=revision.number))
                       for revision in revisions.revisions(session, plan_id=plan.id)])


PlanList = list_of(PlanOut, "PlanList")


class PlanQuery(ListQuery):
    q: str = Field(default="", max_length=100, description="Text in the title")
    status: PlanStatus | None = None
    mine: bool = Field(default=False, description="Only the plans whose action team you are on")
    review: Literal["mine"] | None = Field(default=None, description='"mine": the plans in review that wait for '
                                                                     "your review (not yours, not reviewed by you)")
    sort: sorts(service.LISTING) = service.LISTING.default


PlanMoveBody = body_of(PlanMoveInput, "PlanMove")


@endpoint("/plans", action="read", query=PlanQuery, out=PlanList, tag=PLANS)
def list_plans(query: PlanQuery):
    """The action plans the filters select, latest planned start first unless `sort` says, each with its progress."""
    where = service.PlanFilter(q=query.q, status=query.status, member_id=current_user.id if query.mine else None,
                               to_review_by=current_user.id if query.review == "mine" else None)
    plans, paging = page_of(service.LISTING, service.plans_matching(where), query, sort=query.sort)
    progress = commitments.progress(get_session(), plan_ids=[plan.id for plan in plans])  # one statement a page
    body, status, headers = answer(PlanList(items=[PlanOut.of(plan, progress[plan.id]) for plan in plans],
                                            paging=paging))
    return body, status, headers | link_header(paging)


@endpoint("/plans/<int:plan_id>", action="read", out=PlanDetail, tag=PLANS)
def get_plan(plan_id: int):
    """One action plan, with its team, progress, reviews, joint reviews and approved revisions."""
    plan = service.get_plan(get_session(), plan_id=plan_id)
    return answer(PlanDetail.read(plan), record=plan)


@endpoint("/plans/<int:plan_id>/moves", method="POST", action="plan.move", body=PlanMoveBody, out=PlanDetail,
          write=True, if_match=True, tag=PLANS)
def move_plan(plan_id: int, body: BaseModel):
    """Move a plan along its workflow (`to`; a rationale to return, revise or cancel it; `success_actual` and
    `result_notes` to complete it); its proposals follow it, an approval keeps a revision."""
    session = get_session()
    plan = service.get_plan(session, plan_id=plan_id)
    data = versioned(PlanMoveInput, body)
    return saved(lambda: service.move_plan(session, plan=plan, data=data, by=current_user),
                 read=lambda: service.get_plan(session, plan_id=plan_id), out=PlanDetail.read)


# --- Commitments ---

class CommitmentOut(BaseModel):
    id: int
    description: str
    status: CommitmentStatus
    owner: Ref
    due_date: date = Field(description="The date last agreed")
    overdue: bool
    completed_on: date | None
    plan: Ref | None
    meeting: Ref | None = Field(description="The steering review that gave it as an action item")
    awaiting: Party | None = Field(description="Who must answer its pending terms: its owner, or the plan's side "
                                               "(the plan's owner or the process group)")
    renegotiations: int = Field(description="How many times its agreed terms changed")
    created_at: datetime
    version: int = Field(description="Bumped by every change; the ETag says it too")
    url: str
    html_url: str

    @classmethod
    def of(cls, commitment: Commitment) -> "CommitmentOut":
        return cls(
            **{name: getattr(commitment, name) for name in (
                "id", "description", "status", "due_date", "completed_on", "awaiting", "renegotiations",
                "created_at", "version")},
            owner=_person(commitment.owner), overdue=is_overdue(commitment, utcnow().date()),
            plan=_plan_ref(commitment.plan) if commitment.plan is not None else None,
            meeting=Ref(id=commitment.meeting.id, name=commitment.meeting.title,
                        url=link("get_meeting", meeting_id=commitment.meeting.id))
            if commitment.meeting is not None else None,
            url=link("get_commitment", commitment_id=commitment.id),
            html_url=url_for("plan_work.commitment_detail", commitment_id=commitment.id))


class TermsOut(BaseModel):
    """Terms one party offered the other; the agreed ones are every date it was due."""
    id: int
    description: str
    due_date: date
    reason: str
    state: TermsState
    proposed_by: Ref
    proposed_at: datetime
    answered_by: Ref | None
    answered_at: datetime | None
    answer: str

    @classmethod
    def of(cls, terms: CommitmentTerms) -> "TermsOut":
        return cls(**{name: getattr(terms, name) for name in (
            "id", "description", "due_date", "reason", "state", "proposed_at", "answered_at", "answer")},
            proposed_by=_person(terms.proposed_by),
            answered_by=_person(terms.answered_by) if terms.answered_by is not None else None)


class WaitOut(BaseModel):
    """Another plan's commitment this one waits for, and whether it is late for it."""
    commitment: Ref
    plan: Ref
    overdue: bool
    later: bool = Field(description="Still to do, and due after the commitment waiting for it")


class CommitmentDetail(CommitmentOut):
    terms: list[TermsOut] = Field(description="Every offer made on it and its answer, oldest first")
    waits_for: list[WaitOut]
    needed_by: list[Ref] = Field(description="Other plans' commitments that wait for this one")

    @classmethod
    def read(cls, commitment: Commitment) -> "CommitmentDetail":
        """The commitment with what its page shows of its negotiation (a statement or two each)."""
        session = get_session()
        waits = negotiation.waits_for(session, commitment_ids=[commitment.id], today=utcnow().date())
        return cls(**CommitmentOut.of(commitment).model_dump(),
                   terms=[TermsOut.of(terms) for terms in negotiation.terms_of(session, commitment_id=commitment.id)],
                   waits_for=[WaitOut(commitment=_commitment_ref(wait.commitment), plan=_plan_ref(wait.commitment.plan),
                                      overdue=wait.overdue, later=wait.later)
                              for wait in waits.get(commitment.id, [])],
                   needed_by=[_commitment_ref(other)
                              for other in negotiation.needed_by(session, commitment_id=commitment.id)])


CommitmentList = list_of(CommitmentOut, "CommitmentList")


class CommitmentQuery(ListQuery):
    q: str = Field(default="", max_length=100, description="Text in the description")
    plan: Id | None = Field(default=None, description="An action plan's id: its commitments")
    owner: Id | None = Field(default=None, description="A person's id: the commitments they own")
    mine: bool = Field(default=False, description="The commitments you own (instead of `owner`)")
    status: CommitmentStatus | None = None
    open: bool = Field(default=False, description="Only those agreed and not finished: the work still owed")
    overdue: bool = Field(default=False, description="Only those past their date and still owed")
    awaiting: bool = Field(default=False, description="Only those whose terms wait for an answer")
    sort: sorts(commitments.LISTING) = commitments.LISTING.default


# The object rules (whose commitment, whose plan) come first (`checked_first`): these bodies are read after them.
ProposedCommitment = body_of(CommitmentInput, "ProposedCommitment")
CommitmentMoveBody = body_of(CommitmentMoveInput, "CommitmentMove")
AnswerBody = body_of(AnswerInput, "TermsAnswer")
TermsBody = body_of(TermsInput, "Terms")
LinkBody = body_of(LinkInput, "CommitmentLink")


@endpoint("/commitments", action="read", query=CommitmentQuery, out=CommitmentList, tag=COMMITMENTS)
def list_commitments(query: CommitmentQuery):
    """The commitments across plans and steering reviews that the filters select, soonest due first unless `sort`
    says."""
    where = commitments.CommitmentFilter(
        q=query.q, plan_id=query.plan, owner_id=current_user.id if query.mine else query.owner, status=query.status,
        open_only=query.open, overdue_only=query.overdue, awaiting_only=query.awaiting)
    return listed(commitments.LISTING, commitments.commitments_matching(where), query, out=CommitmentOut.of,
                  answer_as=CommitmentList)


@endpoint("/commitments/<int:commitment_id>", action="read", out=CommitmentDetail, tag=COMMITMENTS)
def get_commitment(commitment_id: int):
    """One commitment, with its terms as negotiated and what it waits for."""
    commitment = negotiation.get_negotiated(get_session(), commitment_id=commitment_id)
    return answer(CommitmentDetail.read(commitment), record=commitment)


def _read_commitment(commitment_id: int):
    return lambda: negotiation.get_negotiated(get_session(), commitment_id=commitment_id)


@endpoint("/plans/<int:plan_id>/commitments", method="POST", action="commitment.propose", body=ProposedCommitment, checked_first=True,
          out=CommitmentDetail, status=201, write=True, tag=COMMITMENTS)
def propose_commitment(plan_id: int, body: dict):
    """Propose a commitment on the plan (the process group to anyone, a member of its team for themselves): it
    waits for the other party's answer (`awaiting`), unless the one proposing answers for both."""
    session = get_session()
    plan = negotiation.may_propose(service.get_plan(session, plan_id=plan_id), by=current_user)
    commitment = negotiation.propose(session, plan=plan, data=parse_json(CommitmentInput, body), by=current_user)
    commitment = negotiation.get_negotiated(session, commitment_id=commitment.id)
    return answer(CommitmentDetail.read(commitment), status=201, record=commitment,
                  location=link("get_commitment", commitment_id=commitment.id))


@endpoint("/commitments/<int:commitment_id>/moves", method="POST", action="commitment.update",
          body=CommitmentMoveBody, checked_first=True, out=CommitmentDetail, write=True, if_match=True, tag=COMMITMENTS)
def move_commitment(commitment_id: int, body: dict):
    """Start, complete, reopen or cancel a commitment (its owner, or the process group; cancelling: the process
    group); terms still waiting for an answer are withdrawn when it ends."""
    session = get_session()
    commitment = commitments.updatable_commitment(session, commitment_id=commitment_id, by=current_user)
    data = versioned(CommitmentMoveInput, body)
    return saved(lambda: commitments.move_commitment(session, commitment=commitment, data=data, by=current_user),
                 read=_read_commitment(commitment_id), out=CommitmentDetail.read)


def _negotiate(commitment_id: int, action: str, write):
    """One of the commitment page's negotiation forms: answered, countered or moved since it was read is 412 with it
    as it is now (the page's notice); then the policy's `action` on it, before its input is read; then `write`."""
    session = get_session()
    commitment = negotiation.get_negotiated(session, commitment_id=commitment_id)

    def run() -> None:
        if request.headers.get("If-Match") and version_seen() != commitment.version:
            raise Conflict()
        authorize(current_user, action, commitment)
        write(session, commitment)
    return saved(run, read=_read_commitment(commitment_id), out=CommitmentDetail.read)


@endpoint("/commitments/<int:commitment_id>/answer", method="POST", action="commitment.answer", body=AnswerBody, checked_first=True,
          out=CommitmentDetail, write=True, if_match=True, tag=COMMITMENTS)
def answer_commitment(commitment_id: int, body: dict):
    """The party the pending terms wait for agrees to them, or declines them (saying why in `comment`): agreed, they
    become its description and due date; a proposal declined is not a commitment."""
    return _negotiate(commitment_id, "commitment.answer", lambda session, commitment: negotiation.answer(
        session, commitment=commitment, data=versioned(AnswerInput, body), by=current_user))


@endpoint("/commitments/<int:commitment_id>/counter", method="POST", action="commitment.answer", body=TermsBody, checked_first=True,
          out=CommitmentDetail, write=True, if_match=True, tag=COMMITMENTS)
def counter_commitment(commitment_id: int, body: dict):
    """Its owner answers the terms offered to them with others (another date or scope, and why): the plan's side
    answers."""
    return _negotiate(commitment_id, "commitment.answer", lambda session, commitment: negotiation.counter(
        session, commitment=commitment, data=versioned(TermsInput, body), by=current_user))


@endpoint("/commitments/<int:commitment_id>/renegotiate", method="POST", action="commitment.renegotiate",
          body=TermsBody, checked_first=True, out=CommitmentDetail, write=True, if_match=True, tag=COMMITMENTS)
def renegotiate_commitment(commitment_id: int, body: dict):
    """Either party of an agreed commitment under way (its owner, the plan's owner, the process group) offers new
    terms, saying why; the other answers, and until then the agreed terms hold."""
    return _negotiate(commitment_id, "commitment.renegotiate", lambda session, commitment: negotiation.renegotiate(
        session, commitment=commitment, data=versioned(TermsInput, body), by=current_user))


@endpoint("/commitments/<int:commitment_id>/waits-for", method="POST", action="commitment.link", body=LinkBody, checked_first=True,
          out=CommitmentDetail, write=True, tag=COMMITMENTS)
def link_commitment(commitment_id: int, body: dict):
    """Say that the commitment waits for another plan's commitment still to do (the plan's side)."""
    session = get_session()
    commitment = negotiation.get_negotiated(session, commitment_id=commitment_id)
    authorize(current_user, "commitment.link", commitment)
    negotiation.link(session, commitment=commitment, depends_on_id=parse_json(LinkInput, body).depends_on_id,
                     by=current_user)
    commitment = negotiation.get_negotiated(session, commitment_id=commitment_id)
    return answer(CommitmentDetail.read(commitment), record=commitment)


@endpoint("/commitments/<int:commitment_id>/waits-for/<int:other_id>", method="DELETE", action="commitment.link",
          out=CommitmentDetail, write=True, tag=COMMITMENTS)
def unlink_commitment(commitment_id: int, other_id: int):
    """It no longer waits for that commitment (the plan's side)."""
    session = get_session()
    commitment = negotiation.get_negotiated(session, commitment_id=commitment_id)
    negotiation.unlink(session, commitment=commitment, depends_on_id=other_id, by=current_user)
    commitment = negotiation.get_negotiated(session, commitment_id=commitment_id)
    return answer(CommitmentDetail.read(commitment), record=commitment)


# --- Plan issues ---

class IssueOut(BaseModel):
    id: int
    title: str
    description: str
    status: IssueStatus
    resolution: str
    plan: Ref
    owner: Ref
    raised_by: Ref
    created_at: datetime
    version: int = Field(description="Bumped by every change; the ETag says it too")
    url: str
    html_url: str

    @classmethod
    def of(cls, issue: PlanIssue) -> "IssueOut":
        return cls(**{name: getattr(issue, name) for name in (
            "id", "title", "description", "status", "resolution", "created_at", "version")},
            plan=_plan_ref(issue.plan), owner=_person(issue.owner), raised_by=_person(issue.raised_by),
            url=link("get_issue", issue_id=issue.id),
            html_url=url_for("plans.detail", plan_id=issue.plan_id, _anchor=f"issue-{issue.id}"))


IssueList = list_of(IssueOut, "IssueList")


class IssueQuery(ListQuery):
    q: str = Field(default="", max_length=100, description="Text in the title or description")
    plan: Id | None = Field(default=None, description="An action plan's id: its issues")
    owner: Id | None = Field(default=None, description="A person's id: the issues they own")
    mine: bool = Field(default=False, description="The issues you own (instead of `owner`)")
    status: IssueStatus | None = None
    open: bool = Field(default=False, description="Only those open or in progress")
    sort: sorts(issues.LISTING) = issues.LISTING.default


IssueMoveBody = body_of(IssueMoveInput, "IssueMove")  # whose issue first, then the body whole


@endpoint("/issues", action="read", query=IssueQuery, out=IssueList, tag=ISSUES)
def list_issues(query: IssueQuery):
    """The plan issues the filters select, newest first unless `sort` says."""
    where = issues.IssueFilter(q=query.q, plan_id=query.plan, owner_id=current_user.id if query.mine else query.owner,
                               status=query.status, open_only=query.open)
    return listed(issues.LISTING, issues.issues_matching(where), query, out=IssueOut.of, answer_as=IssueList)


@endpoint("/issues/<int:issue_id>", action="read", out=IssueOut, tag=ISSUES)
def get_issue(issue_id: int):
    """One plan issue."""
    issue = issues.get_issue(get_session(), issue_id=issue_id)
    return answer(IssueOut.of(issue), record=issue)


@endpoint("/issues/<int:issue_id>/moves", method="POST", action="issue.update", body=IssueMoveBody, checked_first=True, out=IssueOut,
          write=True, if_match=True, tag=ISSUES)
def move_issue(issue_id: int, body: dict):
    """Work an issue to resolution (its owner, or the process group: resolving says how, in `rationale`); the
    process group closes it."""
    session = get_session()
    issue = issues.updatable_issue(session, issue_id=issue_id, by=current_user)
    data = versioned(IssueMoveInput, body)
    return saved(lambda: issues.move_issue(session, issue=issue, data=data, by=current_user),
                 read=lambda: issues.get_issue(session, issue_id=issue_id), out=IssueOut.of)
