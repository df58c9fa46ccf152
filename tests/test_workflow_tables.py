"""Every workflow table, every (from, to) pair x every role, through the service: allowed moves happen, every
other is refused and leaves the record as it was. Automatic moves are refused to every role.

One test per workflow walks its whole matrix on one database and reports every cell that disagrees with the
table at once (tests/test_expected_permissions.py checks the tables themselves against the requirement)."""

from collections.abc import Callable
from itertools import product

import pytest
from sqlmodel import Session, select

from tracker.action_plans import commitments as commitment_service
from tracker.action_plans import issues as issue_service
from tracker.action_plans import service as plan_service
from tracker.action_plans.forms import CommitmentMoveInput, IssueMoveInput, PlanMoveInput
from tracker.action_plans.models import CommitmentStatus, IssueStatus, PlanStatus
from tracker.action_plans.workflow import COMMITMENT_TRANSITIONS, ISSUE_TRANSITIONS, PLAN_TRANSITIONS
from tracker.auth.roles import Role
from tracker.compliance import service as audit_service
from tracker.compliance.forms import AuditMoveInput, NoncomplianceMoveInput
from tracker.compliance.models import AuditStatus, Noncompliance, NoncomplianceStatus
from tracker.compliance.workflow import AUDIT_TRANSITIONS, NONCOMPLIANCE_TRANSITIONS
from tracker.deployments import service as deployment_service
from tracker.deployments.forms import RowMoveInput
from tracker.deployments.models import ProjectDeployment, RowStatus
from tracker.deployments.workflow import ROW_TRANSITIONS
from tracker.errors import DomainError
from tracker.lessons import service as lesson_service
from tracker.lessons.forms import LessonMoveInput
from tracker.lessons.models import LessonStatus
from tracker.lessons.workflow import LESSON_TRANSITIONS
from tracker.pilots import service as pilot_service
from tracker.pilots.forms import PilotMoveInput
from tracker.pilots.models import PilotDecision, PilotStatus
from tracker.pilots.workflow import PILOT_TRANSITIONS
from tracker.proposals import service as proposal_service
from tracker.proposals.forms import ProposalMoveInput
from tracker.proposals.models import ProposalStatus
from tracker.proposals.workflow import PROPOSAL_TRANSITIONS
from tracker.tailoring import service as tailoring_service
from tracker.tailoring.forms import TailoringReviewInput
from tracker.tailoring.models import TailoringStatus
from tracker.tailoring.workflow import TAILORING_TRANSITIONS


def pairs(statuses):
    return [(a, b) for a, b in product(statuses, statuses) if a != b]


@pytest.fixture
def person(make_user):
    """`person(role)`: one person of each role, who makes every move of that role in a walk (a new one for each
    of the hundreds of cells was a third of a walk's time). Each cell's record is new, so no cell's outcome
    depends on another's."""
    made = {}

    def of(role: Role):
        if role not in made:
            made[role] = make_user(role)
        return made[role]
    return of


def allowed(table, start, to, role) -> bool:
    move = table.get((start, to))
    return move is not None and not move.automatic and role in move.roles


def walk(engine, table, statuses, arrange: Callable, move: Callable, roles=tuple(Role)) -> list[str]:
    """Every role x (from, to): `arrange(role, start)` makes a record in `start` and returns (loader, user);
    `move(session, record, to, user)` asks the service. Returns the cells where the outcome broke the table."""
    wrong = []
    for role in roles:
        for start, to in pairs(statuses):
            load, user = arrange(role, start)
            expected = allowed(table, start, to, role)
            with Session(engine, expire_on_commit=False) as session:
                record = load(session)
                try:
                    move(session, record, to, user)
                    refused = None
                except DomainError as error:
                    refused = error
                    session.rollback()
                session.refresh(record)
                outcome = record.status
            if expected and (refused or outcome != to):
                wrong.append(f"{role}: {start} -> {to} should happen, but {refused or f'status is {outcome}'}")
            elif not expected and (refused is None or outcome != start):
                wrong.append(f"{role}: {start} -> {to} should be refused, but the status is now {outcome}")
    return wrong


