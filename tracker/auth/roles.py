"""The roles a user can hold."""

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    PROCESS_GROUP = "process_group"
    STEERING = "steering"
    PROJECT_LEAD = "project_lead"
    MEMBER = "member"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Admin",
    Role.PROCESS_GROUP: "Process group",
    Role.STEERING: "Steering committee",
    Role.PROJECT_LEAD: "Project lead",
    Role.MEMBER: "Member",
}

# The role groups the workflow tables and the permission policy name, defined once.
EVERYONE = frozenset(Role)  # narrowed to a record's owner or project lead by the policy's object rules
PG = frozenset({Role.PROCESS_GROUP})
STEERING = frozenset({Role.STEERING})
PG_AND_LEADS = frozenset({Role.PROCESS_GROUP, Role.PROJECT_LEAD})
