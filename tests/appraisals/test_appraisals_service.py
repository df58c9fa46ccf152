"""The rules of appraisals (OPF SP 1.2, written from the requirement, issue 10):

- a plan names its reference model, method, sponsor and lead appraiser (active people), and a timeline that runs
  forward (preparation, execution, reporting, aftercare, completion);
- it moves planned -> preparation -> execution -> reporting -> aftercare -> completed, or is cancelled with a
  reason; completing records the day, and a maturity level only where the method rates (SCAMPI A);
- findings (strength, weakness, improvement opportunity) and ratings are recorded by the appraisal team during
  execution and reporting, for process areas and projects in the appraisal's scope;
- a weakness or opportunity becomes one improvement proposal that links back; a strength does not;
- a rating per process area replaces the earlier one in the same appraisal, and the area's history lists it;
- a scope's next appraisal is due its cadence's months after the last completed appraisal covering it (an
  appraisal naming no process areas covers them all, those of its reference model); a scope never appraised is
  due now (today: not yet overdue).
"""

from datetime import date

import pytest
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from tests.conftest import count_rows
from tracker.appraisals import cadence, service
from tracker.appraisals.forms import (
    AppraisalInput,
    AppraisalMoveInput,
    CadenceInput,
    FindingInput,
    RatingInput,
)
from tracker.appraisals.models import (
    Appraisal,
    AppraisalStatus,
    CadenceScope,
    Finding,
    FindingKind,
    Method,
    Rating,
    RatingValue,
    ReferenceModel,
)
from tracker.auth.roles import Role
from tracker.due import add_months
from tracker.errors import InvalidTransition, PermissionDenied, ValidationError
from tracker.history.models import AuditEvent
from tracker.process_areas.models import ProcessArea
from tracker.proposals.models import Proposal, ProposalSource, SourceEntity
from tracker.validation import parse


def area(db, code: str) -> ProcessArea:
    return db.exec(select(ProcessArea).where(ProcessArea.code == code)).one()


def plan_form(sponsor, lead, **fields) -> MultiDict:
    return MultiDict({"title": "SCAMPI A for ML3", "reference_model": "cmmi_dev", "method": "scampi_a",
                      "sponsor_id": str(sponsor.id), "lead_appraiser_id": str(lead.id),
                      "preparation_on": "2027-01-04", "execution_on": "2027-02-01", "reporting_on": "2027-02-15",
                      "aftercare_on": "2027-03-01", "completion_on": "2027-06-30"} | fields)


def test_a_plan_names_active_people_and_a_timeline_that_runs_forward(db, make_user):
    sepg, sponsor = make_user(Role.PROCESS_GROUP), make_user(Role.STEERING)
    gone = make_user(Role.STEERING, active=False)
    with pytest.raises(ValidationError) as refused:
        parse(AppraisalInput, plan_form(sponsor, sepg, execution_on="2026-12-01", aftercare_on="2027-02-01"))
    assert set(refused.value.errors) == {"execution_on", "aftercare_on"}  # every order error at once
    with pytest.raises(ValidationError) as refused:
        service.create_appraisal(db, data=parse(AppraisalInput, plan_form(gone, sepg)), by=sepg)
    assert refused.value.errors == {"sponsor_id": "Choose a person from the list."}
    assert count_rows(db, Appraisal) == 0
    appraisal = service.create_appraisal(db, data=parse(AppraisalInput, plan_form(sponsor, sepg)), by=sepg)
    assert (appraisal.status, appraisal.reference_model, appraisal.method) == (
        AppraisalStatus.PLANNED, ReferenceModel.CMMI_DEV, Method.SCAMPI_A)