def test_proposal_transitions(engine, make_user, make_proposal, person):
    submitter = make_user(Role.MEMBER)  # of every proposal walked, and none of the movers
    original = make_proposal(submitter_id=submitter.id)

    def arrange(role, start):
        proposal_id = make_proposal(start, submitter_id=submitter.id).id
        return (lambda session: proposal_service.get_proposal(session, proposal_id=proposal_id)), person(role)

    def move(session, proposal, to, user):
        data = ProposalMoveInput(to=to, rationale="Because.", duplicate_of_id=original.id, version=1)
        proposal_service.move_proposal(session, proposal=proposal, data=data, by=user)

    assert walk(engine, PROPOSAL_TRANSITIONS, ProposalStatus, arrange, move) == []


def test_plan_transitions(engine, make_user, make_plan, make_proposal, person):
    owner, submitter = make_user(Role.PROCESS_GROUP), make_user(Role.MEMBER)  # none of the movers

    def arrange(role, start):
        plan_id = make_plan(start, owner_id=owner.id,
                            proposals=[make_proposal(ProposalStatus.PLANNED, submitter_id=submitter.id)]).id
        return (lambda session: plan_service.get_plan(session, plan_id=plan_id)), person(role)

    def move(session, plan, to, user):
        data = PlanMoveInput(to=to, rationale="Because.", success_actual="4", version=1)
        plan_service.move_plan(session, plan=plan, data=data, by=user)

    assert walk(engine, PLAN_TRANSITIONS, PlanStatus, arrange, move) == []


def test_pilot_transitions(engine, make_plan, make_pilot, person):
    plan = make_plan(PlanStatus.IN_PROGRESS)

    def arrange(role, start):
        pilot_id = make_pilot(plan, status=start).id
        return (lambda session: pilot_service.get_pilot(session, pilot_id=pilot_id)), person(role)

    def move(session, pilot, to, user):
        # From evaluating, the steering committee "decides": extend runs the pilot on, any other outcome decides it.
        deciding = pilot.status == PilotStatus.EVALUATING and to in (PilotStatus.RUNNING, PilotStatus.DECIDED)
        decision = PilotDecision.EXTEND if to == PilotStatus.RUNNING else PilotDecision.ADOPT
        data = PilotMoveInput(to=PilotStatus.DECIDED if deciding else to, decision=decision, rationale="Because.",
                              version=1)
        pilot_service.move_pilot(session, pilot=pilot, data=data, by=user)

    assert walk(engine, PILOT_TRANSITIONS, PilotStatus, arrange, move) == []


def test_commitment_transitions_for_its_owner(engine, make_plan, make_commitment, person):
    plan = make_plan(PlanStatus.IN_PROGRESS)

    def arrange(role, start):
        owner = person(role)
        commitment_id = make_commitment(plan, owner=owner, status=start).id
        return (lambda session: commitment_service.get_commitment(session, commitment_id=commitment_id)), owner

    def move(session, commitment, to, owner):
        commitment_service.move_commitment(session, commitment=commitment, data=CommitmentMoveInput(to=to, version=1), by=owner)

    assert walk(engine, COMMITMENT_TRANSITIONS, CommitmentStatus, arrange, move) == []


def test_issue_transitions_for_its_owner(engine, make_plan, make_issue, person):
    plan = make_plan(PlanStatus.IN_PROGRESS)

    def arrange(role, start):
        owner = person(role)
        issue_id = make_issue(plan, owner=owner, status=start).id
        return (lambda session: issue_service.get_issue(session, issue_id=issue_id)), owner

    def move(session, issue, to, owner):
        issue_service.move_issue(session, issue=issue, data=IssueMoveInput(to=to, rationale="Fixed it.", version=1), by=owner)

    assert walk(engine, ISSUE_TRANSITIONS, IssueStatus, arrange, move) == []


def test_nobody_else_moves_someone_elses_commitment(engine, make_user, make_plan, make_commitment, person):
    plan, owner = make_plan(PlanStatus.IN_PROGRESS), make_user(Role.MEMBER)

    def arrange(role, start):
        commitment_id = make_commitment(plan, owner=owner, status=start).id  # owned by someone else
        return (lambda session: commitment_service.get_commitment(session, commitment_id=commitment_id)), person(role)

    def move(session, commitment, to, stranger):
        commitment_service.move_commitment(session, commitment=commitment, data=CommitmentMoveInput(to=to, version=1),
                                by=stranger)

    nothing_is_theirs = {}  # whatever the table lets a role do with its own commitments
    strangers = [Role.MEMBER, Role.PROJECT_LEAD, Role.STEERING]
    assert walk(engine, nothing_is_theirs, CommitmentStatus, arrange, move, strangers) == []


# --- deployment and experience (SG3)

