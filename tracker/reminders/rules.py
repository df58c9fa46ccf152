"""The reminder rules: what the improvement cycle asks of whom, and when (issue 10).

Each rule finds, in a few set-based queries, the things that need a reminder today (`Item`s: the subject, the
period that makes the reminder one, its owners) given its `days` (the lead time an admin tunes in
`ReminderRule`). The sweep (tracker/reminders/sweep.py) turns them into notifications, once per
(rule, subject, recipient, period). An item with no owner goes to the process group.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from sqlmodel import Session, func, select

from tracker.action_plans.joint_reviews import UNDER_WAY, next_due
from tracker.action_plans.models import ActionPlan, Commitment, JointReview, PlanStatus
from tracker.appraisals import cadence
from tracker.appraisals.models import (
    Answer,
    Appraisal,
    AppraisalStatus,
    AppraisalTeamMember,
    Method,
    Participant,
)
from tracker.assets.models import AssetVersion, ProcessAsset
from tracker.auth.models import User, holding
from tracker.auth.roles import Role
from tracker.compliance.models import Noncompliance
from tracker.deployments import standard_set
from tracker.deployments.models import ProjectDeployment
from tracker.due import DUE, is_owed, overdue_clause, owed_clause
from tracker.lessons.models import Lesson, LessonStatus
from tracker.pilots.models import Pilot, PilotStatus
from tracker.projects.models import Project, ProjectLead
from tracker.proposals.models import Proposal, ProposalStatus
from tracker.reminders.models import Recipients
from tracker.reminders.notify import SETTLERS
from tracker.reviews.models import ReviewMeeting
from tracker.tailoring.models import TailoringRecord, TailoringStatus

ESCALATION = "escalation"  # the rule whose days say how long overdue a thing is before it is escalated, once


class Item(NamedTuple):  # a tuple: a sweep makes a hundred thousand of them
    subject: str  # "<table>:<id>"
    period: str  # with the rule and recipient, what makes the reminder one: the date reminded of, the phase
    title: str
    link: str  # the subject's page
    due_on: date | None
    owners: tuple[int, ...] = ()  # empty: the process group's
    overdue_since: date | None = None  # an overdue item is escalated once it has been overdue long enough
    escalate_to: tuple[int, ...] = ()  # whom (empty: the process group)


@dataclass(frozen=True)
class Rule:
    key: str
    label: str
    days: int  # the default lead time (days before a date) or grace (days after one)
    days_label: str
    find: Callable[[Session, date, int], Iterable[Item]]
    recipients: Recipients = Recipients.OWNER
    settles: tuple[type, ...] = field(default=())  # records whose status change may end the reminder at once


def path_for(endpoint: str, _anchor: str = "", **values) -> str:
    """A page's path outside any request (the sweep runs in the scheduler and on the command line)."""
    path = _adapter().build(endpoint, values)
    return f"{path}#{_anchor}" if _anchor else path


def _adapter():
    return current_app.url_map.bind("localhost", script_name=current_app.config.get("APPLICATION_ROOT", "/"))


def pages(endpoint: str, name: str) -> Callable[[object], str]:
    """The paths of one kind of page by the value of its one argument, each built once (a sweep asks for one
    plan's page for each of its thousands of commitments)."""
    built: dict[object, str] = {}
    adapter = _adapter()

    def path(value: object) -> str:
        if value not in built:
            built[value] = adapter.build(endpoint, {name: value})
        return built[value]
    return path


def plain_rows(session: Session, statement) -> list:
    """Plain rows, without the ORM's loading (a rule may read a hundred thousand)."""
    return session.connection().execute(statement).all()


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


# --- commitments -------------------------------------------------------------------------------------------------

OVER = (PlanStatus.COMPLETED, PlanStatus.CANCELLED)  # a plan over owes no more work on its commitments


