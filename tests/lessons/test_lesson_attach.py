"""Issue 12 part 5: a lesson can be attached to a proposal already raised (not only converted into a new one);
the proposal shows every record behind it; a closed or unknown proposal is refused beside the field."""

from sqlmodel import select

from tracker.auth.roles import Role
from tracker.history.models import AuditEvent
from tracker.lessons.models import Lesson, LessonStatus
from tracker.proposals.models import ProposalStatus


def test_a_lesson_attached_to_a_proposal_already_raised(client, login, db, make_user, make_lesson, make_proposal):
    proposal = make_proposal(ProposalStatus.UNDER_REVIEW, title="Shorter design reviews")
    closed = make_proposal(ProposalStatus.REJECTED)
    lesson = make_lesson(title="Two-hour reviews lose the room", status=LessonStatus.NEW)
    login(make_user(Role.MEMBER))
    assert client.post(f"/lessons/{lesson.id}/attach", data={"proposal_id": str(proposal.id), "version": "1"}
                       ).status_code == 403
    login(make_user(Role.PROCESS_GROUP))
    page = client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    assert "Or attach it to a proposal already raised" in page
    for bad, message in ((closed.id, "is rejected: attach the lesson to an open one"), (999999, "There is no proposal")):
        refused = client.post(f"/lessons/{lesson.id}/attach", data={"proposal_id": str(bad), "version": "1"})
        assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    attached = client.post(f"/lessons/{lesson.id}/attach", data={"proposal_id": str(proposal.id), "version": "1"})
    assert attached.status_code == 303 and attached.headers["Location"].endswith(f"/proposals/{proposal.id}")
    db.expire_all()
    lesson = db.get(Lesson, lesson.id)
    assert (lesson.status, lesson.proposal_id) == (LessonStatus.CONVERTED, proposal.id)
    behind = client.get(f"/proposals/{proposal.id}").get_data(as_text=True).split('id="proposal-behind"', 1)[1]
    assert "Two-hour reviews lose the room" in behind.split("</dd>", 1)[0]
    assert db.exec(select(AuditEvent.field).where(AuditEvent.entity == "proposal",
                                                  AuditEvent.entity_id == proposal.id)).all() == ["lesson attached"]


def test_a_lesson_behind_a_proposal_is_not_removed(client, login, make_user, make_lesson, make_proposal):
    proposal = make_proposal(ProposalStatus.SUBMITTED)
    lesson = make_lesson(status=LessonStatus.NEW)
    login(make_user(Role.PROCESS_GROUP))
    client.post(f"/lessons/{lesson.id}/attach", data={"proposal_id": str(proposal.id), "version": "1"})
    refused = client.post(f"/remove/lesson/{lesson.id}", data={"version": "2"})
    assert refused.status_code == 409 and f"It is behind proposal #{proposal.id}." in refused.get_data(as_text=True)
