"""A person's calendar feed (iCalendar, built with the `icalendar` package): the dates the improvement cycle asks of
them, so they land in the calendar they already use.

The feed's address carries a secret token. Only its SHA-256 is stored: the address is shown once, when it is
made, and regenerating it makes the old one stop working at once. Events are all-day, each with a UID stable
across fetches (the record and which date of it), so calendars update an event instead of adding another.
"""

import hashlib
import secrets
from datetime import date
from urllib.parse import urlsplit

import icalendar
import sqlalchemy as sa
from flask import current_app
from sqlmodel import Session, select

from tracker.action_plans.joint_reviews import UNDER_WAY, last_held, next_due
from tracker.action_plans.models import ActionPlan, Commitment, JointReview, TeamMember
from tracker.appraisals import cadence
from tracker.appraisals.models import Appraisal, AppraisalTeamMember, Participant
from tracker.assets.models import ProcessAsset
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.auth.roles import Role
from tracker.compliance.models import Noncompliance
from tracker.db import commit, utcnow
from tracker.deployments import standard_set
from tracker.due import owed_clause
from tracker.history.service import record_values
from tracker.pilots.models import Pilot, PilotStatus
from tracker.reminders.rules import PHASE_ENDS, path_for


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def regenerate_token(session: Session, *, user: User) -> str:
    """A new secret for the user's feed (the old one stops working); returned once, to be shown once."""
    authorize(user, "notification.read")
    token = secrets.token_urlsafe(32)
    user.calendar_token_hash = _digest(token)
    session.add(user)
    record_values(session, user, by=user, changed={"calendar_link": (None, "made anew")})
    commit(session)
    return token


def user_for_token(session: Session, *, token: str) -> User | None:
    """The active person whose feed this token opens, if any."""
    if not token or len(token) > 100:
        return None
    return session.exec(select(User).where(User.calendar_token_hash == _digest(token), User.active)).first()


def feed(session: Session, *, user: User) -> bytes:
    """The user's dates as an iCalendar document."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Process improvement tracker//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Process improvement: {user.name}")
    base = current_app.config["BASE_URL"].rstrip("/")
    host = urlsplit(base).hostname or "tracker"
    for uid, day, summary, link in sorted(_dates(session, user), key=lambda event: (event[1], event[0])):
        event = icalendar.Event()
        event.add("uid", f"{uid}@{host}")
        event.add("dtstamp", utcnow())
        event.add("dtstart", day)
        event.add("summary", summary)
        event.add("url", f"{base}{link}")
        event.add("description", f"{base}{link}")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


def _dates(session: Session, user: User) -> list[tuple[str, date, str, str]]:
    """(uid, day, summary, link) for everything of the user's that has a date."""
    found = []
    for c in session.exec(select(Commitment).where(Commitment.owner_id == user.id, owed_clause(Commitment))):
        found.append((f"commitment-{c.id}", c.due_date, f"Due: {c.description}",
                      path_for("plans.detail", plan_id=c.plan_id, _anchor=f"commitment-{c.id}") if c.plan_id
                      else path_for("reviews.detail", meeting_id=c.meeting_id, _anchor=f"commitment-{c.id}")))
    for n in session.exec(select(Noncompliance).where(Noncompliance.owner_id == user.id,
                                                      owed_clause(Noncompliance))):
        found.append((f"noncompliance-{n.id}", n.due_date, f"Noncompliance due: {n.description}",
                      path_for("compliance.detail", audit_id=n.audit_id, _anchor=f"nc-{n.id}")))
    mine = sa.or_(ActionPlan.owner_id == user.id,
                  ActionPlan.id.in_(select(TeamMember.plan_id).where(TeamMember.user_id == user.id)))
    for pilot in session.exec(select(Pilot).join(ActionPlan).where(mine, Pilot.status != PilotStatus.DECIDED)):
        found.append((f"pilot-{pilot.id}-end", pilot.end_date, f"Pilot ends: {pilot.title}",
                      path_for("pilots.detail", pilot_id=pilot.id)))
    plans = session.exec(select(ActionPlan).where(mine, ActionPlan.status.in_(UNDER_WAY),
                                                  ActionPlan.joint_review_weeks.is_not(None))).all()
    reviews: dict[int, list[JointReview]] = {}
    for review in session.exec(select(JointReview).where(JointReview.plan_id.in_([p.id for p in plans]))):
        reviews.setdefault(review.plan_id, []).append(review)
    for plan in plans:
        due = next_due(plan, last_held(reviews.get(plan.id, [])))
        found.append((f"plan-{plan.id}-joint-review", due, f"Joint review: {plan.title}",
                      path_for("plans.detail", plan_id=plan.id)))
    involved = sa.or_(Appraisal.sponsor_id == user.id, Appraisal.lead_appraiser_id == user.id,
                      Appraisal.id.in_(select(AppraisalTeamMember.appraisal_id)
                                       .where(AppraisalTeamMember.user_id == user.id)),
                      Appraisal.id.in_(select(Participant.appraisal_id).where(Participant.user_id == user.id)))
    for appraisal in session.exec(select(Appraisal).where(involved, Appraisal.status.in_(PHASE_ENDS))):
        for phase in ("preparation_on", "execution_on", "reporting_on", "aftercare_on", "completion_on"):
            name = phase.removesuffix("_on").replace("_", " ")
            found.append((f"appraisal-{appraisal.id}-{name}", getattr(appraisal, phase),
                          f"{appraisal.title}: {name} {'due' if name == 'completion' else 'begins'}",
                          path_for("appraisals.detail", appraisal_id=appraisal.id)))
    for asset in session.exec(select(ProcessAsset).where(ProcessAsset.owner_id == user.id,
                                                         ProcessAsset.review_due_on.is_not(None))):
        found.append((f"asset-{asset.id}-review", asset.review_due_on, f"Review due: {asset.title}",
                      path_for("assets.detail", asset_id=asset.id, _anchor="reviews")))
    if Role.PROCESS_GROUP in user.roles:
        dates = standard_set.schedule(session)
        if dates.review_on is not None:
            found.append(("standard-set-review", dates.review_on, "Review of the standard set",
                          path_for("deployments.standard_set_page")))
        for due in cadence.schedule(session):
            found.append((f"reappraisal-{due.cadence.id}", due.due_on, f"Reappraisal due: {due.scope}",
                          path_for("appraisals.index")))
    return found
