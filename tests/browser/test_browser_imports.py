"""Importing in the browser: the process group uploads a spreadsheet, maps the column the tracker could not guess
(told beside the mapping what is missing, without a reload), sees every row checked, and imports them."""

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import covers
from tests.conftest import PASSWORD
from tracker.auth.roles import Role
from tracker.projects.models import Project

pytestmark = pytest.mark.browser

SHEET = "Code;Name;Phase;Kickoff;Leads\nPX-1;Payroll;Planning;2026-01-05;Lena Lead\nPX-2;Billing;execution;2026-02-01;\n"


@covers("imports.preview", "imports.run")
def test_the_process_group_maps_checks_and_imports_a_spreadsheet(page, live_server, sign_in, no_reload, make_user, db):
    make_user(Role.PROJECT_LEAD, name="Lena Lead")
    make_user(Role.PROCESS_GROUP, email="sam@example.org")
    sign_in("sam@example.org", PASSWORD)
    page.get_by_role("link", name="Imports").click()
    expect(page.locator("h1")).to_have_text("Imports")
    page.get_by_label("What it holds").select_option("projects")
    page.locator("#f-file").set_input_files({"name": "projects.csv", "mimeType": "text/csv",
                                               "buffer": SHEET.encode("cp1252")})
    page.get_by_role("button", name="Upload and map columns").click()
    expect(page.locator("h1")).to_have_text("Import “projects.csv”")
    expect(page.get_by_label("Leads")).to_have_value("lead_ids")  # guessed from the column's name
    no_reload.set()

    page.get_by_role("button", name="Check every row").click()
    expect(page.locator(".error").first).to_contain_text("Map a column to each required field: Start date")
    page.get_by_label("Kickoff").select_option("start_date")
    page.get_by_role("button", name="Check every row").click()
    outcome = page.locator("#outcome")
    expect(outcome).to_contain_text("Every row can be imported")
    expect(outcome).to_contain_text("2 new · 0 updated · 0 with errors")
    expect(page.get_by_label("Kickoff")).to_have_value("start_date")  # the mapping chosen stays chosen
    no_reload.check()
    assert db.exec(select(Project)).all() == []  # a check writes nothing

    page.get_by_role("button", name="Import all rows").click()
    expect(page.locator("#messages")).to_contain_text("Imported projects.csv: 2 new, 0 updated.")
    expect(page.locator("main")).to_contain_text("imported")
    db.expire_all()
    assert sorted(p.code for p in db.exec(select(Project)).all()) == ["PX-1", "PX-2"]