def test_only_the_process_group_plans_an_appraisal(db, make_user):
    sponsor = make_user(Role.STEERING)
    for role in (Role.STEERING, Role.PROJECT_LEAD, Role.MEMBER, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            service.create_appraisal(db, data=parse(AppraisalInput, plan_form(sponsor, sponsor)), by=make_user(role))


def move(db, appraisal, to, by, **data):
    service.move_appraisal(db, appraisal=appraisal, by=by, data=AppraisalMoveInput(to=to, version=appraisal.version,
                                                                                  **data))


def test_the_phases_in_order_and_completion_records_the_day_and_level(db, make_user, make_appraisal):
    sepg = make_user(Role.PROCESS_GROUP)
    appraisal = make_appraisal()
    for phase in ("preparation", "execution", "reporting", "aftercare"):
        move(db, appraisal, AppraisalStatus(phase), sepg)
    move(db, appraisal, AppraisalStatus.COMPLETED, sepg, maturity_level=3)
    assert (appraisal.status, appraisal.completed_on, appraisal.maturity_level) == (
        AppraisalStatus.COMPLETED, date.today(), 3)


def test_skipping_a_phase_is_refused_and_cancelling_needs_a_reason(db, make_user, make_appraisal):
    sepg = make_user(Role.PROCESS_GROUP)
    appraisal = make_appraisal()
    with pytest.raises(InvalidTransition):
        move(db, appraisal, AppraisalStatus.EXECUTION, sepg)
    db.rollback()
    with pytest.raises(ValidationError):
        move(db, service.get_appraisal(db, appraisal_id=appraisal.id), AppraisalStatus.CANCELLED, sepg)
    db.rollback()
    appraisal = service.get_appraisal(db, appraisal_id=appraisal.id)
    move(db, appraisal, AppraisalStatus.CANCELLED, sepg, rationale="The sponsor left")
    assert appraisal.status == AppraisalStatus.CANCELLED


def test_a_method_that_does_not_rate_gives_no_maturity_level(db, make_user, make_appraisal):
    sepg = make_user(Role.PROCESS_GROUP)
    appraisal = make_appraisal(AppraisalStatus.AFTERCARE, method=Method.A2I)
    with pytest.raises(ValidationError) as refused:
        move(db, appraisal, AppraisalStatus.COMPLETED, sepg, maturity_level=2)
    assert "maturity_level" in refused.value.errors


def finding(kind="weakness", **fields) -> FindingInput:
    return FindingInput(kind=FindingKind(kind), statement=fields.pop("statement", "Peer reviews are skipped under "
                                                                                   "schedule pressure. Seen on PAY."),
                        evidence=fields.pop("evidence", "Review records missing for 4 of 9 work products"), **fields)


def test_the_team_records_findings_in_scope_during_execution_and_reporting(db, make_user, make_project,
                                                                          make_appraisal):
    member = make_user(Role.MEMBER)
    outsider = make_user(Role.MEMBER)
    pay, crm = make_project(code="PAY"), make_project(code="CRM")
    ver, pp = area(db, "VER"), area(db, "PP")
    appraisal = make_appraisal(AppraisalStatus.PREPARATION, areas=[ver], projects=[pay], team=[member])
    with pytest.raises(InvalidTransition):  # not yet: preparation
        service.record_finding(db, appraisal=appraisal, data=finding(area_id=ver.id), by=member)
    appraisal.status = AppraisalStatus.EXECUTION
    db.commit()
    with pytest.raises(PermissionDenied):  # not on the team
        service.record_finding(db, appraisal=appraisal, data=finding(area_id=ver.id), by=outsider)
    with pytest.raises(ValidationError) as refused:
        service.record_finding(db, appraisal=appraisal, data=finding(area_id=pp.id, project_id=crm.id), by=member)
    assert set(refused.value.errors) == {"area_id", "project_id"}
    recorded = service.record_finding(db, appraisal=appraisal, data=finding(area_id=ver.id, project_id=pay.id),
                                      by=member)
    assert (recorded.kind, recorded.area_id, recorded.project_id, recorded.recorded_by_id) == (
        FindingKind.WEAKNESS, ver.id, pay.id, member.id)
    appraisal.status = AppraisalStatus.AFTERCARE
    db.commit()
    with pytest.raises(InvalidTransition):  # reported: the findings are delivered
        service.record_finding(db, appraisal=appraisal, data=finding(area_id=ver.id), by=member)


def test_a_weakness_becomes_one_proposal_that_links_back_and_a_strength_none(db, make_user, make_appraisal):
    sepg = make_user(Role.PROCESS_GROUP)
    ver = area(db, "VER")
    appraisal = make_appraisal(AppraisalStatus.REPORTING, areas=[ver], title="Gap analysis 2026")
    weakness = service.record_finding(db, appraisal=appraisal, data=finding(area_id=ver.id), by=sepg)
    strength = service.record_finding(db, appraisal=appraisal, by=sepg, data=finding(
        "strength", area_id=ver.id, statement="Inspections of requirements are thorough."))
    proposal = service.propose(db, finding=weakness, by=sepg)
    assert proposal.title == "Peer reviews are skipped under schedule pressure"
    assert (proposal.source, proposal.source_entity, proposal.source_id) == (
        ProposalSource.APPRAISAL_FINDING, SourceEntity.FINDING.value, weakness.id)
    assert [a.code for a in proposal.areas] == ["VER"]
    # The evidence explains the problem; what to change is the proposal's to work out.
    assert proposal.problem == ("Peer reviews are skipped under schedule pressure. Seen on PAY.\n\n"
                                "Evidence: Review records missing for 4 of 9 work products")
    assert proposal.proposed_change == "To be worked out from the appraisal finding."
    assert proposal.source_ref == "Gap analysis 2026: weakness in VER"
    with pytest.raises(InvalidTransition):
        service.propose(db, finding=weakness, by=sepg)  # once
    with pytest.raises(InvalidTransition):
        service.propose(db, finding=strength, by=sepg)
    db.rollback()
    assert count_rows(db, Proposal) == 1


def test_a_rating_replaces_the_earlier_one_and_the_area_keeps_its_history(db, make_user, make_appraisal):
    sepg = make_user(Role.PROCESS_GROUP)
    ver = area(db, "VER")
    earlier = make_appraisal(AppraisalStatus.EXECUTION, areas=[ver], completion_on=date(2025, 6, 30))
    later = make_appraisal(AppraisalStatus.EXECUTION, areas=[ver], completion_on=date(2026, 6, 30))
    service.rate(db, appraisal=earlier, data=RatingInput(area_id=ver.id, value=RatingValue.NOT_SATISFIED), by=sepg)
    service.rate(db, appraisal=later, data=RatingInput(area_id=ver.id, value=RatingValue.PARTIALLY), by=sepg)
    service.rate(db, appraisal=later, data=RatingInput(area_id=ver.id, value=RatingValue.SATISFIED,
                                                       capability_level=3), by=sepg)
    assert count_rows(db, Rating) == 2
    history, more = service.rating_history(db, area_id=ver.id)
    assert [(a.id, r.value, r.capability_level) for a, r in history] == [
        (later.id, RatingValue.SATISFIED, 3), (earlier.id, RatingValue.NOT_SATISFIED, None)] and not more
    changes = db.exec(select(AuditEvent).where(AuditEvent.entity == "appraisal", AuditEvent.entity_id == later.id,
                                               AuditEvent.field == "rating VER").order_by(AuditEvent.id)).all()
    assert [(c.old, c.new) for c in changes] == [(None, "Partially satisfied"),
                                                 ("Partially satisfied", "Satisfied, capability level 3")]


def test_a_method_that_characterizes_does_not_rate(db, make_user, make_appraisal):
    sepg = make_user(Role.PROCESS_GROUP)
    appraisal = make_appraisal(AppraisalStatus.EXECUTION, method=Method.SCAMPI_C)
    with pytest.raises(ValidationError):
        service.rate(db, appraisal=appraisal, data=RatingInput(area_id=area(db, "PP").id,
                                                               value=RatingValue.SATISFIED), by=sepg)
    assert count_rows(db, Rating) == 0


def test_months_are_added_as_people_count_them():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 3, 31), 6) == date(2026, 9, 30)
    assert add_months(date(2025, 11, 15), 24) == date(2027, 11, 15)


