"""API tokens in the browser: a person makes a token and sees it (once) without a reload, the form emptied; a bad
expiry is said beside its field; revoking it marks it revoked in place, and a program using it is refused at once."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import covers
from tests.conftest import PASSWORD
from tracker.auth.roles import Role
from tracker.db import utcnow

pytestmark = pytest.mark.browser


@covers("tokens.create", "tokens.revoke")
def test_a_person_makes_a_token_sees_it_once_and_revokes_it(page, live_server, sign_in, no_reload, make_user, client):
    make_user(Role.PROJECT_LEAD, email="lena@example.org")
    sign_in("lena@example.org", PASSWORD)
    page.goto(f"{live_server}/account/password")
    page.get_by_role("link", name="API tokens").click()
    expect(page.locator("h1")).to_have_text("API tokens")
    no_reload.set()

    page.get_by_label("Name").fill("Weekly report")
    page.get_by_label("Works until").fill((utcnow().date() + timedelta(days=400)).isoformat())
    page.get_by_role("button", name="Make token").click()
    expect(page.locator("#expires_on-error")).to_contain_text("Choose a day within a year")
    expect(page.get_by_label("Name")).to_have_value("Weekly report")  # what was typed stays

    page.get_by_label("Works until").fill((utcnow().date() + timedelta(days=30)).isoformat())
    page.get_by_label("Access").select_option("write")
    page.get_by_role("button", name="Make token").click()
    made = page.locator("#made-token")
    expect(made).to_have_value(re.compile(r"^pit_"))
    expect(page.get_by_label("Name")).to_have_value("")  # the form is ready for another
    expect(page.locator("table")).to_contain_text("Weekly report")
    expect(page.locator("table")).to_contain_text("Read and write")
    secret = made.input_value()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke Weekly report").click()
    expect(page.locator("table")).to_contain_text("Revoked")
    expect(page.get_by_role("button", name="Revoke Weekly report")).to_have_count(0)
    no_reload.check()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
