"""Issue 12 part 1: removing something logged by mistake — the process group only, confirmed first on a page that
says what goes with it; refused while other records depend on it; the record's values and its removal in the
history (its parent's page says it went); the counts and flags that summarise it follow."""

from datetime import date

import pytest
from sqlmodel import select

from tracker.action_plans.models import Commitment, JointReview, PlanStatus
from tracker.auth.roles import Role
from tracker.compliance.models import AuditResult, Compliance, ComplianceAudit, Noncompliance
from tracker.deployments.forms import DeploymentInput
from tracker.deployments.models import Deployment, DeploymentTally, ProjectDeployment, RowStatus
from tracker.deployments.service import create_deployment
from tracker.history.models import AuditEvent
from tracker.lessons.models import Lesson, LessonStatus
from tracker.proposals.models import ProposalStatus, SourceEntity
from tracker.reminders.models import Notification


@pytest.fixture
def pg(make_user, login):
    person = make_user(Role.PROCESS_GROUP, name="Sam Process")
    login(person)
    return person


def events(db, entity: str, entity_id: int) -> list[tuple[str, str, str | None, str | None]]:
    return [(e.action, e.field, e.old, e.new) for e in db.exec(
        select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.id)).all()]


def test_a_commitment_logged_by_mistake_is_removed_after_confirming(client, db, pg, make_plan, make_commitment,
                                                                    make_user):
    plan = make_plan(PlanStatus.IN_PROGRESS)
    commitment = make_commitment(plan, description="Duplicate of the checklist", owner=make_user(name="Mia"))
    reminder = Notification(rule="commitment_due", subject=f"commitment:{commitment.id}",
                            recipient_id=commitment.owner_id, period="due:2026-06-30", title="Due", link="/")
    db.add(reminder)
    db.commit()
    commitment_id, plan_id, reminder_id = commitment.id, plan.id, reminder.id
    assert f'href="/remove/commitment/{commitment.id}"' in client.get(f"/commitments/{commitment.id}/edit").get_data(
        as_text=True)
    confirm = client.get(f"/remove/commitment/{commitment.id}").get_data(as_text=True)
    assert "Remove the commitment «Duplicate of the checklist»?" in confirm and "Remove the commitment</button>" in confirm
    db.expire_all()
    assert db.get(Commitment, commitment_id) is not None  # a GET removes nothing
    removed = client.post(f"/remove/commitment/{commitment_id}", data={"version": "1"})
    assert removed.status_code == 303 and removed.headers["Location"].endswith(f"/plans/{plan_id}#commitments-title")
    db.expire_all()
    assert db.get(Commitment, commitment_id) is None
    assert ("delete", "description", "Duplicate of the checklist", None) in events(db, "commitment", commitment_id)
    assert ("update", "commitment removed", "Duplicate of the checklist", None) in events(db, "action_plan", plan_id)
    assert db.get(Notification, reminder_id).closed_at is not None  # nothing left to remind of
    assert "Commitment removed" in client.get(f"/plans/{plan_id}").get_data(as_text=True)


def test_a_deployment_goes_with_its_rows_not_started_and_the_older_rows_count_again(client, db, pg, make_project,
                                                                                   make_released):
    pay = make_project(code="PAY")
    first = make_released("1.0", title="Peer reviews")
    newer = make_released("2.0", asset=first.asset)
    for versions in ([first], [newer]):
        create_deployment(db, data=DeploymentInput(title=f"Roll-out {versions[0].label}",
                                                   version_ids=[v.id for v in versions], project_ids=[pay.id],
                                                   target_date=date(2026, 6, 1)), by=pg)
    mistaken = db.exec(select(Deployment).where(Deployment.title == "Roll-out 2.0")).one()
    mistaken_id = mistaken.id
    page = client.get(f"/remove/deployment/{mistaken.id}").get_data(as_text=True)
    assert "the status row of PAY for Peer reviews 2.0 (not started)" in page
    assert client.post(f"/remove/deployment/{mistaken_id}", data={"version": "1"}).status_code == 303
    db.expire_all()
    assert db.get(Deployment, mistaken_id) is None
    assert db.exec(select(ProjectDeployment.asset_version_id).where(ProjectDeployment.current)).all() == [first.id]
    assert db.exec(select(DeploymentTally.status, DeploymentTally.rows)).all() == [(RowStatus.PLANNED, 1)]
    # no plan: the project whose row went says so
    assert ("update", "deployment removed", "Roll-out 2.0", None) in events(db, "project", pay.id)


