"""The rules of process-compliance audits (SP 3.3 and GP 2.9: objectively evaluate adherence), at the service.

Written from the requirement: an audit checks the asset versions the project has in use (deployed or
verified), results stay as recorded once the audit is completed, an audit is completed once held, and a
noncompliance has an active owner and falls due no earlier than the audit that found it."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.conftest import count_rows
from tracker.auth.roles import Role
from tracker.compliance import service
from tracker.compliance.forms import AuditMoveInput, AuditResultInput, NoncomplianceInput
from tracker.compliance.models import AuditResult, AuditStatus, Compliance, ComplianceAudit, Noncompliance
from tracker.deployments.models import RowStatus
from tracker.errors import InvalidTransition, ValidationError
from tracker.history.models import AuditEvent


@pytest.fixture
def sepg(make_user):
    return make_user(Role.PROCESS_GROUP, name="Sam")


@pytest.fixture
def project(make_project):
    return make_project(code="PAY")


def test_the_scope_is_what_the_project_has_in_use(db, project, make_released, make_deployment):
    deployed, verified, planned, not_applicable = (make_released(title=t) for t in ("Reviews", "Estimation",
                                                                                     "Risk", "Metrics"))
    make_deployment([project], [deployed], status=RowStatus.DEPLOYED)
    make_deployment([project], [verified], status=RowStatus.VERIFIED)
    make_deployment([project], [planned], status=RowStatus.PLANNED)
    make_deployment([project], [not_applicable], status=RowStatus.NOT_APPLICABLE)
    assert {v.id for v in service.scope(db, project_id=project.id)} == {deployed.id, verified.id}


def test_a_result_outside_the_scope_is_refused_and_nothing_is_written(db, sepg, project, make_released,
                                                                      make_deployment, make_audit):
    in_use, elsewhere = make_released(title="Reviews"), make_released(title="Estimation")
    make_deployment([project], [in_use], status=RowStatus.DEPLOYED)
    audit = make_audit(project)
    events = count_rows(db, AuditEvent)
    with pytest.raises(ValidationError) as refused:
        service.record_results(db, audit=audit, by=sepg, results={
            in_use.id: AuditResultInput(result=Compliance.COMPLIANT),
            elsewhere.id: AuditResultInput(result=Compliance.COMPLIANT)})
    assert refused.value.errors == {f"result_{elsewhere.id}": "That version is not in the audit's scope."}
    assert count_rows(db, AuditResult) == 0 and count_rows(db, AuditEvent) == events


def test_results_are_kept_with_their_history_and_an_unchanged_result_writes_none(db, sepg, project, make_released,
                                                                                 make_deployment, make_audit):
    version = make_released(title="Reviews")
    make_deployment([project], [version], status=RowStatus.DEPLOYED)
    audit = make_audit(project)
    partly = {version.id: AuditResultInput(result=Compliance.PARTIALLY, notes="reviews late")}
    service.record_results(db, audit=audit, results=partly, by=sepg)
    service.record_results(db, audit=audit, results=partly, by=sepg)  # the same again
    service.record_results(db, audit=audit, results={version.id: AuditResultInput()}, by=sepg)  # blank: skipped
    events = db.exec(select(AuditEvent).where(AuditEvent.entity == "compliance_audit")).all()
    result_events = [e for e in events if "result" in (e.field or "")]
    assert len(result_events) == 1
    assert result_events[0].new == "Partially: reviews late"
    assert db.exec(select(AuditResult)).one().result == Compliance.PARTIALLY


def test_a_completed_audits_results_stay_as_recorded(db, sepg, project, make_released, make_deployment, make_audit):
    version = make_released()
    make_deployment([project], [version], status=RowStatus.DEPLOYED)
    audit = make_audit(project, status=AuditStatus.COMPLETED)
    with pytest.raises(InvalidTransition):
        service.record_results(db, audit=audit, results={version.id: AuditResultInput(result=Compliance.COMPLIANT)},
                               by=sepg)
    assert count_rows(db, AuditResult) == 0


def test_an_audit_is_completed_once_held(db, sepg, project, make_audit):
    ahead = make_audit(project, audit_date=date.today() + timedelta(days=7))
    with pytest.raises(ValidationError) as refused:
        service.move_audit(db, audit=ahead, by=sepg, data=AuditMoveInput(to=AuditStatus.COMPLETED, version=1))
    assert "complete it once it has been held" in refused.value.errors["summary"]
    db.rollback()
    assert db.get(ComplianceAudit, ahead.id).status == AuditStatus.PLANNED
    held = make_audit(project, audit_date=date.today())
    service.move_audit(db, audit=held, by=sepg, data=AuditMoveInput(to=AuditStatus.COMPLETED, summary="Fine",
                                                                    version=1))
    assert (held.status, held.summary) == (AuditStatus.COMPLETED, "Fine")


def test_a_noncompliance_needs_an_active_owner_and_a_due_date_after_the_audit(db, sepg, project, make_user,
                                                                             make_audit):
    audit = make_audit(project, audit_date=date(2026, 9, 15))
    gone = make_user(Role.PROJECT_LEAD, active=False)
    with pytest.raises(ValidationError) as refused:
        service.add_noncompliance(db, audit=audit, by=sepg, data=NoncomplianceInput(
            description="Milestone reviews missing", owner_id=gone.id, due_date=date(2026, 9, 1)))
    assert set(refused.value.errors) == {"owner_id", "due_date"}  # both at once
    assert count_rows(db, Noncompliance) == 0
    owner = make_user(Role.PROJECT_LEAD)
    item = service.add_noncompliance(db, audit=audit, by=sepg, data=NoncomplianceInput(
        description="Milestone reviews missing", owner_id=owner.id, due_date=date(2026, 9, 15)))  # the same day: fine
    assert (item.owner_id, item.due_date) == (owner.id, date(2026, 9, 15))
