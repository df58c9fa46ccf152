"""The roles a user can hold."""

from tracker.enums import Labelled, spoken


@spoken(steering="Steering committee")
class Role(Labelled):
    ADMIN = "admin"
    PROCESS_GROUP = "process_group"
    STEERING = "steering"
    PROJECT_LEAD = "project_lead"
    MEMBER = "member"


# The role groups the workflow tables and the permission policy name, defined once.
EVERYONE = frozenset(Role)  # narrowed to a record's owner or project lead by the policy's object rules
PG = frozenset({Role.PROCESS_GROUP})
STEERING = frozenset({Role.STEERING})
PG_AND_LEADS = frozenset({Role.PROCESS_GROUP, Role.PROJECT_LEAD})
