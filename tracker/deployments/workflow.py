"""The deployment status of a project's asset version, as a table. Leads move their own projects' rows
(the policy's object rule); verifying a deployment is the process group's."""

from tracker.auth.policy import can
from tracker.auth.roles import PG, PG_AND_LEADS
from tracker.deployments.models import RowStatus
from tracker.workflow import Move, Transitions, allowed_moves

ROW_TRANSITIONS: Transitions = {
    (RowStatus.NOT_STARTED, RowStatus.PLANNED): Move("Plan", roles=PG_AND_LEADS),
    (RowStatus.PLANNED, RowStatus.IN_PROGRESS): Move("Start", roles=PG_AND_LEADS),
    (RowStatus.IN_PROGRESS, RowStatus.DEPLOYED): Move("Deployed", roles=PG_AND_LEADS),
    (RowStatus.PLANNED, RowStatus.DEPLOYED): Move("Deployed", roles=PG_AND_LEADS),
    (RowStatus.IN_PROGRESS, RowStatus.PLANNED): Move("Back to planned", roles=PG_AND_LEADS),
    (RowStatus.DEPLOYED, RowStatus.VERIFIED): Move("Verify", roles=PG),
    (RowStatus.DEPLOYED, RowStatus.IN_PROGRESS): Move("Reopen", roles=PG_AND_LEADS),
    (RowStatus.NOT_STARTED, RowStatus.NOT_APPLICABLE): Move("Not applicable", roles=PG_AND_LEADS, rationale=True),
    (RowStatus.PLANNED, RowStatus.NOT_APPLICABLE): Move("Not applicable", roles=PG_AND_LEADS, rationale=True),
    (RowStatus.IN_PROGRESS, RowStatus.NOT_APPLICABLE): Move("Not applicable", roles=PG_AND_LEADS, rationale=True),
    (RowStatus.NOT_APPLICABLE, RowStatus.PLANNED): Move("Applicable after all", roles=PG_AND_LEADS),
}

# The date each status stamps on the row when it is reached.
STAMPS = {RowStatus.IN_PROGRESS: "started_on", RowStatus.DEPLOYED: "deployed_on", RowStatus.VERIFIED: "verified_on"}
# How far along a row is in each status; not applicable counts as not begun.
PROGRESS = {RowStatus.NOT_STARTED: 0, RowStatus.PLANNED: 1, RowStatus.NOT_APPLICABLE: 1, RowStatus.IN_PROGRESS: 2,
            RowStatus.DEPLOYED: 3, RowStatus.VERIFIED: 4}


def dates_on_moving(frm: RowStatus, to: RowStatus, today) -> dict[str, object]:
    """The row's dates after a move: reaching a status stamps its date; moving back clears the dates of the
    statuses it no longer has reached (a reopened row is no longer deployed, so it has no deployed date)."""
    changes: dict[str, object] = {field: None for status, field in STAMPS.items() if PROGRESS[status] > PROGRESS[to]}
    if to in STAMPS and PROGRESS[to] > PROGRESS[frm]:
        changes[STAMPS[to]] = today
    return changes


def row_moves_for(user):
    """For templates: the moves this user may make on a row (the table, their role, whether the project is theirs)."""
    return lambda row: allowed_moves(ROW_TRANSITIONS, row.status, user.roles) if can(user, "deployment.update", row) else []
