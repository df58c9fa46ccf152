"""Every workflow table, every (from, to) pair x every role: allowed moves happen, every other is refused
and leaves the record as it was. Automatic moves are refused to every role."""

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


def allowed(table, start, to, role) -> bool:
    move = table.get((start, to))
    return move is not None and not move.automatic and role in move.roles


def attempt(session: Session, record, start, to, expected: bool, call) -> None:
    if expected:
        call()
        session.refresh(record)
        assert record.status == to
    else:
        with pytest.raises(DomainError):
            call()
        session.rollback()
        session.refresh(record)
        assert record.status == start


ROLES = pytest.mark.parametrize("role", list(Role), ids=str)


@ROLES
@pytest.mark.parametrize("start, to", pairs(ProposalStatus), ids=str)
def test_proposal_transitions(engine, make_user, make_proposal, role, start, to):
    user = make_user(role)
    original = make_proposal()
    proposal_id = make_proposal(start).id
    with Session(engine, expire_on_commit=False) as session:
        proposal = proposal_service.get_proposal(session, proposal_id=proposal_id)
        data = ProposalMoveInput(to=to, rationale="Because.", duplicate_of_id=original.id, version=1)
        attempt(session, proposal, start, to, allowed(PROPOSAL_TRANSITIONS, start, to, role),
                lambda: proposal_service.move(session, proposal=proposal, data=data, by=user))


@ROLES
@pytest.mark.parametrize("start, to", pairs(PlanStatus), ids=str)
def test_plan_transitions(engine, make_user, make_plan, role, start, to):
    user = make_user(role)
    plan_id = make_plan(start).id
    with Session(engine, expire_on_commit=False) as session:
        plan = plan_service.get_plan(session, plan_id=plan_id)
        data = PlanMoveInput(to=to, rationale="Because.", success_actual="4", version=1)
        attempt(session, plan, start, to, allowed(PLAN_TRANSITIONS, start, to, role),
                lambda: plan_service.move_plan(session, plan=plan, data=data, by=user))


@ROLES
@pytest.mark.parametrize("start, to", pairs(PilotStatus), ids=str)
def test_pilot_transitions(engine, make_user, make_plan, make_pilot, role, start, to):
    user = make_user(role)
    pilot_id = make_pilot(make_plan(PlanStatus.IN_PROGRESS), status=start).id
    # From evaluating, the steering committee "decides": extend runs the pilot on, any other outcome decides it.
    deciding = start == PilotStatus.EVALUATING and to in (PilotStatus.RUNNING, PilotStatus.DECIDED)
    decision = PilotDecision.EXTEND if to == PilotStatus.RUNNING else PilotDecision.ADOPT
    with Session(engine, expire_on_commit=False) as session:
        pilot = pilot_service.get_pilot(session, pilot_id=pilot_id)
        data = PilotMoveInput(to=PilotStatus.DECIDED if deciding else to, decision=decision, rationale="Because.",
                              version=1)
        attempt(session, pilot, start, to, allowed(PILOT_TRANSITIONS, start, to, role),
                lambda: pilot_service.move_pilot(session, pilot=pilot, data=data, by=user))


@ROLES
@pytest.mark.parametrize("start, to", pairs(CommitmentStatus), ids=str)
def test_commitment_transitions_for_its_owner(engine, make_user, make_plan, make_commitment, role, start, to):
    owner = make_user(role)
    commitment_id = make_commitment(make_plan(PlanStatus.IN_PROGRESS), owner=owner, status=start).id
    with Session(engine, expire_on_commit=False) as session:
        commitment = commitment_service.get(session, commitment_id=commitment_id)
        data = CommitmentMoveInput(to=to, version=1)
        attempt(session, commitment, start, to, allowed(COMMITMENT_TRANSITIONS, start, to, role),
                lambda: commitment_service.move(session, commitment=commitment, data=data, by=owner))


@ROLES
@pytest.mark.parametrize("start, to", pairs(IssueStatus), ids=str)
def test_issue_transitions_for_its_owner(engine, make_user, make_plan, make_issue, role, start, to):
    owner = make_user(role)
    issue_id = make_issue(make_plan(PlanStatus.IN_PROGRESS), owner=owner, status=start).id
    with Session(engine, expire_on_commit=False) as session:
        issue = issue_service.get(session, issue_id=issue_id)
        data = IssueMoveInput(to=to, rationale="Fixed it.", version=1)
        attempt(session, issue, start, to, allowed(ISSUE_TRANSITIONS, start, to, role),
                lambda: issue_service.move(session, issue=issue, data=data, by=owner))


