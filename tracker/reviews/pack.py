"""The pack of a steering review, rendered: live while the review is planned, and stored as rendered when it is
held (the frozen pack reads the same however the data moves on)."""

from flask import render_template
from sqlmodel import Session

from tracker.db import utcnow
from tracker.reviews import agenda
from tracker.reviews.models import ReviewMeeting

LINKS = {"proposal": ("proposals.detail", "proposal_id"), "action_plan": ("plans.detail", "plan_id"),
         "pilot": ("pilots.detail", "pilot_id")}  # a decided record's page, by the decision form's name for it


def render(session: Session, *, meeting: ReviewMeeting, frozen: bool = False) -> str:
    """The pack from today's data (the forms left out); needs a request context for its links."""
    built = agenda.build(session, meeting=meeting, today=utcnow().date())
    return render_template("reviews/_pack.html", meeting=meeting, agenda=built, links=LINKS, frozen=frozen)
