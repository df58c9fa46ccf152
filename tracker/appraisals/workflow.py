"""The life of an appraisal (OPF SP 1.2; the A2I phases of preparation, execution and aftercare): planned,
prepared, conducted, reported, followed up, completed; or cancelled, with the reason."""

from tracker.appraisals.models import AppraisalStatus
from tracker.auth.roles import PG
from tracker.workflow import Move, Transitions

APPRAISAL_TRANSITIONS: Transitions = {
    (AppraisalStatus.PLANNED, AppraisalStatus.PREPARATION): Move("Start preparation", roles=PG),
    (AppraisalStatus.PREPARATION, AppraisalStatus.EXECUTION): Move("Start execution", roles=PG),
    # Ending execution locks the questionnaire's answers.
    (AppraisalStatus.EXECUTION, AppraisalStatus.REPORTING): Move("Start reporting", roles=PG),
    (AppraisalStatus.REPORTING, AppraisalStatus.AFTERCARE): Move("Deliver findings", roles=PG),
    (AppraisalStatus.AFTERCARE, AppraisalStatus.COMPLETED): Move("Complete", roles=PG),
    (AppraisalStatus.PLANNED, AppraisalStatus.CANCELLED): Move("Cancel", roles=PG, rationale=True),
    (AppraisalStatus.PREPARATION, AppraisalStatus.CANCELLED): Move("Cancel", roles=PG, rationale=True),
    (AppraisalStatus.EXECUTION, AppraisalStatus.CANCELLED): Move("Cancel", roles=PG, rationale=True),
    (AppraisalStatus.REPORTING, AppraisalStatus.CANCELLED): Move("Cancel", roles=PG, rationale=True),
}