def _commitments(session: Session, clause) -> list:
    """Owed commitments: (id, description, due, owner, its page, whom to escalate to: the plan's owner, else the
    chair of the steering review that gave the action item)."""
    plan, meeting = pages("plans.detail", "plan_id"), pages("reviews.detail", "meeting_id")
    rows = plain_rows(session, select(Commitment.id, Commitment.description, Commitment.due_date, Commitment.owner_id,
                                      Commitment.plan_id, ActionPlan.owner_id, Commitment.meeting_id,
                                      ReviewMeeting.chair_id)
                      .outerjoin(ActionPlan, ActionPlan.id == Commitment.plan_id)
                      .outerjoin(ReviewMeeting, ReviewMeeting.id == Commitment.meeting_id)
                      .where(owed_clause(Commitment),
                             sa.or_(ActionPlan.id.is_(None), ActionPlan.status.not_in(OVER)), clause))
    return [(id_, description, due, owner,
             f"{plan(plan_id) if plan_id else meeting(meeting_id)}#commitment-{id_}", plan_owner or chair)
            for id_, description, due, owner, plan_id, plan_owner, meeting_id, chair in rows]


def commitments_due(session: Session, today: date, days: int) -> Iterable[Item]:
    for id_, description, due, owner, link, _ in _commitments(
            session, Commitment.due_date.between(today, today + timedelta(days=days))):
        yield Item(f"commitment:{id_}", f"due:{due}", f"Commitment due {due}: {description}", link, due, (owner,))


def commitments_overdue(session: Session, today: date, days: int) -> Iterable[Item]:
    for id_, description, due, owner, link, escalate in _commitments(session, overdue_clause(Commitment, today)):
        yield Item(f"commitment:{id_}", f"overdue:{due}", f"Commitment overdue since {due}: {description}",
                   link, due, (owner,), overdue_since=due, escalate_to=(escalate,))


# --- noncompliances ----------------------------------------------------------------------------------------------

def _noncompliances(session: Session, clause) -> list:
    return session.exec(select(Noncompliance.id, Noncompliance.description, Noncompliance.due_date,
                               Noncompliance.owner_id, Noncompliance.audit_id)
                        .where(owed_clause(Noncompliance), clause)).all()


def noncompliances_due(session: Session, today: date, days: int) -> Iterable[Item]:
    for id_, description, due, owner, audit_id in _noncompliances(
            session, Noncompliance.due_date.between(today, today + timedelta(days=days))):
        yield Item(f"noncompliance:{id_}", f"due:{due}", f"Noncompliance due {due}: {description}",
                   path_for("compliance.detail", audit_id=audit_id, _anchor=f"nc-{id_}"), due, (owner,))


def noncompliances_overdue(session: Session, today: date, days: int) -> Iterable[Item]:
    for id_, description, due, owner, audit_id in _noncompliances(session, overdue_clause(Noncompliance, today)):
        yield Item(f"noncompliance:{id_}", f"overdue:{due}", f"Noncompliance overdue since {due}: {description}",
                   path_for("compliance.detail", audit_id=audit_id, _anchor=f"nc-{id_}"), due, (owner,),
                   overdue_since=due)


# --- appraisals --------------------------------------------------------------------------------------------------

def reappraisals_due(session: Session, today: date, days: int) -> Iterable[Item]:
    for due in cadence.schedule(session, today=today):
        if today <= due.due_on <= today + timedelta(days=days) and due.planned is None:
            yield Item(f"reappraisal_cadence:{due.cadence.id}", f"due:{due.due_on}",
                       f"Reappraisal of {_as_object(due.scope)} due {due.due_on}", path_for("appraisals.index"),
                       due.due_on)


def reappraisals_overdue(session: Session, today: date, days: int) -> Iterable[Item]:
    for due in cadence.schedule(session, today=today):
        if due.overdue and due.planned is None:
            yield Item(f"reappraisal_cadence:{due.cadence.id}", f"overdue:{due.due_on}",
                       f"Reappraisal of {_as_object(due.scope)} overdue since {due.due_on}",
                       path_for("appraisals.index"), due.due_on)


def _as_object(scope: str) -> str:
    """"The whole organization" inside a sentence; a process area's name as it is (PP · Project Planning)."""
    return "the" + scope[3:] if scope.startswith("The ") else scope


