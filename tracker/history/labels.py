"""The words a record's history uses for its fields: the labels people see on the forms that change them.

Each kind of record has the templates whose fields write it (`FORMS`); their field macros (`input("planned_end",
"Planned end", …)`) are read once, so a label changed on a form changes in the history with it. A field no form
shows (a date the workflow sets, a relation) reads as its name does, in words ("decided on", "asset version")."""

import re
from functools import cache
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FIELD = re.compile(r'\{\{ (?:input|select|textarea|checkbox|lookup)\("([a-z_]+)", "([^"]+)"')
FORMS = {  # a kind of record (its history's entity) -> the templates with its fields, the first label found wins
    "action_plan": ["plans/_form.html", "plans/_result.html"],
    "commitment": ["plans/_commitment_form.html", "plans/_commitments.html", "plans/commitment.html"],
    "plan_issue": ["plans/_issue_form.html", "plans/_issues.html"],
    "joint_review": ["plans/_joint_review_form.html", "plans/_joint_reviews.html"],
    "plan_review": ["plans/_reviews.html"],
    "team_member": ["plans/_team.html"],
    "proposal": ["proposals/_form.html", "proposals/detail.html"],
    "proposal_comment": ["proposals/_comments.html"],
    "pilot": ["pilots/_form.html", "pilots/detail.html"],
    "process_asset": ["assets/_form.html", "assets/_reviews.html", "assets/detail.html"],
    "asset_version": ["assets/_version_form.html", "assets/_versions.html", "assets/version.html"],
    "deployment": ["deployments/_form.html", "deployments/_training.html"],
    "project_deployment": ["deployments/_status_row.html"],
    "training_session": ["deployments/_training.html"],
    "standard_set_entry": ["deployments/standard_set.html"],
    "standard_set_review": ["deployments/standard_set.html"],
    "tailoring_record": ["tailoring/_form.html", "tailoring/detail.html"],
    "compliance_audit": ["compliance/_form.html", "compliance/detail.html"],
    "noncompliance": ["compliance/_noncompliance_form.html", "compliance/detail.html"],
    "lesson": ["lessons/_form.html", "lessons/detail.html"],
    "asset_feedback": ["lessons/_feedback.html"],
    "project": ["projects/_form.html"],
    "business_objective": ["objectives/_form.html", "objectives/detail.html"],
    "appraisal": ["appraisals/_form.html", "appraisals/detail.html"],
    "finding": ["appraisals/_findings.html"],
    "rating": ["appraisals/_ratings.html"],
    "reappraisal_cadence": ["appraisals/_cadences.html"],
    "review_meeting": ["reviews/_form.html", "reviews/detail.html"],
    "user": ["admin/_user_form.html"],
}
# Fields no form names as such: what the history calls them.
NAMED = {"status": "Status", "asset_versions": "Asset versions", "areas": "Process areas", "leads": "Leads",
         "roles": "Roles", "pack": "Pack", "frozen_at": "Pack frozen at", "review_due_on": "Review due on",
         "file_sha256": "File checksum", "source_record": "Raised from", "duplicate_of": "Duplicate of",
         "escalated_on": "Escalated on", "decided_by": "Decided by", "decided_on": "Decided on"}
# Where a form's label reads well only beside its neighbour ("Period under review, from" … "to").
OWN = {("review_meeting", "period_to"): "Period under review, to"}


@cache
def labels_of(entity: str) -> dict[str, str]:
    """Field name -> label, from the forms of this kind of record (a field `owner_id` also answers `owner`)."""
    found: dict[str, str] = {}
    for name in FORMS.get(entity, ()):
        path = TEMPLATES / name
        if not path.exists():
            continue
        for field, label in FIELD.findall(path.read_text()):
            for key in {field, field.removesuffix("_id"), field.removesuffix("_ids") + "s"}:
                found.setdefault(key, label.rstrip(" *:"))
    return found


def field_label(entity: str, field: str | None) -> str:
    """The label a form shows for this field of this kind of record; its name in words when no form shows it."""
    if not field:
        return ""
    words = field.replace("_", " ")
    return OWN.get((entity, field)) or labels_of(entity).get(field) or NAMED.get(field) or words[:1].upper() + words[1:]
