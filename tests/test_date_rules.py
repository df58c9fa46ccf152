"""Dates that contradict each other or the calendar are refused beside the field, with every error in one round
(found by a new user's walk-through: each of these was saved without a word)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from tracker.action_plans.models import JointReview, PlanStatus
from tracker.auth.roles import Role
from tracker.compliance.models import AuditStatus, ComplianceAudit, Noncompliance
from tracker.db import clock_at
from tracker.tailoring.models import TailoringRecord

TODAY = date(2026, 6, 15)  # the app's today in every test here: a run across midnight found "tomorrow" was today
HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _today():
    with clock_at(datetime(2026, 6, 15, 12, tzinfo=UTC)):
        yield


def test_a_joint_review_reports_every_error_at_once(client, login_as, make_plan, db):
    sepg = login_as(Role.PROCESS_GROUP)
    plan = make_plan(PlanStatus.IN_PROGRESS)
    response = client.post(f"/plans/{plan.id}/joint-reviews", headers=HX, data={
        "held_on": str(TODAY - timedelta(days=2)), "summary": "s" * 5000,
        "f1_description": "Trim the checklist", "f1_due": str(TODAY + timedelta(days=10)),  # no owner
        "f2_description": "Brief the leads", "f2_owner_id": str(sepg.id), "f2_due": str(TODAY - timedelta(days=5))})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Use at most 4000 characters." in page
    assert "A follow-up needs a description, an owner and a due date." in page
    assert "A follow-up is due on or after the review it came from." in page
    assert db.exec(select(JointReview)).first() is None


def test_a_joint_review_is_recorded_once_held(client, login_as, make_plan, db):
    login_as(Role.PROCESS_GROUP)
    plan = make_plan(PlanStatus.IN_PROGRESS)
    response = client.post(f"/plans/{plan.id}/joint-reviews", headers=HX, data={
        "held_on": str(TODAY + timedelta(days=1)), "summary": "Planned review"})
    assert response.status_code == 422 and "Record a joint review once it has been held." in response.get_data(
        as_text=True)
    assert db.exec(select(JointReview)).first() is None


def test_tailoring_is_not_dated_ahead(client, login_as, make_project, make_released, db):
    login_as(Role.PROCESS_GROUP)
    project, version = make_project(), make_released()
    response = client.post("/tailoring/", data={
        "project_id": str(project.id), "asset_version_id": str(version.id), "element": "Design review",
        "type": "omit", "rationale": "Bought-in design", "tailored_on": str(TODAY + timedelta(days=30))})
    assert response.status_code == 422 and "today at the latest" in response.get_data(as_text=True)
    assert db.exec(select(TailoringRecord)).first() is None


def test_a_noncompliance_is_due_after_the_audit_that_found_it(client, login_as, make_project, make_user,
                                                              make_audit, db):
    login_as(Role.PROCESS_GROUP)
    audit = make_audit(make_project(), audit_date=date(2026, 9, 15))
    owner = make_user(Role.PROJECT_LEAD)
    response = client.post(f"/compliance/{audit.id}/noncompliances", headers=HX, data={
        "description": "Milestone reviews missing", "owner_id": str(owner.id), "due_date": "2026-08-01"})
    assert response.status_code == 422 and "Due on or after the audit that found it (2026-09-15)." in \
        response.get_data(as_text=True)
    assert db.exec(select(Noncompliance)).first() is None


def test_an_audit_is_completed_once_its_date_has_come(client, login_as, make_project, make_audit, db):
    login_as(Role.PROCESS_GROUP)
    audit = make_audit(make_project(), audit_date=TODAY + timedelta(days=21))
    response = client.post(f"/compliance/{audit.id}/move", headers=HX, data={
        "to": "completed", "summary": "Fine", "version": str(audit.version)})
    assert response.status_code == 422 and "complete it once it has been held" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(ComplianceAudit, audit.id).status == AuditStatus.PLANNED


def test_every_typed_day_is_in_a_plausible_year(client, login_as, make_plan, make_user, db):
    """One rule for every date a person types (validation.Day): a slipped key (0002, 9999) is refused beside the
    field, on any form: here a plan's commitment and a project."""
    login_as(Role.PROCESS_GROUP)
    plan = make_plan(PlanStatus.IN_PROGRESS)
    owner = make_user(Role.MEMBER)
    commitment = client.post(f"/plans/{plan.id}/commitments", headers=HX, data={
        "description": "Train the reviewers", "owner_id": str(owner.id), "due_date": "0002-06-30"})
    assert commitment.status_code == 422
    assert "Enter a date between 1900 and 2200." in commitment.get_data(as_text=True)
    project = client.post("/projects/", data={"code": "OLD", "name": "Old", "phase": "planning",
                                              "start_date": "9999-01-01"})
    assert project.status_code == 422 and "Enter a date between 1900 and 2200." in project.get_data(as_text=True)
