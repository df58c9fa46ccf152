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
PG = frozenset({Role.PROCESS_GROUP})
STEERING = frozenset({Role.STEERING})

POLICY: dict[str, frozenset[Role]] = {
    "read": EVERYONE,
    "session.end": EVERYONE,
    "account.password": EVERYONE,
    "project.create": frozenset({Role.PROCESS_GROUP}),
    "project.edit": frozenset({Role.PROCESS_GROUP, Role.PROJECT_LEAD}),
    "project.assign_leads": frozenset({Role.PROCESS_GROUP, Role.ADMIN}),
    "asset.edit": frozenset({Role.PROCESS_GROUP}),
    "user.manage": frozenset({Role.ADMIN}),
    "settings.manage": frozenset({Role.ADMIN}),
    "objective.edit": PG | STEERING,
    "proposal.submit": EVERYONE,
    "proposal.comment": EVERYONE,
    "proposal.edit": EVERYONE,  # the process group any open proposal; others their own while submitted
    "proposal.move": PG | STEERING,  # which move, by whom: the proposal transition table
    "plan.edit": PG,
    "plan.move": PG | STEERING,  # which move, by whom: the plan transition table
    "plan.review": PG | STEERING | frozenset({Role.PROJECT_LEAD}),
    "commitment.add": PG,
    "commitment.update": EVERYONE,  # the process group any; others the commitments they own
    "issue.raise": EVERYONE,  # the process group and the plan's action team
    "issue.update": EVERYONE,  # the process group any; others the issues they own
    "joint_review.record": PG,
    "pilot.edit": PG,
    "pilot.move": PG | STEERING,  # which move, by whom: the pilot transition table
    "deployment.create": PG,
    "deployment.update": PG | frozenset({Role.PROJECT_LEAD}),  # leads: their own projects' rows
    "standard_set.edit": PG,
    "tailoring.log": PG | frozenset({Role.PROJECT_LEAD}),  # leads: for their own projects only
    "tailoring.review": PG,
    "tailoring.configure": PG,
    "audit.edit": PG,
    "noncompliance.update": EVERYONE,  # the process group any; others the ones they own
    "lesson.log": EVERYONE,
    "lesson.review": PG,
    "feedback.give": EVERYONE,
}


def _leads(user, project) -> bool:
    return any(lead.id == user.id for lead in project.leads)


def _leads_project_of(user, record) -> bool:
    return _leads(user, record.project)


def _submitted_it(user, proposal) -> bool:
    # Imported here: the policy is imported by every domain, and must not pull the domains in at import time.
    from tracker.proposals.workflow import EDITABLE_BY_SUBMITTER

    return proposal.submitter_id == user.id and proposal.status in EDITABLE_BY_SUBMITTER


def _owns(user, record) -> bool:
    return record.owner_id == user.id


def _on_team(user, plan) -> bool:
    return any(member.user_id == user.id for member in plan.team)


NOT_PG = [role for role in Role if role != Role.PROCESS_GROUP]

# (action, role) -> does this user own this object? Only consulted when the role holds the action.
OBJECT_RULES: dict[tuple[str, Role], Callable[[object, object], bool]] = {
    ("project.edit", Role.PROJECT_LEAD): _leads,
    **{("proposal.edit", role): _submitted_it for role in NOT_PG},
    **{("commitment.update", role): _owns for role in NOT_PG},
    **{("issue.raise", role): _on_team for role in NOT_PG},
    **{("issue.update", role): _owns for role in NOT_PG},
    ("deployment.update", Role.PROJECT_LEAD): _leads_project_of,
    ("tailoring.log", Role.PROJECT_LEAD): _leads,  # the object is the project tailored for
    **{("noncompliance.update", role): _owns for role in NOT_PG},
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


def led_projects_only(user) -> int | None:
    """Whose projects a deployment or tailoring list and its export are limited to: a lead's own, else all."""
    return user.id if user.role == Role.PROJECT_LEAD else None
