"""The deployment status of a project's asset version, as a table. Leads move their own projects' rows
(the policy's object rule); verifying a deployment is the process group's."""

from tracker.auth.policy import can
from tracker.auth.roles import PG, PG_AND_LEADS
from tracker.deployments.models import RowStatus as R
from tracker.workflow import Move, Transitions, allowed_moves

ROW_TRANSITIONS: Transitions = {
    (R.NOT_STARTED, R.PLANNED): Move("Plan", roles=PG_AND_LEADS),
    (R.PLANNED, R.IN_PROGRESS): Move("Start", roles=PG_AND_LEADS),
    (R.IN_PROGRESS, R.DEPLOYED): Move("Deployed", roles=PG_AND_LEADS),
    (R.PLANNED, R.DEPLOYED): Move("Deployed", roles=PG_AND_LEADS),
    (R.IN_PROGRESS, R.PLANNED): Move("Back to planned", roles=PG_AND_LEADS),
    (R.DEPLOYED, R.VERIFIED): Move("Verify", roles=PG),
    (R.DEPLOYED, R.IN_PROGRESS): Move("Reopen", roles=PG_AND_LEADS),
    (R.NOT_STARTED, R.NOT_APPLICABLE): Move("Not applicable", roles=PG_AND_LEADS, rationale=True),
    (R.PLANNED, R.NOT_APPLICABLE): Move("Not applicable", roles=PG_AND_LEADS, rationale=True),
    (R.IN_PROGRESS, R.NOT_APPLICABLE): Move("Not applicable", roles=PG_AND_LEADS, rationale=True),
    (R.NOT_APPLICABLE, R.PLANNED): Move("Applicable after all", roles=PG_AND_LEADS),
}

# The date each status stamps on the row when it is reached.
STAMPS = {R.IN_PROGRESS: "started_on", R.DEPLOYED: "deployed_on", R.VERIFIED: "verified_on"}
# How far along a row is in each status; not applicable counts as not begun.
PROGRESS = {R.NOT_STARTED: 0, R.PLANNED: 1, R.NOT_APPLICABLE: 1, R.IN_PROGRESS: 2, R.DEPLOYED: 3, R.VERIFIED: 4}


def dates_on_moving(frm: R, to: R, today) -> dict[str, object]:
    """The row's dates after a move: reaching a status stamps its date; moving back clears the dates of the
    statuses it no longer has reached (a reopened row is no longer deployed, so it has no deployed date)."""
    changes: dict[str, object] = {field: None for status, field in STAMPS.items() if PROGRESS[status] > PROGRESS[to]}
    if to in STAMPS and PROGRESS[to] > PROGRESS[frm]:
        changes[STAMPS[to]] = today
    return changes


def row_moves_for(user):
    """For templates: the moves this user may make on a row (the table, their role, whether the project is theirs)."""
    return lambda row: allowed_moves(ROW_TRANSITIONS, row.status, user.role) if can(user, "deployment.update", row) else []
