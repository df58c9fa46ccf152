"""The one permission policy: which roles may take which action, as data. Deny by default.

Every endpoint declares its action with @requires; a test walks the URL map to make sure none is missing.
Object rules narrow an action for a role to the records that role owns (a lead and their projects). A user may
hold several roles: an action is allowed when any of them allows it, each under its own object rule.
"""

from collections.abc import Callable
from functools import wraps

from flask import current_app
from flask_login import current_user

from tracker.action_plans.models import EDITABLE as PLAN_EDITABLE
from tracker.appraisals.models import EDITABLE as APPRAISAL_EDITABLE
from tracker.auth import security_log
from tracker.auth.roles import EVERYONE, PG, PG_AND_LEADS, STEERING, Role, holders
from tracker.errors import DomainError, InvalidTransition, PermissionDenied
from tracker.pilots.models import EDITABLE as PILOT_EDITABLE
from tracker.proposals.models import EDITABLE as PROPOSAL_EDITABLE
from tracker.proposals.models import EDITABLE_BY_SUBMITTER
from tracker.reviews.models import EDITABLE as REVIEW_EDITABLE

PUBLIC = "public"  # no sign-in needed (login page, health check, static files)

POLICY: dict[str, frozenset[Role]] = {
    "read": EVERYONE,
    # Suggestions for a lookup field (tracker/lookup.py): people, plans, projects and assets are chosen in everyone's
    # list filters, and any commitment a commitment may wait for; proposals only in the process group's plan form and
    # the duplicate picker of a proposal's move.
    "lookup.people": EVERYONE,
    "lookup.plans": EVERYONE,
    "lookup.proposals": PG | STEERING,
    "lookup.projects": EVERYONE,
    "lookup.assets": EVERYONE,
    "lookup.versions": EVERYONE,
    "lookup.commitments": EVERYONE,
    "lookup.objectives": EVERYONE,
    "session.end": EVERYONE,
    "account.password": EVERYONE,
    "token.manage": EVERYONE,  # a person's own API tokens
    "import.run": PG,  # bring records in from a spreadsheet or Redmine (tracker/imports/)
    "organization.export": frozenset({Role.ADMIN}),  # everything in one file, sign-in secrets hashed (transfer.py)
    "project.create": PG,
    "project.edit": PG_AND_LEADS,
    "project.assign_leads": frozenset({Role.PROCESS_GROUP, Role.ADMIN}),
    "asset.edit": PG,
    "asset.review": EVERYONE,  # the process group any asset; others the assets they own
    "version.approve": EVERYONE,  # sign a draft off: its asset's owner, and a process-group member not its author
    "user.manage": frozenset({Role.ADMIN}),
    "settings.manage": frozenset({Role.ADMIN}),
    "objective.edit": PG | STEERING,
    "review.edit": PG | STEERING,  # a steering review's plan (date, period, attendees), while it is planned
    "review.manage": PG | STEERING,  # hold and close it, give action items, mail the pack
    "review.decide": PG | STEERING,  # which decision, by whom: each record's own transition table
    "objective.measure": EVERYONE,  # the process group and the committee any objective; others those they own
    "proposal.submit": EVERYONE,
    "proposal.comment": EVERYONE,
    "proposal.edit": EVERYONE,  # the process group any open proposal; others their own while submitted
    "proposal.move": PG | STEERING,  # which move, by whom: the proposal transition table
    "proposal.attach": PG,  # a noncompliance, finding or feedback is behind a proposal already raised
    "plan.edit": PG,
    "plan.move": PG | STEERING,  # which move, by whom: the plan transition table
    "plan.review": PG | STEERING | frozenset({Role.PROJECT_LEAD}),
    "commitment.add": PG,
    "commitment.propose": EVERYONE,  # the process group to anyone; the plan's team members for themselves
    "commitment.answer": EVERYONE,  # the party its pending terms wait for: its owner, or the plan's side
    "commitment.renegotiate": EVERYONE,  # its owner and the plan's side (its owner, the process group)
    "commitment.link": EVERYONE,  # the plan's side says what it waits for
    "commitment.update": EVERYONE,  # the process group any; others the commitments they own
    "commitment.edit": PG | STEERING,  # correct one: the process group any; the committee its reviews' action items
    "issue.raise": EVERYONE,  # the process group and the plan's action team
    "issue.update": EVERYONE,  # the process group any; others the issues they own
    "issue.edit": EVERYONE,  # correct one: the process group any; others the issues they raised or own
    "joint_review.record": PG,
    "joint_review.edit": PG,
    "pilot.edit": PG,
    "pilot.move": PG | STEERING,  # which move, by whom: the pilot transition table
    "deployment.create": PG,
    "deployment.edit": PG,  # correct a planned deployment: its projects, target date, training and support
    "deployment.update": PG_AND_LEADS,  # leads: their own projects' rows (and the evidence a move carries)
    "deployment.train": PG,  # record a deployment's training sessions
    "standard_set.edit": PG,
    "tailoring.log": PG_AND_LEADS,  # leads: for their own projects only
    "tailoring.edit": PG_AND_LEADS,  # correct a logged record; leads: their own projects' records
    "tailoring.review": PG,
    "tailoring.configure": PG,
    "audit.edit": PG,
    "noncompliance.update": EVERYONE,  # the process group any; others the ones they own
    "lesson.log": EVERYONE,
    "lesson.edit": EVERYONE,  # the process group any; others the lessons they logged, a lead their projects'
    "lesson.review": PG,
    "feedback.give": EVERYONE,
    "appraisal.edit": PG,
    "appraisal.move": PG,
    "appraisal.record": EVERYONE,  # the process group any appraisal; others those whose team they are on
    "appraisal.cadence": PG,
    "appraisal.questions": PG,
    "appraisal.answer": EVERYONE,  # the participants the team named, each their own answers
    "record.remove": PG,  # a record logged by mistake: confirmed first, kept in the history
    "notification.read": EVERYONE,  # each their own reminders and settings
    "reminders.manage": frozenset({Role.ADMIN}),
}


