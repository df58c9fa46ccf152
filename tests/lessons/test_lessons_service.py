"""The rules of lessons learned and asset feedback (SP 3.4: incorporate experiences into the organizational
process assets), at the service. Written from the requirement: a lesson links only to records that exist; it is
incorporated by naming the asset version that took it in; converting it makes a proposal that points back, once;
feedback is about a version of the asset it is given on, from a real project, rated 1 to 5."""

import pytest
from pydantic import ValidationError as PydanticError

from tests.conftest import count_rows
from tracker.auth.roles import Role
from tracker.errors import DomainError, ValidationError
from tracker.history.models import AuditEvent
from tracker.lessons import service
from tracker.lessons.forms import FeedbackInput, LessonInput, LessonMoveInput
from tracker.lessons.models import AssetFeedback, Lesson, LessonStatus, Polarity
from tracker.proposals.models import Proposal, ProposalSource, ProposalStatus, SourceEntity


@pytest.fixture
def sepg(make_user):
    return make_user(Role.PROCESS_GROUP)


def lesson_input(**links) -> LessonInput:
    return LessonInput(title="Reviews were skipped under pressure", what_happened="No review in the last sprint",
                       polarity=Polarity.NEGATIVE, **links)


def test_a_lesson_links_only_to_records_that_exist(db, make_user):
    member = make_user(Role.MEMBER)
    events = count_rows(db, AuditEvent)
    for field in ("project_id", "area_id", "asset_id"):
        with pytest.raises(ValidationError) as refused:
            service.log(db, data=lesson_input(**{field: 999_999}), by=member)
        assert refused.value.errors == {field: "Choose from the list."}
    assert count_rows(db, Lesson) == 0 and count_rows(db, AuditEvent) == events


def test_anyone_logs_a_lesson_and_it_starts_new(db, make_user, make_project):
    member = make_user(Role.MEMBER)
    lesson = service.log(db, data=lesson_input(project_id=make_project(code="PAY").id), by=member)
    assert (lesson.status, lesson.author_id) == (LessonStatus.NEW, member.id)


def test_incorporating_names_the_version_that_took_it_in(db, sepg, make_lesson, make_released):
    lesson = make_lesson(status=LessonStatus.REVIEWED)
    with pytest.raises(ValidationError) as refused:
        service.move_lesson(db, lesson=lesson, by=sepg, data=LessonMoveInput(to=LessonStatus.INCORPORATED, version=1))
    assert "incorporated_version_id" in refused.value.errors
    db.rollback()
    version = make_released("2.0", title="Peer review procedure")
    service.move_lesson(db, lesson=db.get(Lesson, lesson.id), by=sepg, data=LessonMoveInput(
        to=LessonStatus.INCORPORATED, incorporated_version_id=version.id, version=1))
    db.expire_all()
    assert db.get(Lesson, lesson.id).incorporated_version_id == version.id


def test_converting_makes_one_proposal_that_points_back(db, sepg, make_lesson):
    lesson = make_lesson(status=LessonStatus.REVIEWED, title="Estimates slip")
    proposal = service.convert(db, lesson=lesson, by=sepg)
    assert (proposal.title, proposal.status, proposal.source) == ("Estimates slip", ProposalStatus.SUBMITTED,
                                                                  ProposalSource.LESSON_LEARNED)
    assert (proposal.source_entity, proposal.source_id) == (SourceEntity.LESSON, lesson.id)
    assert (lesson.status, lesson.proposal_id) == (LessonStatus.CONVERTED, proposal.id)
    with pytest.raises(DomainError):
        service.convert(db, lesson=lesson, by=sepg)  # converted already: not twice
    db.rollback()
    assert count_rows(db, Proposal) == 1


def test_feedback_is_on_a_version_of_that_asset_from_a_real_project(db, make_user, make_released, make_project):
    lead = make_user(Role.PROJECT_LEAD)
    mine, other = make_released(title="Reviews"), make_released(title="Estimation")
    with pytest.raises(ValidationError) as refused:
        service.give_feedback(db, asset=mine.asset, by=lead, data=FeedbackInput(rating=4, asset_version_id=other.id))
    assert refused.value.errors == {"asset_version_id": "Choose a version of this asset."}
    with pytest.raises(ValidationError) as refused:
        service.give_feedback(db, asset=mine.asset, by=lead, data=FeedbackInput(rating=4, project_id=999_999))
    assert refused.value.errors == {"project_id": "Choose a project from the list."}
    for rating in (0, 6):
        with pytest.raises(PydanticError):
            FeedbackInput(rating=rating)
    assert count_rows(db, AssetFeedback) == 0
    service.give_feedback(db, asset=mine.asset, by=lead, data=FeedbackInput(
        rating=5, asset_version_id=mine.id, project_id=make_project().id, comment="Saves an hour per review"))
    summary = service.feedback_on(db, asset_id=mine.asset_id)
    assert (summary.count, summary.average) == (1, 5)
