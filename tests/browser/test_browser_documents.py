"""An asset version under document control, in the browser (issue 12, part 3): the process group drafts a version,
uploads its document (a wrong one is refused beside the field), the asset owner and another process-group member
sign it off, and only then is Release offered; a project lead downloads the content of the version their project
deployed."""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import covers
from tests.conftest import PASSWORD
from tracker.assets.models import AssetKind, AssetVersion, ProcessAsset
from tracker.auth.roles import Role

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@covers("assets.upload", "assets.remove_file", "assets.approve", "assets.move_version")
def test_draft_upload_sign_off_release_and_a_project_downloads_it(page, live_server, sign_in, no_reload, db,
                                                                    make_user, make_project, make_deployment):
    sam = make_user(Role.PROCESS_GROUP, email="sam@example.org", name="Sam Process")
    make_user(Role.PROCESS_GROUP, email="quinn@example.org", name="Quinn Quality")
    lead = make_user(Role.PROJECT_LEAD, email="leo@example.org", name="Leo Lead")
    project = make_project(code="PAY", leads=[lead])
    asset = ProcessAsset(title="Peer review procedure", kind=AssetKind.PROCEDURE, owner_id=sam.id)
    db.add(asset)
    db.commit()

    sign_in("sam@example.org", PASSWORD)
    page.goto(f"{live_server}/assets/{asset.id}")
    page.locator("#versions").get_by_text("Add a draft version").click()
    page.get_by_label("Version label").fill("2.0")
    page.get_by_role("button", name="Add draft").click()
    expect(page.locator("#change_notes-error")).to_be_visible()  # the notes are required
    page.get_by_label("Change notes").fill("Adds the design checklist.")
    page.get_by_role("button", name="Add draft").click()
    page.locator("#versions").get_by_role("link", name="2.0").click()
    expect(page.locator("h1")).to_have_text("Peer review procedure 2.0")
    expect(page.locator("#release-state")).to_contain_text("cannot be released yet")
    draft = db.exec(select(AssetVersion).where(AssetVersion.asset_id == asset.id)).one()

    no_reload.set()
    page.get_by_label("File").set_input_files(files=[{"name": "setup.exe", "mimeType": "application/octet-stream",
                                                      "buffer": b"MZ\x90\x00" + b"\x00" * 60}])
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#file-error")).to_contain_text("A .exe file cannot be kept here.")
    page.get_by_label("File").set_input_files(files=[{"name": "first try.pdf", "mimeType": "application/pdf",
                                                      "buffer": PDF}])
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#content")).to_contain_text("first try.pdf")
    expect(page.locator("#file-error")).to_have_count(0)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove the file").click()
    expect(page.locator("#content")).not_to_contain_text("first try.pdf")
    page.get_by_label("File").set_input_files(
        files=[{"name": "Peer review 2.0.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#content")).to_contain_text("Peer review 2.0.pdf")
    no_reload.check()

    no_reload.set()
    page.locator("#signoff").get_by_label("Comment").fill("Matches what the action team agreed.")
    page.get_by_role("button", name="Sign off as asset owner").click()
    expect(page.locator("#signoff tbody tr")).to_contain_text("Matches what the action team agreed.")
    expect(page.locator("#signoff")).to_contain_text("You have signed this draft off")
    expect(page.get_by_role("button", name="Release 2.0")).to_have_count(0)
    no_reload.check()

    sign_in("quinn@example.org", PASSWORD)
    page.goto(f"{live_server}/assets/versions/{draft.id}")
    no_reload.set()
    page.get_by_role("button", name="Sign off as process group").click()
    expect(page.locator("#release-state")).to_contain_text("ready to release")
    page.get_by_role("button", name="Release 2.0").click()
    expect(page.locator(".facts")).to_contain_text("Released")
    no_reload.check()

    make_deployment([project], [draft])
    sign_in("leo@example.org", PASSWORD)
    page.goto(f"{live_server}/projects/{project.id}")
    with page.expect_download() as download:
        page.locator("tr", has_text="Peer review procedure 2.0").get_by_role("link", name="File").click()
    assert download.value.suggested_filename == "Peer review 2.0.pdf"
    assert Path(download.value.path()).read_bytes() == PDF