def _leads(user, project) -> bool:
    return any(lead.id == user.id for lead in project.leads)


def _leads_project_of(user, record) -> bool:
    return _leads(user, record.project)


def _submitted_it(user, proposal) -> bool:
    return proposal.submitter_id == user.id and proposal.status in EDITABLE_BY_SUBMITTER


def _owns(user, record) -> bool:
    return record.owner_id == user.id


def _wrote_or_leads(user, record) -> bool:
    """The record's author, or a lead of its project."""
    return record.author_id == user.id or (record.project is not None and _leads(user, record.project))


def _owns_asset(user, version) -> bool:
    return version.asset.owner_id == user.id


def _raised_or_owns(user, issue) -> bool:
    return user.id in (issue.raised_by_id, issue.owner_id)


def _review_item(user, commitment) -> bool:
    """An action item a steering review gave (the committee corrects those; plans' commitments are the SEPG's)."""
    return commitment.meeting_id is not None


def plan_side(user, commitment) -> bool:
    """Whether the user answers for the commitment's plan: its owner, or the process group."""
    return Role.PROCESS_GROUP in user.roles or (commitment.plan is not None and commitment.plan.owner_id == user.id)


def awaits(user, commitment) -> bool:
    """Whether the commitment's pending terms wait for this user's answer."""
    if commitment.awaiting == "owner":
        return user.id == commitment.owner_id
    return commitment.awaiting == "plan" and plan_side(user, commitment)


def _owns_or_plan_side(user, commitment) -> bool:
    return user.id == commitment.owner_id or plan_side(user, commitment)


def _on_team(user, plan) -> bool:
    return any(member.user_id == user.id for member in plan.team)


def _appraises(user, appraisal) -> bool:
    return user.id == appraisal.lead_appraiser_id or any(member.id == user.id for member in appraisal.team)


def _takes_part(user, appraisal) -> bool:
    return any(participant.user_id == user.id for participant in appraisal.participants)


NOT_PG = [role for role in Role if role != Role.PROCESS_GROUP]

# (action, role) -> does this user own this object? Only consulted when the role holds the action.

# Whose a record is, by each object rule, as a refusal says it ("only the process group, or its owner, may").
WHOSE = {_leads: "its project's lead", _leads_project_of: "its project's lead",
         _submitted_it: "whoever submitted it (while it is open)", _owns: "its owner",
         _wrote_or_leads: "its author or its project's lead", _owns_asset: "the asset's owner",
         _raised_or_owns: "whoever raised or owns it", _review_item: "the committee, for a review's action item",
         plan_side: "the plan's owner", awaits: "the party its terms wait for", _owns_or_plan_side: "its owner or the plan's owner",
         _on_team: "the plan's team", _appraises: "the appraisal team", _takes_part: "the appraisal's participants"}