@pytest.mark.parametrize("role", [Role.MEMBER, Role.PROJECT_LEAD, Role.STEERING], ids=str)
def test_nobody_else_moves_someone_elses_commitment(engine, make_user, make_plan, make_commitment, role):
    stranger = make_user(role)
    commitment_id = make_commitment(make_plan(PlanStatus.IN_PROGRESS)).id
    with Session(engine, expire_on_commit=False) as session:
        commitment = commitment_service.get(session, commitment_id=commitment_id)
        attempt(session, commitment, CommitmentStatus.OPEN, CommitmentStatus.DONE, False,
                lambda: commitment_service.move(session, commitment=commitment, by=stranger,
                                                data=CommitmentMoveInput(to=CommitmentStatus.DONE, version=1)))


# --- deployment and experience (SG3)

@ROLES
@pytest.mark.parametrize("start, to", pairs(RowStatus), ids=str)
def test_deployment_row_transitions_on_a_project_the_user_leads(engine, make_user, make_project, make_released,
                                                                make_deployment, role, start, to):
    project = make_project()
    user = make_user(role, leads=[project] if role == Role.PROJECT_LEAD else [])
    make_deployment([project], [make_released()], status=start)
    with Session(engine, expire_on_commit=False) as session:
        row = session.exec(select(ProjectDeployment)).one()
        row = deployment_service.updatable_row(session, row_id=row.id, by=user) if role in (
            Role.PROCESS_GROUP, Role.PROJECT_LEAD) else row
        data = RowMoveInput(to=to, rationale="Because.", version=1)
        attempt(session, row, start, to, allowed(ROW_TRANSITIONS, start, to, role),
                lambda: deployment_service.move_row(session, row=row, data=data, by=user))


@ROLES
@pytest.mark.parametrize("start, to", pairs(TailoringStatus), ids=str)
def test_tailoring_review_transitions(engine, make_user, make_project, make_released, make_tailoring, role, start,
                                      to):
    user = make_user(role)
    record_id = make_tailoring(make_project(), make_released(), status=start).id
    with Session(engine, expire_on_commit=False) as session:
        record = tailoring_service.get(session, record_id=record_id)
        data = TailoringReviewInput(to=to, rationale="Because.", version=1)
        attempt(session, record, start, to, allowed(TAILORING_TRANSITIONS, start, to, role),
                lambda: tailoring_service.review(session, record=record, data=data, by=user))


@ROLES
@pytest.mark.parametrize("start, to", pairs(AuditStatus), ids=str)
def test_audit_transitions(engine, make_user, make_project, make_audit, role, start, to):
    user = make_user(role)
    audit_id = make_audit(make_project(), status=start).id
    with Session(engine, expire_on_commit=False) as session:
        audit = audit_service.get_audit(session, audit_id=audit_id)
        data = AuditMoveInput(to=to, rationale="Because.", version=1)
        attempt(session, audit, start, to, allowed(AUDIT_TRANSITIONS, start, to, role),
                lambda: audit_service.move_audit(session, audit=audit, data=data, by=user))


@ROLES
@pytest.mark.parametrize("start, to", pairs(NoncomplianceStatus), ids=str)
def test_noncompliance_transitions_for_its_owner(engine, make_user, make_project, make_audit, role, start, to):
    owner = make_user(role)
    make_audit(make_project(), noncompliance_owner=owner)
    with Session(engine, expire_on_commit=False) as session:
        item = session.exec(select(Noncompliance)).one()
        item.status = start
        session.commit()
        data = NoncomplianceMoveInput(to=to, rationale="Fixed.", version=1)
        attempt(session, item, start, to, allowed(NONCOMPLIANCE_TRANSITIONS, start, to, role),
                lambda: audit_service.move_noncompliance(session, item=item, data=data, by=owner))


@ROLES
@pytest.mark.parametrize("start, to", pairs(LessonStatus), ids=str)
def test_lesson_transitions(engine, make_user, make_lesson, make_released, role, start, to):
    user = make_user(role)
    version = make_released()
    lesson_id = make_lesson(status=start).id
    with Session(engine, expire_on_commit=False) as session:
        lesson = lesson_service.get(session, lesson_id=lesson_id)
        data = LessonMoveInput(to=to, rationale="Because.", incorporated_version_id=version.id, version=1)
        attempt(session, lesson, start, to, allowed(LESSON_TRANSITIONS, start, to, role),
                lambda: lesson_service.move(session, lesson=lesson, data=data, by=user))
