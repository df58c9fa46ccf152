"""Issue 13, part 6: a record's history names its fields as the forms do ("Planned end", not planned_end), and says
what happened in words."""

import re

from tracker.action_plans.models import PlanStatus
from tracker.auth.roles import Role
from tracker.history.labels import FORMS, TEMPLATES, field_label
from tracker.history.service import record_values


def test_the_plan_history_uses_the_forms_labels(client, db, login, make_user, make_plan):
    sam = make_user(Role.PROCESS_GROUP, name="Sam")
    plan = make_plan(PlanStatus.DRAFT)
    record_values(db, plan, by=sam, changed={"planned_end": ("2026-12-31", "2027-01-31"),
                                             "success_measure": ("Escaped defects", "Defects found late"),
                                             "owner": ("Ann", "Sam"), "joint_review_weeks": ("4", "6")})
    db.commit()
    login(sam)
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    history = page[page.index('class="history"'):]
    cells = re.findall(r"<td>Changed</td><td>([^<]+)</td>", history)
    assert sorted(cells) == ["Joint review every (weeks)", "Owner", "Planned end", "Success measure"]
    assert "planned_end" not in history and "planned end" not in history


def test_a_field_no_form_shows_reads_as_words():
    assert field_label("proposal", "decided_on") == "Decided on"
    assert field_label("pilot", "asset_versions") == "Asset versions"
    assert field_label("lesson", "what_happened") == "What happened"
    assert field_label("compliance_audit", "result Review checklist 2.1") == "Result Review checklist 2.1"  # as named
    assert field_label("review_meeting", "period_to") == "Period under review, to"


def test_every_form_the_labels_come_from_exists():
    assert [name for names in FORMS.values() for name in names if not (TEMPLATES / name).exists()] == []
