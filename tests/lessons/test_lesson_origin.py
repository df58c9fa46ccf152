"""Issue 12 part 5: a lesson names the pilot, deployment or audit it was learned from, and they link both ways;
the plan page lists the deployments made under it; an audit links to the asset versions it audited."""

from datetime import date

from sqlmodel import select

from tracker.action_plans.models import PlanStatus
from tracker.auth.roles import Role
from tracker.lessons.models import Lesson


def lesson_form(**fields):
    return {"title": "Audit before the release", "polarity": "negative", "what_happened": "Found late",
            "project_id": "", "area_id": "", "asset_id": ""} | fields


def test_a_lesson_learned_from_an_audit_links_both_ways(client, login, db, make_user, make_project, make_audit):
    pay = make_project(code="PAY")
    audit = make_audit(pay, audit_date=date(2026, 9, 1))
    login(make_user(Role.MEMBER))
    audit_page = client.get(f"/compliance/{audit.id}").get_data(as_text=True)
    assert f'href="/lessons/new?audit={audit.id}&amp;project={pay.id}"' in audit_page and "None logged yet." in audit_page
    form = client.get(f"/lessons/new?audit={audit.id}&project={pay.id}").get_data(as_text=True)
    assert "Learned from the audit" in form and "the audit of PAY on 2026-09-01" in form
    assert client.get("/lessons/new?audit=999999").status_code == 200  # an unknown one is simply not offered
    saved = client.post("/lessons/", data=lesson_form(audit_id=str(audit.id), project_id=str(pay.id)))
    assert saved.status_code == 303
    lesson = db.exec(select(Lesson)).one()
    assert (lesson.audit_id, lesson.project_id) == (audit.id, pay.id)
    assert "the audit of PAY on 2026-09-01" in client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    assert "Audit before the release" in client.get(f"/compliance/{audit.id}").get_data(as_text=True)
    refused = client.post("/lessons/", data=lesson_form(audit_id="999999"))  # removed meanwhile, say
    assert refused.status_code == 422
    assert 'id="f-audit_id"' in refused.get_data(as_text=True)  # the field the error is beside is there


def test_the_plan_lists_its_deployments_and_the_pilot_its_lessons(client, login, make_user, make_plan, make_pilot,
                                                                  make_deployment, make_project, make_released,
                                                                  make_lesson):
    plan = make_plan(PlanStatus.IN_PROGRESS, title="Peer reviews everywhere")
    make_deployment([make_project()], [make_released()], title="Checklist roll-out", plan_id=plan.id)
    pilot = make_pilot(plan, title="Checklist pilot")
    make_lesson(title="Pilot with two teams", pilot_id=pilot.id)
    login(make_user(Role.STEERING))
    assert "Checklist roll-out" in client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Pilot with two teams" in client.get(f"/pilots/{pilot.id}").get_data(as_text=True)