def test_reappraisal_is_due_after_the_last_completed_appraisal_covering_the_scope(db, make_user, make_appraisal):
    sepg = make_user(Role.PROCESS_GROUP)
    pp, ver, opf = area(db, "PP"), area(db, "VER"), area(db, "OPF")
    for data in (CadenceInput(scope=CadenceScope.ORGANIZATION, months=24),
                 CadenceInput(scope=CadenceScope.PROCESS_AREA, area_id=pp.id, months=6),
                 CadenceInput(scope=CadenceScope.PROCESS_AREA, area_id=ver.id, months=12),
                 CadenceInput(scope=CadenceScope.PROCESS_AREA, area_id=opf.id, months=12)):
        cadence.set_cadence(db, data=data, by=sepg)
    # The whole organization, completed 2025-01-15; PP alone, completed 2026-03-31; VER never on its own.
    make_appraisal(AppraisalStatus.COMPLETED, completed_on=date(2025, 1, 15))
    make_appraisal(AppraisalStatus.COMPLETED, areas=[pp], completed_on=date(2026, 3, 31))
    make_appraisal(AppraisalStatus.CANCELLED, areas=[opf])  # a cancelled appraisal covers nothing
    due = {d.scope: d for d in cadence.schedule(db, today=date(2026, 11, 29))}
    assert (due["The whole organization"].due_on, due["The whole organization"].overdue) == (date(2027, 1, 15), False)
    assert (due[pp.label].due_on, due[pp.label].overdue) == (date(2026, 9, 30), True)
    assert (due[ver.label].last_completed_on, due[ver.label].due_on) == (date(2025, 1, 15), date(2026, 1, 15))
    # Overdue first, the longest overdue first (ties by name), then the soonest.
    assert [d.scope for d in cadence.schedule(db, today=date(2026, 11, 29))] == [
        opf.label, ver.label, pp.label, "The whole organization"]


