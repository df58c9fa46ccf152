"""The demo's steering reviews (GP 2.10): the third-quarter review, held, in which the committee adopted the peer
review pilot and gave an action item (its pack frozen as they saw it), and the next review, planned, whose agenda
is built from today's data."""

from flask import current_app
from werkzeug.datastructures import MultiDict

from tracker.demo.story import Story
from tracker.reviews import pack, service
from tracker.reviews.forms import ActionItemInput, DecisionInput, MeetingInput, MeetingMoveInput
from tracker.validation import parse

ATTENDEES = ("steering", "sepg", "quality")
PILOT_DECISION = ("Target met on both projects. Review effort rose 15%, more than paid back by less rework in "
                  "test.")


def review_events(story: Story) -> None:
    story.on(-127, lambda: _plan(story, "q3-review", "Third-quarter steering review", held=-120, since=-210))
    story.on(-120, lambda: _hold(story, "q3-review"))
    story.on(-120, lambda: _decide_pilot(story))
    story.on(-120, lambda: _action_item(story))
    story.on(-120, lambda: _mail(story))
    story.on(-119, lambda: _close(story))
    story.on(-6, lambda: _plan(story, "q4-review", "Fourth-quarter steering review", held=8, since=-119))


def _plan(story: Story, key: str, title: str, *, held: int, since: int) -> None:
    form = MultiDict({"title": title, "held_on": story.date(held), "period_from": story.date(since),
                      "period_to": story.date(held)})
    form.setlist("attendee_ids", [str(story.users[name].id) for name in ATTENDEES])
    story.made[key] = service.create_meeting(story.session, data=parse(MeetingInput, form), by=story.users["sepg"])


def _hold(story: Story, key: str) -> None:
    meeting = story.made[key]
    with current_app.test_request_context():  # the pack's links are built as in a request
        service.move_meeting(story.session, meeting=meeting, by=story.users["steering"],
                             data=MeetingMoveInput(to="held", version=meeting.version),
                             pack=lambda: pack.render(story.session, meeting=meeting, frozen=True))


def _decide_pilot(story: Story) -> None:
    pilot = story.made["pilot"]
    service.decide(story.session, meeting=story.made["q3-review"], by=story.users["steering"], data=DecisionInput(
        entity="pilot", record_id=pilot.id, to="decided", decision="adopt", rationale=PILOT_DECISION,
        version=pilot.version))


def _action_item(story: Story) -> None:
    service.add_action_item(story.session, meeting=story.made["q3-review"], by=story.users["steering"],
                            data=ActionItemInput(description="Report the review effort of the adopted checklists "
                                                             "at the next review", owner_id=story.users["sepg"].id,
                                                 due_date=story.date(8), plan_id=story.made["checklist-plan"].id))


def _mail(story: Story) -> None:
    with current_app.test_request_context():
        service.mail_pack(story.session, meeting=story.made["q3-review"], by=story.users["sepg"])


def _close(story: Story) -> None:
    meeting = story.made["q3-review"]
    service.move_meeting(story.session, meeting=meeting, by=story.users["sepg"], pack=lambda: "",
                         data=MeetingMoveInput(to="closed", version=meeting.version, minutes=(
                             "The committee adopted the checklist-driven peer reviews (pilot on PAY and DW) and "
                             "asked the process group to report the review effort at the next review. The "
                             "post-mortem proposal waits for a budget decision.")))