# The day each phase ends: the next phase's date.
PHASE_ENDS = {AppraisalStatus.PLANNED: "preparation_on", AppraisalStatus.PREPARATION: "execution_on",
              AppraisalStatus.EXECUTION: "reporting_on", AppraisalStatus.REPORTING: "aftercare_on",
              AppraisalStatus.AFTERCARE: "completion_on"}


def appraisal_phases_ending(session: Session, today: date, days: int) -> Iterable[Item]:
    appraisals = session.exec(select(Appraisal).where(Appraisal.status.in_(PHASE_ENDS))).all()
    team: dict[int, set[int]] = {}
    for appraisal_id, user_id in session.exec(select(AppraisalTeamMember.appraisal_id, AppraisalTeamMember.user_id)
                                              .where(AppraisalTeamMember.appraisal_id.in_([a.id for a in appraisals]))):
        team.setdefault(appraisal_id, set()).add(user_id)
    for appraisal in appraisals:
        ends = getattr(appraisal, PHASE_ENDS[appraisal.status])
        if ends <= today + timedelta(days=days):
            owners = tuple(sorted({appraisal.lead_appraiser_id, *team.get(appraisal.id, ())}))
            yield Item(f"appraisal:{appraisal.id}", f"{appraisal.status.value}:{ends}",
                       f"{appraisal.title}: the {appraisal.status.label.lower()} phase ends {ends}",
                       path_for("appraisals.detail", appraisal_id=appraisal.id), ends, owners,
                       overdue_since=ends if ends < today else None)


def questionnaires_unanswered(session: Session, today: date, days: int) -> Iterable[Item]:
    """A participant who has answered nothing, `days` before the questionnaire closes (execution ends)."""
    answered = select(Answer.id).where(Answer.appraisal_id == Participant.appraisal_id,
                                       Answer.user_id == Participant.user_id)
    rows = session.exec(select(Participant.id, Participant.user_id, Appraisal.id, Appraisal.title,
                               Appraisal.reporting_on).join(Appraisal)
                        .where(Appraisal.status == AppraisalStatus.EXECUTION, Appraisal.method == Method.A2I,
                               Appraisal.reporting_on.between(today, today + timedelta(days=days)),
                               ~sa.exists(answered))).all()
    for participant_id, user_id, appraisal_id, title, closes in rows:
        yield Item(f"appraisal_participant:{participant_id}", f"closes:{closes}",
                   f"{title}: your questionnaire closes {closes} and has no answers yet",
                   path_for("appraisals.questionnaire_page", appraisal_id=appraisal_id), closes, (user_id,))


# --- pilots, tailoring, deployments, lessons, proposals ----------------------------------------------------------

def pilots_undecided(session: Session, today: date, days: int) -> Iterable[Item]:
    rows = session.exec(select(Pilot.id, Pilot.title, Pilot.end_date, ActionPlan.owner_id).join(ActionPlan)
                        .where(Pilot.status != PilotStatus.DECIDED,
                               Pilot.end_date < today - timedelta(days=days))).all()
    for id_, title, ended, plan_owner in rows:
        yield Item(f"pilot:{id_}", f"ended:{ended}", f"Pilot {title} ended {ended} and has no decision",
                   path_for("pilots.detail", pilot_id=id_), ended, (plan_owner,), overdue_since=ended)


def tailoring_awaiting_review(session: Session, today: date, days: int) -> Iterable[Item]:
    rows = session.exec(select(TailoringRecord.id, TailoringRecord.element, Project.code, TailoringRecord.created_at)
                        .join(Project).where(TailoringRecord.status == TailoringStatus.REQUESTED,
                                             TailoringRecord.created_at < _start_of(today - timedelta(days=days)))
                        ).all()
    for id_, element, code, logged in rows:
        yield Item(f"tailoring_record:{id_}", f"logged:{logged.date()}",
                   f"Tailoring of {element} for {code} awaits review since {logged.date()}",
                   path_for("tailoring.detail", record_id=id_), logged.date())


