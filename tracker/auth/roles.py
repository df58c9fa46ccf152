"""The roles a user can hold."""

from tracker.enums import Labelled, spoken


@spoken(steering="Steering committee")
class Role(Labelled):
    ADMIN = "admin"
    PROCESS_GROUP = "process_group"
    STEERING = "steering"
    PROJECT_LEAD = "project_lead"
    MEMBER = "member"


# Who holds a role, as a sentence names them ("Only the process group may do that.").
HOLDERS = {Role.ADMIN: "an administrator", Role.PROCESS_GROUP: "the process group",
           Role.STEERING: "the steering committee", Role.PROJECT_LEAD: "a project lead", Role.MEMBER: "a team member"}


def holders(roles) -> str:
    """The holders of these roles in words, in the order of `Role`: "the process group or a project lead"."""
    names = [HOLDERS[role] for role in Role if role in roles]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


# The role groups the workflow tables and the permission policy name, defined once.
EVERYONE = frozenset(Role)  # narrowed to a record's owner or project lead by the policy's object rules
PG = frozenset({Role.PROCESS_GROUP})
STEERING = frozenset({Role.STEERING})
PG_AND_LEADS = frozenset({Role.PROCESS_GROUP, Role.PROJECT_LEAD})
