"""Review cadences in the browser (issue 10): an asset's owner records the review its version needs; the process
group reviews the standard set, sets its review date and keeps its entries. Every result shows without a reload."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import covers, pick
from tests.conftest import PASSWORD
from tracker.assets.models import AssetKind, ProcessAsset, VersionStatus
from tracker.auth.roles import Role
from tracker.db import utcnow
from tracker.due import add_months

pytestmark = pytest.mark.browser


@covers("assets.review")
def test_the_owner_records_the_review_an_asset_needs(page, live_server, sign_in, no_reload, db, make_user,
                                                       make_version):
    owner = make_user(Role.MEMBER, email="olga@example.org", name="Olga Owner")
    today = utcnow().date()
    asset = ProcessAsset(title="Plan template", kind=AssetKind.TEMPLATE, owner_id=owner.id, review_interval_months=6,
                         review_due_on=today - timedelta(days=3))
    db.add(asset)
    db.commit()
    make_version(asset, "1.0", status=VersionStatus.RELEASED, release_date=today - timedelta(days=190))
    sign_in("olga@example.org", PASSWORD)
    page.goto(f"{live_server}/assets/{asset.id}")
    reviews = page.locator("#reviews")
    expect(reviews.locator("h2")).to_contain_text("Needs review")
    no_reload.set()

    reviews.get_by_text("Record a review of 1.0").click()
    reviews.get_by_label("Outcome").select_option(label="Reviewed, no change")
    reviews.get_by_label("Notes").fill("Still fits every project")
    reviews.get_by_role("button", name="Record review").click()
    expect(page.locator("#reviews table")).to_contain_text("Still fits every project")
    expect(page.locator("#reviews h2")).not_to_contain_text("Needs review")
    expect(page.locator("#review-due")).to_have_text(str(add_months(today, 6)))
    expect(page.locator("#reviews details.add").locator("textarea, input:not([type=hidden]):not([type=date])").first).to_have_value("")  # open for the next one, and empty
    no_reload.check()


@covers("deployments.review_standard_set", "deployments.set_standard_set_review_date",
        "deployments.save_standard_entry")
def test_the_process_group_reviews_the_standard_set(page, live_server, sign_in, no_reload, db, make_user):
    pg = make_user(Role.PROCESS_GROUP, email="sam@example.org")
    db.add(ProcessAsset(title="Peer review procedure", kind=AssetKind.PROCEDURE, owner_id=pg.id))
    db.commit()
    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/deployments/standard-set")
    no_reload.set()
    section = page.locator("#set-review")

    section.get_by_text("Change the review date").click()
    section.get_by_label("Review the standard set on").fill("2020-01-01")
    section.get_by_role("button", name="Set date").click()
    expect(page.locator("#set-review h2")).to_contain_text("Needs review")  # a date already passed

    page.locator("#set-review").get_by_text("Record a review").click()
    form = page.locator("#set-review form").first
    form.get_by_label("Outcome").select_option(label="New version needed")
    form.get_by_label("Notes").fill("Take in this year's pilots")
    form.get_by_label("Next review on").fill("2099-06-30")
    form.get_by_role("button", name="Record review").click()
    expect(page.locator("#set-review-on")).to_have_text("2099-06-30")
    expect(page.locator("#set-review table")).to_contain_text("Take in this year's pilots")
    expect(page.locator("#set-review h2")).not_to_contain_text("Needs review")

    pick(page.get_by_label("Asset"), "peer", "Peer review procedure")
    page.get_by_label("Deployment guideline").fill("At kick-off")
    page.get_by_role("button", name="Save entry").click()
    expect(page.locator("table.list").last).to_contain_text("Peer review procedure")
    no_reload.check()