def deployments_late(session: Session, today: date, days: int) -> Iterable[Item]:
    rows = session.exec(select(ProjectDeployment.id, ProjectDeployment.planned_date, ProjectDeployment.deployment_id,
                               ProjectDeployment.project_id, Project.code, ProcessAsset.title, AssetVersion.label)
                        .join(Project, Project.id == ProjectDeployment.project_id)
                        .join(AssetVersion, AssetVersion.id == ProjectDeployment.asset_version_id)
                        .join(ProcessAsset, ProcessAsset.id == AssetVersion.asset_id)
                        .where(overdue_clause(ProjectDeployment, today - timedelta(days=days)))).all()
    leads: dict[int, list[int]] = {}
    for project_id, user_id in session.exec(select(ProjectLead.project_id, ProjectLead.user_id).where(
            ProjectLead.project_id.in_({row[3] for row in rows}))):
        leads.setdefault(project_id, []).append(user_id)
    for id_, planned, deployment_id, project_id, code, asset, label in rows:
        yield Item(f"project_deployment:{id_}", f"planned:{planned}",
                   f"{asset} {label} was to be deployed on {code} by {planned}",
                   path_for("deployments.detail", deployment_id=deployment_id, _anchor=f"row-{id_}"), planned,
                   tuple(sorted(leads.get(project_id, ()))), overdue_since=planned)


def assets_to_review(session: Session, today: date, days: int) -> Iterable[Item]:
    rows = session.exec(select(ProcessAsset.id, ProcessAsset.title, ProcessAsset.review_due_on, ProcessAsset.owner_id)
                        .where(ProcessAsset.review_due_on <= today + timedelta(days=days))).all()
    for id_, title, due, owner in rows:
        yield Item(f"process_asset:{id_}", f"review:{due}", f"Review of {title} due {due}",
                   path_for("assets.detail", asset_id=id_, _anchor="reviews"), due, (owner,),
                   overdue_since=due if due < today else None)


def standard_set_to_review(session: Session, today: date, days: int) -> Iterable[Item]:
    dates = standard_set.schedule(session)
    if dates.review_on is not None and dates.review_on <= today + timedelta(days=days):
        yield Item(f"standard_set_schedule:{dates.id}", f"review:{dates.review_on}",
                   f"Review of the standard set due {dates.review_on}", path_for("deployments.standard_set_page"),
                   dates.review_on, overdue_since=dates.review_on if dates.review_on < today else None)


def lessons_unreviewed(session: Session, today: date, days: int) -> Iterable[Item]:
    rows = session.exec(select(Lesson.id, Lesson.title, Lesson.created_at).where(
        Lesson.status == LessonStatus.NEW, Lesson.created_at < _start_of(today - timedelta(days=days)))).all()
    for id_, title, logged in rows:
        yield Item(f"lesson:{id_}", f"logged:{logged.date()}", f"Lesson not reviewed since {logged.date()}: {title}",
                   path_for("lessons.detail", lesson_id=id_), logged.date())


def joint_reviews_due(session: Session, today: date, days: int) -> Iterable[Item]:
    last = select(JointReview.plan_id, func.max(JointReview.held_on).label("held")).group_by(JointReview.plan_id) \
        .subquery()
    rows = session.exec(select(ActionPlan, last.c.held)
                        .outerjoin(last, last.c.plan_id == ActionPlan.id)
                        .where(ActionPlan.status.in_(UNDER_WAY), ActionPlan.joint_review_weeks.is_not(None))).all()
    for plan, held in rows:
        due = next_due(plan, held)
        if due is not None and due <= today + timedelta(days=days):
            yield Item(f"action_plan:{plan.id}", f"joint_review:{due}", f"Joint review of {plan.title} due {due}",
                       path_for("plans.detail", plan_id=plan.id, _anchor="joint-title"), due, (plan.owner_id,),
                       overdue_since=due if due < today else None)


