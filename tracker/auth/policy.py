"""The one permission policy: which roles may take which action, as data. Deny by default.

Every endpoint declares its action with @requires; a test walks the URL map to make sure none is missing.
Object rules narrow an action for a role to the records that role owns (a lead and their projects).
"""

from collections.abc import Callable
from functools import wraps

from flask import current_app
from flask_login import current_user

from tracker.auth.roles import Role
from tracker.errors import PermissionDenied

PUBLIC = "public"  # no sign-in needed (login page, health check, static files)
EVERYONE = frozenset(Role)

POLICY: dict[str, frozenset[Role]] = {
    "read": EVERYONE,
    "session.end": EVERYONE,
    "project.create": frozenset({Role.PROCESS_GROUP}),
    "project.edit": frozenset({Role.PROCESS_GROUP, Role.PROJECT_LEAD}),
    "project.assign_leads": frozenset({Role.PROCESS_GROUP, Role.ADMIN}),
    "asset.edit": frozenset({Role.PROCESS_GROUP}),
    "user.manage": frozenset({Role.ADMIN}),
}


def _leads(user, project) -> bool:
    return any(lead.id == user.id for lead in project.leads)


# (action, role) -> does this user own this object? Only consulted when the role holds the action.
OBJECT_RULES: dict[tuple[str, Role], Callable[[object, object], bool]] = {
    ("project.edit", Role.PROJECT_LEAD): _leads,
}


def can(user, action: str, obj: object = None) -> bool:
    """May this user take this action (on this object, when one is given)?"""
    if action == PUBLIC:
        return True
    if user is None or not user.is_authenticated:
        return False
    if user.role not in POLICY.get(action, frozenset()):
        return False
    rule = OBJECT_RULES.get((action, user.role))
    return rule is None or obj is None or rule(user, obj)


def authorize(user, action: str, obj: object = None) -> None:
    """Raise PermissionDenied unless the user may take the action on the object."""
    if not can(user, action, obj):
        raise PermissionDenied("You do not have permission to do that.")


def requires(action: str):
    """Declare and enforce the action an endpoint performs (role-level; services check objects)."""
    if action != PUBLIC and action not in POLICY:
        raise KeyError(f"unknown action {action!r}")

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if action != PUBLIC:
                if not current_user.is_authenticated:
                    return current_app.login_manager.unauthorized()
                authorize(current_user, action)
            return view(*args, **kwargs)

        guarded.permission = action
        return guarded

    return decorate
