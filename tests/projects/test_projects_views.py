"""Projects through the UI: create, validate, edit, conflict, history, list."""

import re
from datetime import date

import pytest

from tests.conftest import count_rows
from tracker.auth.roles import Role
from tracker.history.models import AuditEvent
from tracker.projects.models import Phase, Project, ProjectStatus

VALID = {"code": "pay", "name": "Payments platform", "phase": "execution", "status": "active",
         "start_date": "2026-01-12", "end_date": "2027-03-31", "description": "Card payments"}


@pytest.fixture
def sepg(login_as):
    return login_as(Role.PROCESS_GROUP)


def test_process_group_creates_a_project_with_leads(client, sepg, make_user, db):
    lead = make_user(Role.PROJECT_LEAD, name="Leo Lead")
    response = client.post("/projects/", data=VALID | {"lead_ids": [str(lead.id)]}, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "PAY · Payments platform" in page  # codes are upper-cased
    assert "Leo Lead" in page
    project = db.exec(Project.__table__.select()).one()
    assert project.end_date.isoformat() == "2027-03-31"


@pytest.mark.parametrize("field, value, message", [
    ("code", "", "This field is required."),
    ("code", "A" * 21, "Use at most 20 characters."),
    ("code", "has space", "Use letters, digits"),
    ("name", "x" * 201, "Use at most 200 characters."),
    ("phase", "sleeping", "Choose one of the listed options."),
    ("start_date", "2026-02-30", "Enter a real date as YYYY-MM-DD."),
    ("end_date", "2025-12-31", "The end date cannot be before the start date."),
    ("end_date", "31/12/2027", "Enter a real date as YYYY-MM-DD."),
    ("lead_ids", "999999", "Choose people who hold the project lead role."),
    ("lead_ids", "99999999999999999", "Choose one of the listed options."),
])
def test_bad_input_is_refused_beside_the_field_and_nothing_is_written(client, sepg, db, field, value, message):
    response = client.post("/projects/", data=VALID | {field: value})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', page)
    assert error and message in error.group(1).replace("&#39;", "'")
    assert count_rows(db, Project) == 0
    assert count_rows(db, AuditEvent) == 0


def test_what_the_user_typed_is_kept_after_an_error(client, sepg):
    page = client.post("/projects/", data=VALID | {"start_date": "2026-13-01"}).get_data(as_text=True)
    assert 'value="Payments platform"' in page
    assert 'value="2026-13-01"' in page
    assert ">Card payments</textarea>" in page


def test_htmx_form_error_swaps_only_the_form(client, sepg):
    response = client.post("/projects/", data=VALID | {"end_date": "2020-01-01"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.lstrip().startswith("<form")
    assert "<html" not in page


def test_duplicate_code_is_a_field_error(client, sepg, make_project):
    make_project(code="PAY")
    response = client.post("/projects/", data=VALID)
    assert response.status_code == 422
    assert "Another project already uses this code." in response.get_data(as_text=True)


def test_edit_records_old_and_new_values_in_history(client, sepg, make_project, db):
    project = make_project(code="PAY", name="Payments", phase=Phase.PLANNING)
    form = VALID | {"code": "PAY", "version": "1", "phase": "execution"}
    assert client.post(f"/projects/{project.id}", data=form).status_code == 303
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert re.search(r"<td>Changed</td><td>Lifecycle phase</td><td>Planning</td><td>Execution</td>", page)
    assert re.search(r"<td>Changed</td><td>Name</td><td>Payments</td><td>Payments platform</td>", page)
    assert sepg.name in page
    db.expire_all()
    assert db.get(Project, project.id).version == 2


def test_stale_edit_is_a_409_showing_both_and_writing_nothing(client, sepg, make_project, db):
    project = make_project(code="PAY", name="Payments")
    first = client.post(f"/projects/{project.id}", data=VALID | {"code": "PAY", "name": "First", "version": "1"})
    assert first.status_code == 303
    stale = client.post(f"/projects/{project.id}", data=VALID | {"code": "PAY", "name": "Second", "version": "1"})
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert 'value="Second"' in page  # what the user typed is kept
    assert "Saved meanwhile: <strong>First</strong>" in page
    db.expire_all()
    assert db.get(Project, project.id).name == "First"
    # saving again on purpose (the form now carries the current version) wins
    again = client.post(f"/projects/{project.id}", data=VALID | {"code": "PAY", "name": "Second", "version": "2"})
    assert again.status_code == 303


def test_edit_without_changes_keeps_the_version(client, sepg, make_project, db):
    project = make_project(code="PAY", name="Payments platform", phase=Phase.EXECUTION, start_date=date(2026, 1, 12),
                           end_date=date(2027, 3, 31), description="Card payments")
    client.post(f"/projects/{project.id}", data=VALID | {"code": "PAY", "version": "1"})
    db.expire_all()
    assert db.get(Project, project.id).version == 1
    assert count_rows(db, AuditEvent) == 0


def test_unknown_project_is_404(client, sepg):
    assert client.get("/projects/4242").status_code == 404
    assert client.get("/projects/99999999999").status_code == 404
    assert client.post("/projects/4242", data=VALID | {"version": "1"}).status_code == 404


def test_search_and_filters_narrow_the_list(client, login_as, make_project):
    login_as(Role.MEMBER)
    make_project(code="PAY", name="Payments platform", phase=Phase.EXECUTION)
    make_project(code="CRM", name="Customer portal", phase=Phase.PLANNING)
    make_project(code="OLD", name="Old payments", status=ProjectStatus.CLOSED)
    page = client.get("/projects/?q=payM").get_data(as_text=True)
    assert ">PAY<" in page and ">OLD<" in page and ">CRM<" not in page
    page = client.get("/projects/?q=pay&status=active").get_data(as_text=True)
    assert ">PAY<" in page and ">OLD<" not in page
    page = client.get("/projects/?phase=planning", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert ">CRM<" in page and ">PAY<" not in page and "<html" not in page


def test_list_is_paginated(client, login_as, make_project):
    login_as(Role.MEMBER)
    for n in range(12):
        make_project(code=f"P{n:02d}")
    first = client.get("/projects/").get_data(as_text=True)
    second = client.get("/projects/?page=2").get_data(as_text=True)
    assert "12 projects" in first and "Page 1 of 2" in first
    assert ">P00<" in first and ">P10<" not in first
    assert ">P10<" in second and ">P11<" in second


def test_lead_sees_only_their_projects_with_mine(client, login_as, make_project):
    mine = make_project(code="MINE")
    make_project(code="OTHER")
    login_as(Role.PROJECT_LEAD, leads=[mine])
    page = client.get("/projects/?mine=1").get_data(as_text=True)
    assert ">MINE<" in page and ">OTHER<" not in page


def test_list_query_count_does_not_grow_with_rows(client, login_as, make_project, make_user, query_counter):
    login_as(Role.MEMBER)

    def queries_for_list() -> int:
        query_counter.clear()
        assert client.get("/projects/").status_code == 200
        return len(query_counter)

    for _ in range(2):
        make_user(Role.PROJECT_LEAD, leads=[make_project()])
    small = queries_for_list()
    for _ in range(8):
        make_user(Role.PROJECT_LEAD, leads=[make_project()])
    assert queries_for_list() == small


def test_a_project_page_shows_ten_records_a_section_and_links_to_the_whole_list(
        client, login_as, make_project, make_released, make_tailoring, make_lesson, make_audit):
    """A project with years of records: its page shows the ten newest of each (the ten due soonest of its open
    noncompliances) and links to the whole list, filtered to the project."""
    project, version = make_project(code="PX-1"), make_released()
    for n in range(1, 12):  # eleven of each
        make_tailoring(project, version, element=f"Element {n:02}")
        make_lesson(project_id=project.id, title=f"Lesson {n:02}")
    for n in range(1, 11):  # ten: all shown, no link
        make_audit(project, audit_date=date(2026, 1, n))
    login_as(Role.STEERING)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert ">Element 11<" in page and ">Element 02<" in page and ">Element 01<" not in page
    assert ">Lesson 11<" in page and ">Lesson 01<" not in page
    assert f'href="/tailoring/?project={project.id}">All tailoring records of PX-1' in page
    assert f'href="/lessons/?project={project.id}">All lessons of PX-1' in page
    assert "All audits of PX-1" not in page and "2026-01-01" in page


def test_a_project_page_shows_each_sections_columns_and_its_own_deployment_status(
        client, login_as, make_user, make_project, make_released, make_deployment, make_tailoring, make_audit, db):
    """What each section of the page says, written from what the page is for: an audit by its date, status, auditor
    and each result by asset; a tailoring by its version; an open noncompliance by its owner and due date; the
    chart's summary counts the project's applicable versions (not-applicable ones left out)."""
    from tracker.compliance.models import AuditResult, Compliance
    from tracker.deployments.models import RowStatus

    project = make_project(code="PX-9")
    review, testing, design, style = (make_released(title=title) for title in (
        "Peer review", "Unit testing", "Design review", "Style guide"))
    make_deployment([project], [review], status=RowStatus.DEPLOYED)
    make_deployment([project], [testing], status=RowStatus.VERIFIED)
    make_deployment([project], [design], status=RowStatus.PLANNED)
    make_deployment([project], [style], status=RowStatus.NOT_APPLICABLE)
    make_tailoring(project, review, element="Second reviewer")
    audit = make_audit(project, audit_date=date(2026, 5, 4), noncompliance_owner=make_user(Role.MEMBER, name="Mia"),
                       auditor_id=make_user(Role.PROCESS_GROUP, name="Ann Auditor").id)
    db.add_all([AuditResult(audit_id=audit.id, asset_version_id=testing.id, result=Compliance.PARTIALLY),
                AuditResult(audit_id=audit.id, asset_version_id=review.id, result=Compliance.COMPLIANT)])
    db.commit()
    login_as(Role.STEERING)
    page = re.sub(r"\s+", " ", client.get(f"/projects/{project.id}").get_data(as_text=True))
    assert "PX-9: 2 of 3 applicable asset versions deployed or verified (67 %)." in page
    assert "<td>Peer review 1.0</td><td><a" in page and ">Second reviewer</a>" in page
    assert (f'<a href="/compliance/{audit.id}">2026-05-04</a> <span class="badge planned">Planned</span> — Ann Auditor'
            ' · Unit testing: <span class="badge partially">Partially</span>'
            ' · Peer review: <span class="badge compliant">Compliant</span></li>') in page
    assert "No peer review records</a> — Mia, due 2026-10-01 <span class=\"badge overdue\">Overdue</span>" in page
