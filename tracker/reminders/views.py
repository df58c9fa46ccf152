"""The notification centre (each person's reminders, and the unread badge the navigation polls), a person's
reminder settings, and the admin's reminders page (rules, outbox, scheduler, run a job now)."""

from flask import Blueprint, Response, current_app, flash, redirect, request, url_for
from flask_login import current_user

from tracker.auth.models import ReminderEmail
from tracker.auth.policy import PUBLIC, requires
from tracker.db import get_session
from tracker.errors import NotFound
from tracker.reminders import admin, calendar, jobs, notify
from tracker.reminders.forms import PreferenceInput, RuleInput
from tracker.reminders.models import Recipients
from tracker.validation import parse
from tracker.web import (
    form_values,
    page_or_fragment,
    query_page,
    query_text,
    says,
    section_forms,
    write_in_place,
)

bp = Blueprint("reminders", __name__, url_prefix="/notifications")
admin_bp = Blueprint("reminder_admin", __name__, url_prefix="/admin/reminders")


@bp.get("/")
@requires("notification.read")
def index():
    session = get_session()
    show = "all" if query_text("show") == "all" else "unread"
    page = notify.list_notifications(session, user=current_user, show=show, page=query_page(),
                                     size=int(current_app.config["PAGE_SIZE"]))
    return page_or_fragment("reminders/index.html", "reminders/_list.html", page=page, show=show,
                            unread=notify.unread_count(session, user=current_user))


@bp.get("/badge")
@requires("notification.read")
def badge():
    """The unread count the navigation polls: one indexed count, and the request ends (no worker held open)."""
    return page_or_fragment("reminders/_badge.html", "reminders/_badge.html",
                            unread=notify.unread_count(get_session(), user=current_user))


@bp.get("/<int:notification_id>/open")
@requires("notification.read")
def open_subject(notification_id: int):
    """Follow a reminder to its subject, marking it read."""
    notification = notify.mark_read(get_session(), notification_id=notification_id, user=current_user)
    return redirect(notification.link, code=303)


@bp.post("/<int:notification_id>/read")
@requires("notification.read")
@says("Marked read.")
def read(notification_id: int):
    return write_in_place(lambda: notify.mark_read(get_session(), notification_id=notification_id, user=current_user),
                          page=lambda refused: index(), url=url_for("reminders.index"))


@bp.post("/read-all")
@requires("notification.read")
@says("Every reminder marked read.")
def read_all():
    return write_in_place(lambda: notify.mark_all_read(get_session(), user=current_user),
                          page=lambda refused: index(), url=url_for("reminders.index"))


@bp.get("/settings")
@requires("notification.read")
def settings(calendar_url: str | None = None, **forms: dict | None):
    http_status, sections = section_forms(forms, "email", defaults={
        "email": {"reminder_email": current_user.reminder_email.value}})
    return page_or_fragment("reminders/settings.html", "reminders/settings.html", http_status=http_status,
                            choices_email=list(ReminderEmail), calendar_url=calendar_url, **sections)


@bp.post("/settings/calendar")
@requires("notification.read")
def new_calendar_link():
    """A new secret address for the person's calendar feed, shown this once (the old one stops working)."""
    token = calendar.regenerate_token(get_session(), user=current_user)
    return settings(calendar_url=url_for("reminders.calendar_feed", token=token, _external=True))


@bp.get("/calendar/<token>.ics")
@requires(PUBLIC)
def calendar_feed(token: str):
    """The feed calendars fetch: the secret in the address is the only sign-in (a wrong one is not found)."""
    session = get_session()
    user = calendar.user_for_token(session, token=token)
    if user is None:
        raise NotFound("No such calendar.")
    return Response(calendar.feed(session, user=user), mimetype="text/calendar",
                    headers={"Cache-Control": "private, max-age=300"})


@bp.post("/settings")
@requires("notification.read")
def save_settings():
    def save():
        notify.set_reminder_email(get_session(), user=current_user, data=parse(PreferenceInput, request.form))
        flash("Your reminder settings are saved.", "info")
    return write_in_place(save, page=lambda refused: settings(email=refused), url=url_for("reminders.settings"))


@admin_bp.get("/")
@requires("reminders.manage")
def overview(**forms: dict | None):
    status = admin.status(get_session())
    refused = {key: value for key, value in forms.items() if value}
    return page_or_fragment("reminders/admin.html", "reminders/admin.html", http_status=422 if refused else 200,
                            status=status, recipients=list(Recipients), refused=refused,
                            web_runnable=jobs.WEB_RUNNABLE,
                            values_of=lambda row: form_values(row, ("enabled", "days", "recipients")))


@admin_bp.post("/rules/<key>")
@requires("reminders.manage")
@says("Reminder rule saved.")
def update_rule(key: str):
    session = get_session()
    rule = admin.get_rule(session, key=key)
    return write_in_place(lambda: admin.update_rule(session, rule=rule, data=parse(RuleInput, request.form),
                                                    by=current_user),
                          page=lambda refused: overview(**{key: refused}), url=url_for("reminder_admin.overview"))


@admin_bp.post("/jobs/<job>/run")
@requires("reminders.manage")
@says("Job run.")
def run_job(job: str):
    # The job's row shows what it did.
    return write_in_place(lambda: admin.run_now(get_session(), job=job, by=current_user),
                          page=lambda refused: overview(), url=url_for("reminder_admin.overview"))