def test_deployment_row_transitions_on_a_project_the_user_leads(engine, make_user, make_project, make_released,
                                                                make_deployment):
    version = make_released()

    def arrange(role, start):
        project = make_project()
        user = make_user(role, leads=[project] if role == Role.PROJECT_LEAD else [])
        deployment_id = make_deployment([project], [version], status=start).id

        def load(session):
            row = session.exec(select(ProjectDeployment).where(ProjectDeployment.deployment_id == deployment_id)).one()
            if role in (Role.PROCESS_GROUP, Role.PROJECT_LEAD):
                row = deployment_service.updatable_row(session, row_id=row.id, by=user)
            return row
        return load, user

    def move(session, row, to, user):
        deployment_service.move_row(session, row=row, data=RowMoveInput(to=to, rationale="Because.", version=1),
                                    by=user)

    assert walk(engine, ROW_TRANSITIONS, RowStatus, arrange, move) == []


def test_tailoring_review_transitions(engine, make_project, make_released, make_tailoring, person):
    project, version = make_project(), make_released()

    def arrange(role, start):
        record_id = make_tailoring(project, version, status=start).id
        return (lambda session: tailoring_service.get_tailoring(session, record_id=record_id)), person(role)

    def move(session, record, to, user):
        tailoring_service.move_tailoring(session, record=record, data=TailoringReviewInput(to=to, rationale="Because.",
                                                                                   version=1), by=user)

    assert walk(engine, TAILORING_TRANSITIONS, TailoringStatus, arrange, move) == []


def test_audit_transitions(engine, make_project, make_audit, person):
    project = make_project()

    def arrange(role, start):
        audit_id = make_audit(project, status=start).id
        return (lambda session: audit_service.get_audit(session, audit_id=audit_id)), person(role)

    def move(session, audit, to, user):
        audit_service.move_audit(session, audit=audit, data=AuditMoveInput(to=to, rationale="Because.", version=1),
                                 by=user)

    assert walk(engine, AUDIT_TRANSITIONS, AuditStatus, arrange, move) == []


def test_noncompliance_transitions_for_its_owner(engine, db, make_project, make_audit, person):
    project = make_project()

    def arrange(role, start):
        owner = person(role)
        audit_id = make_audit(project, noncompliance_owner=owner).id
        item = db.exec(select(Noncompliance).where(Noncompliance.audit_id == audit_id)).one()
        item.status = start
        db.commit()
        return (lambda session: session.get(Noncompliance, item.id)), owner

    def move(session, item, to, owner):
        audit_service.move_noncompliance(session, item=item, data=NoncomplianceMoveInput(to=to, rationale="Fixed.",
                                                                                          version=1), by=owner)

    assert walk(engine, NONCOMPLIANCE_TRANSITIONS, NoncomplianceStatus, arrange, move) == []


def test_lesson_transitions(engine, make_lesson, make_released, person):
    version = make_released()

    def arrange(role, start):
        lesson_id = make_lesson(status=start).id
        return (lambda session: lesson_service.get_lesson(session, lesson_id=lesson_id)), person(role)

    def move(session, lesson, to, user):
        lesson_service.move_lesson(session, lesson=lesson, data=LessonMoveInput(to=to, rationale="Because.",
                                                                         incorporated_version_id=version.id,
                                                                         version=1), by=user)

    assert walk(engine, LESSON_TRANSITIONS, LessonStatus, arrange, move) == []


def test_steering_review_transitions(engine, db, make_user, person):
    from datetime import date

    from tracker.reviews import service as review_service
    from tracker.reviews.forms import MeetingMoveInput
    from tracker.reviews.models import MeetingStatus, ReviewMeeting
    from tracker.reviews.workflow import MEETING_TRANSITIONS
    chair = make_user(Role.PROCESS_GROUP)

    def arrange(role, start):
        meeting = ReviewMeeting(title="Review", held_on=date(2026, 11, 1), period_from=date(2026, 8, 1),
                                period_to=date(2026, 11, 1), chair_id=chair.id, status=start)
        db.add(meeting)
        db.commit()
        meeting_id = meeting.id
        return (lambda session: review_service.get_meeting(session, meeting_id=meeting_id)), person(role)

    def move(session, meeting, to, user):
        review_service.move_meeting(session, meeting=meeting, by=user, pack=lambda: "<p>pack</p>",
                                    data=MeetingMoveInput(to=to, version=meeting.version, minutes="Minutes.",
                                                          rationale="Because."))

    assert walk(engine, MEETING_TRANSITIONS, MeetingStatus, arrange, move) == []
