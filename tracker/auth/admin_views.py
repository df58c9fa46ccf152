"""Admin pages: accounts, roles, the projects a lead leads, deactivation."""

from flask import Blueprint, flash, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker.audit.service import history
from tracker.auth import service
from tracker.auth.forms import UserInput
from tracker.auth.models import User
from tracker.auth.policy import requires
from tracker.auth.roles import Role
from tracker.db import get_session
from tracker.errors import Conflict, ValidationError
from tracker.projects.service import ProjectFilter, list_projects
from tracker.validation import parse
from tracker.web import go_to, page_or_fragment

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@requires("user.manage")
def users():
    session = get_session()
    accounts = service.list_users(session)
    led = service.projects_led(session, user_ids=[u.id for u in accounts])
    return page_or_fragment("admin/users.html", "admin/users.html", users=accounts, led=led)


@bp.get("/users/new")
@requires("user.manage")
def new_user():
    return _form(values=MultiDict({"role": Role.MEMBER.value, "active": "y"}))


@bp.post("/users")
@requires("user.manage")
def create_user():
    try:
        user = service.create_user(get_session(), data=parse(UserInput, request.form), by=current_user)
    except ValidationError as error:
        return _form(values=request.form, errors=error.errors, status=422)
    flash(f"Account created for {user.email}.", "info")
    return go_to(url_for("admin.users"))


@bp.get("/users/<int:user_id>/edit")
@requires("user.manage")
def edit_user(user_id: int):
    user = service.get_user(get_session(), user_id=user_id)
    return _form(user=user, values=_values(user))


@bp.post("/users/<int:user_id>")
@requires("user.manage")
def update_user(user_id: int):
    session = get_session()
    user = service.get_user(session, user_id=user_id)
    try:
        service.update_user(session, user=user, data=parse(UserInput, request.form), by=current_user)
    except ValidationError as error:
        return _form(user=user, values=request.form, errors=error.errors, status=422)
    except Conflict as error:
        user = service.get_user(session, user_id=user_id)
        return _form(user=user, values=request.form, conflict=_values(user), errors={"__all__": error.message},
                     status=409)
    flash(f"Saved {user.email}.", "info")
    return go_to(url_for("admin.users"))


def _values(user: User) -> MultiDict:
    values = MultiDict({"email": user.email, "name": user.name, "role": user.role.value,
                        "version": str(user.version)})
    if user.active:
        values["active"] = "y"
    led = service.projects_led(get_session(), user_ids=[user.id])[user.id]
    values.setlist("project_ids", [str(p.id) for p in led])
    return values


def _form(*, values: MultiDict, user: User | None = None, errors: dict | None = None,
          conflict: MultiDict | None = None, status: int = 200):
    session = get_session()
    projects = list_projects(session, where=ProjectFilter(), page=1, size=10_000).items
    entries = history(session, entity="user", entity_ids=[user.id]) if user else []
    response = page_or_fragment("admin/user_form.html", "admin/_user_form.html", status=status, user=user, values=values,
                                errors=errors or {}, conflict=conflict, roles=list(Role), projects=projects,
                                history=entries)
    return response