def test_a_scope_never_appraised_is_due_now_and_each_scope_has_one_cadence(db, make_user):
    sepg = make_user(Role.PROCESS_GROUP)
    cadence.set_cadence(db, data=CadenceInput(scope=CadenceScope.ORGANIZATION, months=24), by=sepg)
    (only,) = cadence.schedule(db, today=date(2026, 11, 29))
    assert (only.last_completed_on, only.due_on, only.overdue) == (None, date(2026, 11, 29), False)  # due, today
    with pytest.raises(ValidationError) as refused:
        cadence.set_cadence(db, data=CadenceInput(scope=CadenceScope.ORGANIZATION, months=12), by=sepg)
    assert "scope" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        cadence.set_cadence(db, data=CadenceInput(scope=CadenceScope.PROCESS_AREA, months=12), by=sepg)
    assert "area_id" in refused.value.errors
    with pytest.raises(PermissionDenied):
        cadence.set_cadence(db, data=CadenceInput(scope=CadenceScope.ORGANIZATION, months=12),
                            by=make_user(Role.STEERING))


def test_findings_are_listed_by_kind(db, make_user, make_appraisal):
    sepg = make_user(Role.PROCESS_GROUP)
    appraisal = make_appraisal(AppraisalStatus.EXECUTION)
    pp = area(db, "PP")
    for kind in ("opportunity", "strength", "weakness"):
        service.record_finding(db, appraisal=appraisal, data=finding(kind, area_id=pp.id), by=sepg)
    assert [f.kind for f in service.findings_of(db, appraisal_id=appraisal.id)] == [
        FindingKind.STRENGTH, FindingKind.WEAKNESS, FindingKind.OPPORTUNITY]
    assert count_rows(db, Finding) == 3