OBJECT_RULES: dict[tuple[str, Role], Callable[[object, object], bool]] = {
    ("project.edit", Role.PROJECT_LEAD): _leads,
    **{("proposal.edit", role): _submitted_it for role in NOT_PG},
    **{("commitment.update", role): _owns for role in NOT_PG},
    **{("issue.raise", role): _on_team for role in NOT_PG},
    **{("issue.update", role): _owns for role in NOT_PG},
    **{("issue.edit", role): _raised_or_owns for role in NOT_PG},
    ("commitment.edit", Role.STEERING): _review_item,
    **{("commitment.propose", role): _on_team for role in NOT_PG},
    **{("commitment.answer", role): awaits for role in Role},
    **{("commitment.renegotiate", role): _owns_or_plan_side for role in NOT_PG},
    **{("commitment.link", role): plan_side for role in NOT_PG},
    ("deployment.update", Role.PROJECT_LEAD): _leads_project_of,
    ("tailoring.log", Role.PROJECT_LEAD): _leads,  # the object is the project tailored for
    ("tailoring.edit", Role.PROJECT_LEAD): _leads_project_of,
    **{("noncompliance.update", role): _owns for role in NOT_PG},
    **{("lesson.edit", role): _wrote_or_leads for role in NOT_PG},
    **{("asset.review", role): _owns for role in NOT_PG},
    **{("version.approve", role): _owns_asset for role in NOT_PG},
    **{("objective.measure", role): _owns for role in NOT_PG if role != Role.STEERING},
    **{("appraisal.record", role): _appraises for role in NOT_PG},
    **{("appraisal.answer", role): _takes_part for role in Role},
}


def _edit_states(action: str):
    """For an edit action on a record with a workflow: the statuses its form may change it in, and why not."""
    return {
        "proposal.edit": (PROPOSAL_EDITABLE, "A {status} proposal changes only through its workflow (reopen it "
                                             "first), not through the edit form."),
        "plan.edit": (PLAN_EDITABLE, "Only a draft plan can be edited: use Revise to return it to draft."),
        "pilot.edit": (PILOT_EDITABLE, "A decided pilot is not edited any more."),
        "appraisal.edit": (APPRAISAL_EDITABLE, "A {status} appraisal is not edited any more."),
        "review.edit": (REVIEW_EDITABLE, "Only a planned review is edited: its pack is frozen once it is held."),
    }.get(action)


def refusal(user, action: str, obj: object = None) -> DomainError | None:
    """Why this user may not take this action (on this object), or None when they may."""
    if action == PUBLIC:
        return None
    allowed = POLICY.get(action, frozenset())
    held = user.roles & allowed if user is not None and user.is_authenticated else None
    if not held:
        return PermissionDenied(f"Only {holders(allowed)} may do that." if allowed else "Nobody may do that.")
    if obj is None:
        return None
    # Any role that holds the action may allow it, each under its own object rule (a lead their own projects').
    if not any(OBJECT_RULES.get((action, role)) is None or OBJECT_RULES[(action, role)](user, obj) for role in held):
        unconditional = {role for role in allowed if OBJECT_RULES.get((action, role)) is None}
        whose = " or ".join(dict.fromkeys(WHOSE[OBJECT_RULES[(action, role)]] for role in Role
                                          if OBJECT_RULES.get((action, role)) is not None))
        return PermissionDenied("This one is not yours: only " + (
            f"{holders(unconditional)}, or {whose}," if unconditional else whose) + " may do that.")
    states = _edit_states(action)
    if states is not None and obj.status not in states[0]:  # final records change only through the workflow
        return InvalidTransition(states[1].format(status=obj.status.value.replace("_", " ")))
    return None


def can(user, action: str, obj: object = None) -> bool:
    """May this user take this action (on this object, when one is given)?"""
    return refusal(user, action, obj) is None


def authorize(user, action: str, obj: object = None) -> None:
    """Raise the domain error (403, or 409 for a record its workflow has closed) unless the user may act."""
    error = refusal(user, action, obj)
    if error is not None:
        if isinstance(error, PermissionDenied):  # a 403: a security event (a workflow-closed record is not one)
            security_log.event("permission.denied", **security_log.who(user), action=action, reason=error.message)
        raise error


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
    """Whose projects a deployment or tailoring list and its export are limited to: a lead's own (someone who is a
    project lead and nothing more), else all."""
    return user.id if user.roles == {Role.PROJECT_LEAD} else None