def proposals_undecided(session: Session, today: date, days: int) -> Iterable[Item]:
    steering = tuple(session.exec(select(User.id).where(holding(Role.STEERING), User.active)).all())
    rows = session.exec(select(Proposal.id, Proposal.title, Proposal.escalated_on).where(
        Proposal.status == ProposalStatus.ESCALATED,
        Proposal.escalated_on <= today - timedelta(days=days))).all()
    for id_, title, escalated in rows:
        yield Item(f"proposal:{id_}", f"escalated:{escalated}",
                   f"Proposal #{id_} awaits the steering committee's decision since {escalated}: {title}",
                   path_for("proposals.detail", proposal_id=id_), escalated, steering)


RULES: tuple[Rule, ...] = (
    Rule("reappraisal_due", "Reappraisal due", 30, "days before it is due", reappraisals_due,
         Recipients.PROCESS_GROUP),
    Rule("reappraisal_overdue", "Reappraisal overdue", 0, "(not used)", reappraisals_overdue, Recipients.PROCESS_GROUP),
    Rule("appraisal_phase_ending", "Appraisal phase ending", 7, "days before the phase ends",
         appraisal_phases_ending, settles=(Appraisal,)),
    Rule("questionnaire_unanswered", "Questionnaire not answered", 3, "days before it closes",
         questionnaires_unanswered),
    Rule("commitment_due", "Commitment due", 3, "days before it is due", commitments_due, settles=(Commitment,)),
    Rule("commitment_overdue", "Commitment overdue", 0, "(not used)", commitments_overdue, settles=(Commitment,)),
    Rule("noncompliance_due", "Noncompliance due", 3, "days before it is due", noncompliances_due,
         settles=(Noncompliance,)),
    Rule("noncompliance_overdue", "Noncompliance overdue", 0, "(not used)", noncompliances_overdue,
         settles=(Noncompliance,)),
    Rule("pilot_undecided", "Pilot ended without a decision", 0, "days after its end date", pilots_undecided,
         settles=(Pilot,)),
    Rule("tailoring_awaiting_review", "Tailoring awaiting review", 5, "days after it was logged",
         tailoring_awaiting_review, Recipients.PROCESS_GROUP, settles=(TailoringRecord,)),
    Rule("deployment_late", "Deployment past its target date", 0, "days after the target date", deployments_late,
         settles=(ProjectDeployment,)),
    Rule("asset_review_due", "Asset review due", 14, "days before it is due", assets_to_review),
    Rule("standard_set_review_due", "Standard set review due", 14, "days before it is due", standard_set_to_review,
         Recipients.PROCESS_GROUP),
    Rule("lesson_unreviewed", "Lesson not reviewed", 14, "days after it was logged", lessons_unreviewed,
         Recipients.PROCESS_GROUP, settles=(Lesson,)),
    Rule("joint_review_due", "Joint review due", 3, "days before it is due", joint_reviews_due, settles=(ActionPlan,)),
    Rule("proposal_undecided", "Escalated proposal undecided", 7, "days after it was escalated", proposals_undecided,
         settles=(Proposal,)),
)
# Not a finder: its days say how long an overdue item waits before it is escalated, once, to the owner's plan
# owner (or the process group).
ESCALATE = Rule(ESCALATION, "Escalation of what is overdue", 14, "days overdue", lambda session, today, days: ())
BY_KEY = {rule.key: rule for rule in (*RULES, ESCALATE)}

# When a status change has done the work a reminder asks for (tracker.workflow.make_move closes it at once).
DONE: dict[type, Callable[[object], bool]] = {
    **{model: (lambda record: not is_owed(record)) for model in DUE},  # a superseded status row too
    Pilot: lambda pilot: pilot.status == PilotStatus.DECIDED,
    Lesson: lambda lesson: lesson.status != LessonStatus.NEW,
    Proposal: lambda proposal: proposal.status != ProposalStatus.ESCALATED,
    Appraisal: lambda appraisal: True,
    ActionPlan: lambda plan: plan.status not in UNDER_WAY,  # every move ends a phase; the next phase's reminder comes with the sweep
}
for _rule in RULES:
    for _model in _rule.settles:
        SETTLERS.setdefault(_model, []).append((_rule.key, DONE[_model]))
