"""A steering review's agenda, built from the data (GP 2.10): the decisions waiting for the committee, each plan
against its success measure, deployment progress, overdue work, appraisals and the next reappraisal, the
objectives, and the charts. A fixed number of queries whatever the size of the organization."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, func, select

from tracker.action_plans import commitments
from tracker.action_plans.commitments import Progress
from tracker.action_plans.joint_reviews import UNDER_WAY
from tracker.action_plans.models import ActionPlan, Commitment, PlanStatus
from tracker.appraisals import cadence
from tracker.appraisals.cadence import Due
from tracker.appraisals.models import Appraisal, AppraisalStatus
from tracker.auth.models import User
from tracker.compliance.models import ComplianceAudit, Noncompliance
from tracker.dashboards import charts
from tracker.dashboards.boards import CHARTS
from tracker.dashboards.service import DashboardFilter, Tile, kpis
from tracker.due import overdue_clause
from tracker.objectives.models import BusinessObjective
from tracker.objectives.progress import Assessment
from tracker.objectives.service import assessments
from tracker.pilots.models import Pilot, PilotStatus
from tracker.projects.models import Project
from tracker.proposals.models import Proposal, ProposalStatus
from tracker.reviews.models import ReviewMeeting

LISTED = 25  # items of one kind on the agenda; the rest are counted
PACK_CHARTS = ("objectives", "deployment", "flow", "throughput", "timeline")


@dataclass(frozen=True)
class Waiting:
    """A record waiting for the committee's decision."""
    entity: str  # proposal, action_plan, pilot: what the decision form names
    record_id: int
    title: str
    status: object  # its workflow status
    version: int
    detail: str  # why it is on the agenda


@dataclass(frozen=True)
class PlanLine:
    plan_id: int
    title: str
    status: str
    success: str  # measure: target (actual)
    planned_end: date
    progress: Progress
    late: bool


@dataclass(frozen=True)
class Overdue:
    what: str
    owner: str
    due: date
    where: str  # the plan, the meeting or the project it belongs to


@dataclass(frozen=True)
class Agenda:
    decisions: list[Waiting]
    plans: list[PlanLine]
    tiles: list[Tile]
    overdue_commitments: tuple[list[Overdue], int]  # (the first LISTED, how many in all)
    overdue_noncompliances: tuple[list[Overdue], int]
    appraisals: list[tuple[int, str, str, date]]  # (id, title, status, completion planned) under way
    reappraisals: list[Due]
    objectives: list[tuple[BusinessObjective, Assessment]]
    charts: dict[str, charts.Chart]


def decisions(session: Session) -> list[Waiting]:
    """Escalated proposals, plans in review and pilots evaluated: three queries, oldest first."""
    found = [Waiting("proposal", p.id, p.title, p.status, p.version,
                     f"Escalated on {p.escalated_on}; priority {p.priority_score}" if p.escalated_on
                     else f"Priority {p.priority_score}")
             for p in session.exec(select(Proposal).where(Proposal.status == ProposalStatus.ESCALATED)
                                   .order_by(Proposal.escalated_on, Proposal.id).limit(LISTED)).all()]
    found += [Waiting("action_plan", p.id, p.title, p.status, p.version,
                      f"To approve: {p.planned_start} – {p.planned_end}; success: {p.success_measure} "
                      f"{p.success_target}")
              for p in session.exec(select(ActionPlan).where(ActionPlan.status == PlanStatus.IN_REVIEW)
                                    .order_by(ActionPlan.id).limit(LISTED)).all()]
    found += [Waiting("pilot", p.id, p.title, p.status, p.version,
                      f"Evaluated: {p.measure}, target {p.target}, actual {p.actual or 'not measured'}")
              for p in session.exec(select(Pilot).where(Pilot.status == PilotStatus.EVALUATING)
                                    .order_by(Pilot.end_date, Pilot.id).limit(LISTED)).all()]
    return found


def _plans(session: Session, today: date) -> list[PlanLine]:
    """Each plan under way against its success measure, with its commitments: two queries."""
    plans = session.exec(select(ActionPlan).where(ActionPlan.status.in_(UNDER_WAY))
                         .order_by(ActionPlan.planned_end, ActionPlan.id).limit(LISTED)).all()
    progress = commitments.progress(session, plan_ids=[p.id for p in plans], today=today)
    return [PlanLine(p.id, p.title, p.status.label,
                     f"{p.success_measure}: target {p.success_target}"
                     + (f", actual {p.success_actual}" if p.success_actual else ""),
                     p.planned_end, progress[p.id], p.planned_end < today) for p in plans]


def _overdue(session: Session, today: date) -> tuple[tuple, tuple]:
    """The overdue commitments and noncompliances, oldest first: four queries."""
    late_commitments = session.exec(
        select(Commitment.description, User.name, Commitment.due_date, ActionPlan.title, ReviewMeeting.title)
        .join(User, User.id == Commitment.owner_id)
        .outerjoin(ActionPlan, ActionPlan.id == Commitment.plan_id)
        .outerjoin(ReviewMeeting, ReviewMeeting.id == Commitment.meeting_id)
        .where(overdue_clause(Commitment, today)).order_by(Commitment.due_date, Commitment.id).limit(LISTED)).all()
    late_noncompliances = session.exec(
        select(Noncompliance.description, User.name, Noncompliance.due_date, Project.code)
        .join(User, User.id == Noncompliance.owner_id)
        .join(ComplianceAudit, ComplianceAudit.id == Noncompliance.audit_id)
        .join(Project, Project.id == ComplianceAudit.project_id)
        .where(overdue_clause(Noncompliance, today)).order_by(Noncompliance.due_date, Noncompliance.id)
        .limit(LISTED)).all()
    totals = [session.exec(select(func.count()).select_from(model).where(overdue_clause(model, today))).one()
              for model in (Commitment, Noncompliance)]
    return (([Overdue(what, owner, due, plan or meeting or "") for what, owner, due, plan, meeting in late_commitments],
             totals[0]),
            ([Overdue(what, owner, due, code) for what, owner, due, code in late_noncompliances], totals[1]))


def build(session: Session, *, meeting: ReviewMeeting, today: date) -> Agenda:
    """The agenda of this meeting, from the data as it is today; the charts cover the meeting's period."""
    where = DashboardFilter(since=meeting.period_from, until=meeting.period_to)
    states = assessments(session, today=today)
    open_appraisals = session.exec(
        select(Appraisal.id, Appraisal.title, Appraisal.status, Appraisal.completion_on)
        .where(Appraisal.status.not_in((AppraisalStatus.COMPLETED, AppraisalStatus.CANCELLED)))
        .order_by(Appraisal.completion_on).limit(LISTED)).all()
    late_commitments, late_noncompliances = _overdue(session, today)
    due = cadence.schedule(session, today=today)
    return Agenda(
        decisions=decisions(session), plans=_plans(session, today),
        tiles=kpis(session, today=today, objectives=states, due=due),
        overdue_commitments=late_commitments, overdue_noncompliances=late_noncompliances,
        appraisals=[(a_id, title, status.label, day) for a_id, title, status, day in open_appraisals],
        reappraisals=due[:5],
        objectives=list(states.values()),
        charts={key: CHARTS[key](session, where, today) for key in PACK_CHARTS})