def test_a_narrower_scope_keeps_what_was_recorded_in_it(db, make_user, make_project, make_appraisal):
    """Found by a walk-through: narrowing the scope left findings and participants outside it without a word."""
    sepg = make_user(Role.PROCESS_GROUP)
    ver, pp = area(db, "VER"), area(db, "PP")
    pay, dw = make_project(code="PAY"), make_project(code="DW")
    appraisal = make_appraisal(AppraisalStatus.EXECUTION, areas=[ver, pp], projects=[pay, dw])
    service.record_finding(db, appraisal=appraisal, data=finding(area_id=ver.id, project_id=pay.id), by=sepg)
    form = plan_form(appraisal.sponsor, sepg, title=appraisal.title, version=str(appraisal.version))
    form.setlist("area_ids", [str(pp.id)])
    form.setlist("project_ids", [str(dw.id)])
    with pytest.raises(ValidationError) as refused:
        service.update_appraisal(db, appraisal=appraisal, data=parse(AppraisalInput, form), by=sepg)
    assert refused.value.errors == {"area_ids": "Keep VER in scope: findings, ratings or answers were recorded for it.",
                                    "project_ids": "Keep PAY in scope: findings or participants were recorded for it."}
    form.setlist("area_ids", [str(ver.id)])  # dropping PP, where nothing was recorded, is fine
    form.setlist("project_ids", [str(pay.id)])
    service.update_appraisal(db, appraisal=appraisal, data=parse(AppraisalInput, form), by=sepg)
    assert [a.code for a in appraisal.areas] == ["VER"] and [p.code for p in appraisal.projects] == ["PAY"]


def test_an_appraisal_of_the_whole_organization_covers_the_areas_of_its_own_model(db, make_user, make_appraisal):
    """Found by a walk-through: a CMMI-DEV appraisal of the whole organization counted for an IT Service CMM area."""
    sepg = make_user(Role.PROCESS_GROUP)
    srim, pp = area(db, "ITS-SRIM"), area(db, "PP")
    for a in (srim, pp):
        cadence.set_cadence(db, data=CadenceInput(scope=CadenceScope.PROCESS_AREA, area_id=a.id, months=12), by=sepg)
    make_appraisal(AppraisalStatus.COMPLETED, reference_model=ReferenceModel.CMMI_DEV, completed_on=date(2026, 5, 1))
    due = {d.scope: d for d in cadence.schedule(db, today=date(2026, 11, 29))}
    assert due[pp.label].last_completed_on == date(2026, 5, 1)
    assert due[srim.label].last_completed_on is None


def test_each_scope_names_the_soonest_appraisal_planned_or_under_way_that_covers_it(db, make_user, make_appraisal):
    """A cadence's planned appraisal: of those planned or under way (not completed, not cancelled), the one to
    complete soonest that covers the scope: for an area, one listing it or one of the whole organization in a
    model that covers it; for the organization, one of the whole organization."""
    sepg = make_user(Role.PROCESS_GROUP)
    pp, ver, srim = area(db, "PP"), area(db, "VER"), area(db, "ITS-SRIM")
    cadence.set_cadence(db, data=CadenceInput(scope=CadenceScope.ORGANIZATION, months=24), by=sepg)
    for a in (pp, ver, srim):
        cadence.set_cadence(db, data=CadenceInput(scope=CadenceScope.PROCESS_AREA, area_id=a.id, months=12), by=sepg)
    make_appraisal(AppraisalStatus.PLANNED, title="Whole, late", completion_on=date(2027, 9, 1))
    make_appraisal(AppraisalStatus.CANCELLED, title="Cancelled", areas=[pp], completion_on=date(2027, 1, 1))
    make_appraisal(AppraisalStatus.COMPLETED, title="Done", areas=[pp], completed_on=date(2026, 6, 1),
                   completion_on=date(2026, 6, 1))
    make_appraisal(AppraisalStatus.PREPARATION, title="PP soon", areas=[pp], completion_on=date(2027, 2, 1))
    make_appraisal(AppraisalStatus.PLANNED, title="PP later", areas=[pp, ver], completion_on=date(2027, 5, 1))
    make_appraisal(AppraisalStatus.PLANNED, title="Whole, early", completion_on=date(2027, 3, 1))
    due = {d.scope: d.planned for d in cadence.schedule(db, today=date(2026, 11, 29))}
    assert due["The whole organization"].title == "Whole, early"
    assert due[pp.label].title == "PP soon"  # listing PP, before the whole organization's
    assert due[ver.label].title == "Whole, early"  # the whole organization's (CMMI) before "PP later"
    assert due[srim.label] is None  # no CMMI appraisal covers an IT Service CMM area
