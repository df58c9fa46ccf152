"""Admin pages: accounts, roles, the projects a lead leads, deactivation."""

from flask import Blueprint, Response, current_app, flash, g, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker import transfer
from tracker.auth import security_log, service
from tracker.auth.forms import NewUserInput, UserInput, account_values
from tracker.auth.models import User
from tracker.auth.policy import requires
from tracker.auth.roles import Role
from tracker.content import Rules
from tracker.db import Session, engine, get_session, utcnow
from tracker.history.service import history
from tracker.web import RecordForm, go_to, list_page, query_enum, query_text

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@requires("user.manage")
def users():
    session = get_session()
    state = request.args.get("state", "")
    where = service.UserFilter(q=query_text("q"), role=query_enum(Role, "role"),
                               active={"active": True, "deactivated": False}.get(state))
    return list_page(service.LISTING, service.users_matching(where), "admin/users.html", "admin/_users.html",
                     where=where, state=state, roles=list(Role), about_page=lambda accounts: {
                         "led": service.projects_led(session, user_ids=[u.id for u in accounts]),
                         "throttled": service.throttled_accounts(session, users=accounts)})


@bp.get("/export")
@requires("organization.export")
def export_organization():
    """The whole organization as one JSON file (tracker/transfer.py), written as it is sent."""
    bind, rules = engine(), Rules.of(current_app.config)  # now, in the request: the file is read after it

    def pieces():
        with Session(bind) as session:
            yield from chunked(transfer.export(session, rules))
    name = f"tracker-organization-{utcnow():%Y-%m-%d}.json"
    security_log.event("organization_exported", **security_log.who(current_user))
    return Response(pieces(), mimetype="application/json",
                    headers={"Content-Disposition": f"attachment; filename={name}", "Cache-Control": "no-store"})


def chunked(pieces, size: int = 64 * 1024):
    """Small pieces sent as fewer, larger ones (a write, and a compressor flush, per piece)."""
    buffer, held = [], 0
    for piece in pieces:
        buffer.append(piece)
        held += len(piece)
        if held >= size:
            yield "".join(buffer)
            buffer, held = [], 0
    yield "".join(buffer)


@bp.post("/users/<int:user_id>/allow-sign-in")
@requires("user.manage")
def allow_sign_in(user_id: int):
    session = get_session()
    user = service.get_user(session, user_id=user_id)
    service.allow_sign_in(session, user=user, by=current_user)
    flash(f"{user.email} can sign in again from every address.", "info")
    return go_to(url_for("admin.users"))


def _values(user: User) -> MultiDict:
    return account_values(user, service.projects_led(get_session(), user_ids=[user.id])[user.id])


def _options(user: User | None) -> dict:
    session = get_session()
    return {"roles": list(Role),
            "history": history(session, entity="user", entity_ids=[user.id]) if user else []}


FORM = RecordForm(UserInput, "admin/user_form.html", "admin/_user_form.html", "user", _values, options=_options)
NEW_FORM = RecordForm(NewUserInput, "admin/user_form.html", "admin/_user_form.html", "user", _values,
                      options=_options)


def _saved(user: User) -> str:
    """The users list, found by the saved account's email (it shows the change)."""
    g.said = f"Saved the account of {user.email}."
    return url_for("admin.users", q=user.email)


@bp.get("/users/new")
@requires("user.manage")
def new_user():
    return NEW_FORM.show(values=MultiDict({"roles": Role.MEMBER.value, "active": "y"}))


@bp.post("/users")
@requires("user.manage")
def create_user():
    return NEW_FORM.post(lambda data: service.create_user(get_session(), data=data, by=current_user), done=_saved)


@bp.get("/users/<int:user_id>/edit")
@requires("user.manage")
def edit_user(user_id: int):
    return FORM.edit(service.get_user(get_session(), user_id=user_id))


@bp.post("/users/<int:user_id>")
@requires("user.manage")
def update_user(user_id: int):
    session = get_session()
    user = service.get_user(session, user_id=user_id)
    return FORM.post(lambda data: service.update_user(session, user=user, data=data, by=current_user), done=_saved,
                     record=user, reload=lambda: service.get_user(session, user_id=user_id))