def test_what_others_depend_on_is_not_removed(client, db, pg, make_project, make_released, make_deployment,
                                              make_audit, make_user, make_lesson, make_proposal, make_plan):
    pay = make_project(code="PAY")
    started = make_deployment([pay], [make_released("1.0")], status=RowStatus.IN_PROGRESS)
    audit = make_audit(pay, noncompliance_owner=make_user(Role.MEMBER))
    lesson = make_lesson(status=LessonStatus.CONVERTED)
    proposal = make_proposal(ProposalStatus.SUBMITTED, source_entity=SourceEntity.LESSON.value, source_id=lesson.id)
    finding = db.exec(select(Noncompliance).where(Noncompliance.audit_id == audit.id)).one()
    raised = make_proposal(ProposalStatus.SUBMITTED, source_entity=SourceEntity.NONCOMPLIANCE.value,
                           source_id=finding.id)
    plan = make_plan(PlanStatus.IN_PROGRESS)
    review = JointReview(plan_id=plan.id, held_on=date(2026, 2, 1), summary="On track", recorded_by_id=pg.id)
    db.add(review)
    db.commit()
    db.add(Commitment(plan_id=plan.id, description="Follow up", owner_id=pg.id, due_date=date(2026, 3, 1),
                      joint_review_id=review.id))
    db.commit()
    for kind, record, reason in (
            ("deployment", started, "Work on it has started in PAY"),
            ("audit", audit, "1 noncompliance found by it is tracked"),
            ("lesson", lesson, f"Proposal #{proposal.id} was raised from it."),
            ("noncompliance", finding, f"Proposal #{raised.id} was raised from it."),
            ("joint-review", review, "Its follow-up commitments would lose the review they came from: «Follow up»")):
        page = client.get(f"/remove/{kind}/{record.id}").get_data(as_text=True)
        assert reason in page and "</button>" not in page.split("<main", 1)[1].split("</main>")[0]
        refused = client.post(f"/remove/{kind}/{record.id}", data={"version": str(record.version)})
        assert refused.status_code == 409 and reason in refused.get_data(as_text=True)
    db.expire_all()
    assert all(db.get(model, record.id) is not None for model, record in (
        (Deployment, started), (ComplianceAudit, audit), (Lesson, lesson), (JointReview, review),
        (Noncompliance, finding)))


def test_an_audit_goes_with_its_results(client, db, pg, make_project, make_released, make_audit):
    pay = make_project(code="PAY")
    version = make_released("1.0", title="Peer reviews")
    audit = make_audit(pay)
    audit_id, audit_date, pay_id = audit.id, audit.audit_date, pay.id
    db.add(AuditResult(audit_id=audit.id, asset_version_id=version.id, result=Compliance.COMPLIANT))
    db.commit()
    assert "its result for Peer reviews 1.0" in client.get(f"/remove/audit/{audit_id}").get_data(as_text=True)
    assert client.post(f"/remove/audit/{audit_id}", data={"version": "1"}).status_code == 303
    db.expire_all()
    assert (db.get(ComplianceAudit, audit_id), db.exec(select(AuditResult)).all()) == (None, [])
    assert ("update", "compliance audit removed", f"of PAY on {audit_date}", None) in events(db, "project", pay_id)


def test_only_the_process_group_removes_and_a_stale_page_is_a_conflict(client, db, login, make_user, make_lesson,
                                                                      make_project):
    pay = make_project(code="PAY")
    author = make_user(Role.PROJECT_LEAD, leads=[pay])
    lesson = make_lesson(author_id=author.id, project_id=pay.id)
    login(author)  # the author corrects it, but removing is the process group's
    assert client.get(f"/remove/lesson/{lesson.id}").status_code == 403
    assert client.post(f"/remove/lesson/{lesson.id}", data={"version": "1"}).status_code == 403
    login(make_user(Role.PROCESS_GROUP))
    assert client.get(f"/remove/proposal/{lesson.id}").status_code == 404
    assert client.get("/remove/lesson/999999").status_code == 404
    stale = client.post(f"/remove/lesson/{lesson.id}", data={"version": "0"})
    assert stale.status_code == 409
    db.expire_all()
    assert db.get(Lesson, lesson.id) is not None


def test_a_review_action_item_removed_leaves_a_line_on_the_review_and_its_plan(client, db, pg, make_plan, make_user):
    from tracker.reviews.models import MeetingStatus, ReviewMeeting
    plan = make_plan(PlanStatus.IN_PROGRESS)
    meeting = ReviewMeeting(title="Q3 review", held_on=date(2026, 9, 30), period_from=date(2026, 7, 1),
                            period_to=date(2026, 9, 30), chair_id=pg.id, status=MeetingStatus.CLOSED)
    db.add(meeting)
    db.commit()
    item = Commitment(plan_id=plan.id, meeting_id=meeting.id, description="Report on the pilots", owner_id=pg.id,
                      due_date=date(2026, 10, 31))
    db.add(item)
    db.commit()
    item_id, meeting_id, plan_id = item.id, meeting.id, plan.id
    removed = client.post(f"/remove/commitment/{item_id}", data={"version": "1"})
    assert removed.status_code == 303 and removed.headers["Location"].endswith(f"/reviews/{meeting_id}#action-items")
    line = ("update", "commitment removed", "Report on the pilots", None)
    assert line in events(db, "review_meeting", meeting_id) and line in events(db, "action_plan", plan_id)
    assert "Removed the commitment «Report on the pilots»." in client.get(f"/reviews/{meeting_id}").get_data(
        as_text=True)


def test_an_audit_a_lesson_was_learned_from_stays(client, db, pg, make_project, make_audit, make_lesson):
    audit = make_audit(make_project(code="PAY"))
    make_lesson(title="Audit early", audit_id=audit.id)
    refused = client.post(f"/remove/audit/{audit.id}", data={"version": "1"})
    assert refused.status_code == 409 and "Lessons were learned from it: «Audit early»." in refused.get_data(as_text=True)


def test_a_commitment_others_wait_for_stays(client, db, pg, make_plan, make_commitment):
    from tracker.action_plans.models import CommitmentDependency
    mine = make_commitment(make_plan(PlanStatus.IN_PROGRESS), description="Run the pilot reviews")
    theirs = make_commitment(make_plan(PlanStatus.IN_PROGRESS), description="Install the review tool")
    db.add(CommitmentDependency(commitment_id=mine.id, depends_on_id=theirs.id))
    db.commit()
    refused = client.post(f"/remove/commitment/{theirs.id}", data={"version": "1"})
    assert refused.status_code == 409
    assert "Other commitments wait for it: «Run the pilot reviews»." in refused.get_data(as_text=True)
