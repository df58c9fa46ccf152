"""An asset version's content under document control (issue 12, part 3).

Written from the requirement: a version keeps an uploaded file (PDF, office documents, Markdown, images) with its
checksum, size and type, served with a safe type and Content-Disposition, never run; and/or a link. Release needs
change notes and the sign-off of the asset owner and of a process-group member other than the author. Released and
retired versions stay downloadable; a project sees the content of the version it deployed. Limits, allowed types and
a virus-scan hook are configurable; a refused file gets a clear message and nothing is stored.
"""

import hashlib
import io
import sys
import zipfile

import pytest
from sqlmodel import select

from tests.conftest import count_rows
from tracker import content
from tracker.assets import service, versions
from tracker.assets.forms import ApprovalInput
from tracker.assets.models import AssetKind, AssetVersion, ProcessAsset, VersionApproval, VersionStatus
from tracker.auth.roles import Role
from tracker.content import ContentBlob
from tracker.errors import InvalidTransition, PermissionDenied
from tracker.history.models import AuditEvent

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
MARKDOWN = "# Peer review 2.0\n\nReviews now use the design checklist. Über-simple.\n".encode()


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def sepg(login_as):
    return login_as(Role.PROCESS_GROUP, name="Sam Author")


@pytest.fixture
def asset(db, sepg):
    asset = ProcessAsset(title="Peer review procedure", kind=AssetKind.PROCEDURE, owner_id=sepg.id)
    db.add(asset)
    db.commit()
    return asset


@pytest.fixture
def draft(client, db, asset):
    """Drafted through the page by Sam, who also owns the asset."""
    assert client.post(f"/assets/{asset.id}/versions", data={"label": "2.0", "change_notes": "Adds the checklist."},
                       headers={"HX-Request": "true"}).status_code == 200
    return db.exec(select(AssetVersion).where(AssetVersion.label == "2.0")).one()


def upload(client, version, name, data, seen=None):
    return client.post(f"/assets/versions/{version.id}/file", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), name), "version": str(seen or version.version)})


def fresh(db, version) -> AssetVersion:
    db.expire_all()
    return db.get(AssetVersion, version.id)


@pytest.mark.parametrize("store", ["database", "directory"])
def test_an_uploaded_file_is_kept_with_checksum_size_and_type_and_comes_back_as_a_download(
        app, client, db, draft, store):
    app.config["CONTENT_STORE"] = store
    response = upload(client, draft, "Peer review 2.0.pdf", PDF)
    assert response.status_code == 303
    kept = fresh(db, draft)
    assert (kept.file_name, kept.file_type, kept.file_size) == ("Peer review 2.0.pdf", "application/pdf", len(PDF))
    assert kept.file_sha256 == hashlib.sha256(PDF).hexdigest()
    assert count_rows(db, ContentBlob) == (1 if store == "database" else 0)
    page = client.get(f"/assets/versions/{draft.id}").get_data(as_text=True)
    assert "Peer review 2.0.pdf" in page and kept.file_sha256 in page

    download = client.get(f"/assets/versions/{draft.id}/file")
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "Peer review 2.0.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    history = db.exec(select(AuditEvent.field, AuditEvent.new).where(
        AuditEvent.entity == "asset_version", AuditEvent.entity_id == draft.id, AuditEvent.action == "update")).all()
    assert ("file_name", "Peer review 2.0.pdf") in history


@pytest.mark.parametrize("name, data", [("Review checklist.docx", docx()), ("flow.png", PNG),
                                        ("notes.md", MARKDOWN)])
def test_office_documents_images_and_markdown_are_accepted(client, db, draft, name, data):
    assert upload(client, draft, name, data).status_code == 303
    assert fresh(db, draft).file_name == name


def test_a_text_file_goes_out_with_its_type_said_once(client, db, draft):
    """A walk-through's download said "text/plain; charset=utf-8; charset=utf-8"; text that is not UTF-8 claims
    no charset."""
    upload(client, draft, "notes.md", "Prüfung\n".encode())
    assert client.get(f"/assets/versions/{draft.id}/file").headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert upload(client, draft, "notes.md", "Pr\xfcfung\n".encode("latin-1"), seen=fresh(db, draft).version
                  ).status_code == 303
    assert client.get(f"/assets/versions/{draft.id}/file").headers["Content-Type"] == "text/markdown"


@pytest.mark.parametrize("name, data, message", [
    ("setup.exe", EXE, "A .exe file cannot be kept here."),
    ("report.pdf", EXE, "The content of report.pdf is not PDF (it looks like EXE)."),
    ("notes.md", PNG, "notes.md is not a text file (it looks like PNG)."),
    ("page.html", b"<html><script>alert(1)</script></html>", "A .html file cannot be kept here."),
    ("diagram.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "A .svg file cannot be kept here."),
    ("empty.pdf", b"", "empty.pdf is empty."),
    ("README", MARKDOWN, "A file without an extension cannot be kept here."),
])
def test_a_wrong_type_is_refused_beside_the_field_and_nothing_is_stored(client, db, draft, name, data, message):
    response = upload(client, draft, name, data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert fresh(db, draft).file_sha256 == "" and count_rows(db, ContentBlob) == 0


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(app, client, db, draft):
    app.config["CONTENT_MAX_MB"] = 1
    response = upload(client, draft, "big.pdf", PDF + b"0" * (1024 * 1024))
    assert response.status_code == 422
    assert "big.pdf is larger than the 1.0 MiB allowed." in response.get_data(as_text=True)
    huge = upload(client, draft, "huge.pdf", PDF + b"0" * (3 * 1024 * 1024))  # beyond what is even read
    assert huge.status_code == 413
    assert "The file is larger than the 1.0 MiB allowed. Nothing was kept." in huge.get_data(as_text=True)
    assert fresh(db, draft).file_sha256 == "" and count_rows(db, ContentBlob) == 0


def test_the_allowed_types_are_configurable(app, client, db, draft):
    app.config["CONTENT_TYPES"] = "pdf"
    response = upload(client, draft, "flow.png", PNG)
    assert response.status_code == 422
    assert "A .png file cannot be kept here. Allowed: PDF; up to 20.0 MiB." in response.get_data(as_text=True)


def test_a_hostile_file_name_is_made_safe(client, db, draft):
    """No folders, no control or direction-changing characters (U+202E would show "gpj.pdf" as "fdp.jpg"), shown
    escaped; a name that would break out of Content-Disposition is quoted by werkzeug (tested there)."""
    hostile = '../../etc/<script>alert(1)</script>\u202egpj.\x07.pdf'
    assert upload(client, draft, hostile, PDF).status_code == 303
    kept = fresh(db, draft).file_name
    assert "/" not in kept and "\u202e" not in kept and "\x07" not in kept
    assert kept.endswith(".pdf") and not kept.startswith(".")
    page = client.get(f"/assets/versions/{draft.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    download = client.get(f"/assets/versions/{draft.id}/file")
    assert "\u202e" not in download.headers["Content-Disposition"]
    assert download.headers["Content-Disposition"].startswith("attachment;")


SCANNER = (f"{sys.executable} -c \"import sys; data = sys.stdin.buffer.read(); "
           "print('Eicar-Test-Signature FOUND') if b'EICAR' in data else None; "
           "sys.exit(1 if b'EICAR' in data else 2 if b'BROKEN' in data else 0)\"")


def test_the_virus_scan_hook_refuses_what_the_scanner_refuses(app, client, db, draft):
    app.config["CONTENT_SCAN_COMMAND"] = SCANNER
    infected = upload(client, draft, "notes.md", b"X5O!P%@AP EICAR test\n")
    assert infected.status_code == 422
    assert "The virus scanner refused notes.md: Eicar-Test-Signature FOUND." in infected.get_data(as_text=True)
    broken = upload(client, draft, "notes.md", b"BROKEN\n")
    assert broken.status_code == 422
    assert "The virus scanner could not check the file" in broken.get_data(as_text=True)
    assert fresh(db, draft).file_sha256 == "" and count_rows(db, ContentBlob) == 0
    assert upload(client, draft, "notes.md", MARKDOWN).status_code == 303


def test_a_link_is_content_too_but_only_a_web_address(client, db, draft):
    edit = f"/assets/versions/{draft.id}"
    refused = client.post(edit, data={"label": "2.0", "change_notes": "Adds the checklist.", "version": "1",
                                      "link": "javascript:alert(1)"})
    assert refused.status_code == 422
    assert "Enter a web address starting with https://" in refused.get_data(as_text=True)
    assert client.post(edit, data={"label": "2.0", "change_notes": "Adds the checklist.", "version": "1",
                                   "link": "https://docs.example/peer-review-2.0"}).status_code == 303
    assert fresh(db, draft).has_content
    assert 'href="https://docs.example/peer-review-2.0"' in client.get(f"/assets/versions/{draft.id}").get_data(
        as_text=True)


def test_change_notes_are_required(client, db, asset):
    response = client.post(f"/assets/{asset.id}/versions", data={"label": "3.0", "change_notes": ""},
                           headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert count_rows(db, AssetVersion) == 0


def approve(db, version, user, comment=""):
    db.expire_all()  # as a new request reads it
    version = versions.get_version(db, version_id=version.id)
    return versions.approve(db, version=version, data=ApprovalInput(comment=comment, version=version.version), by=user)


def release(db, version, user):
    db.expire_all()
    version = versions.get_version(db, version_id=version.id)
    return service.move_version(db, version=version, to=VersionStatus.RELEASED, seen=version.version, by=user)


def test_release_waits_for_the_owner_and_another_process_group_member(client, db, draft, sepg, make_user):
    """Sam drafted 2.0 and owns the asset: Sam signs off as owner; Sam cannot also sign off for the process group;
    Quinn (process group) can. Only then is it released."""
    upload(client, draft, "procedure.pdf", PDF)
    with pytest.raises(InvalidTransition, match="needs the asset owner's sign-off and a process-group member's"):
        release(db, draft, sepg)
    given = approve(db, draft, sepg, comment="As agreed.")
    assert (given.capacity.value, given.approver_id, given.comment) == ("owner", sepg.id, "As agreed.")
    with pytest.raises(InvalidTransition, match="You have signed this draft off"):
        approve(db, draft, sepg)  # the author cannot approve alone
    with pytest.raises(InvalidTransition, match="needs a process-group member's sign-off"):
        release(db, draft, sepg)
    quinn = make_user(Role.PROCESS_GROUP, name="Quinn Quality")
    assert approve(db, draft, quinn).capacity.value == "process_group"
    release(db, draft, sepg)
    assert fresh(db, draft).status == VersionStatus.RELEASED


def test_the_author_who_is_not_the_owner_still_cannot_sign_off_for_the_process_group(db, client, draft, sepg,
                                                                                     make_user):
    upload(client, draft, "procedure.pdf", PDF)
    owner = make_user(Role.MEMBER, name="Olga Owner")
    asset = db.get(ProcessAsset, draft.asset_id)
    asset.owner_id = owner.id
    db.commit()
    with pytest.raises(InvalidTransition, match="You drafted this version"):
        approve(db, draft, sepg)
    with pytest.raises(PermissionDenied):
        approve(db, draft, make_user(Role.MEMBER))  # not the owner, not the process group
    assert approve(db, draft, owner).capacity.value == "owner"


def test_a_sign_off_holds_for_the_content_it_saw(client, db, draft, sepg, make_user):
    upload(client, draft, "procedure.pdf", PDF)
    approve(db, draft, sepg)
    approve(db, draft, make_user(Role.PROCESS_GROUP))
    upload(client, draft, "procedure.pdf", PDF + b"% changed\n", seen=fresh(db, draft).version)
    with pytest.raises(InvalidTransition, match="needs the asset owner's sign-off and a process-group member's"):
        release(db, draft, sepg)
    page = client.get(f"/assets/versions/{draft.id}").get_data(as_text=True)
    assert page.count("for an earlier draft") == 2
    assert count_rows(db, VersionApproval) == 2  # kept in the record, no longer counting


def test_nothing_to_sign_off_before_notes_and_content(db, draft, sepg):
    with pytest.raises(InvalidTransition, match="Nothing to sign off yet"):
        approve(db, draft, sepg)


def test_release_is_offered_only_once_signed_off(client, db, draft, sepg, make_user, login):
    upload(client, draft, "procedure.pdf", PDF)
    page = client.get(f"/assets/versions/{draft.id}").get_data(as_text=True)
    assert "Release 2.0" not in page and "Sign off as asset owner" in page
    approve(db, draft, sepg)
    approve(db, draft, make_user(Role.PROCESS_GROUP))
    page = client.get(f"/assets/versions/{draft.id}").get_data(as_text=True)
    assert "Release 2.0" in page and "ready to release" in page


def test_released_and_retired_versions_stay_downloadable_and_unchangeable(client, db, draft, sepg, make_user):
    upload(client, draft, "procedure.pdf", PDF)
    approve(db, draft, sepg)
    approve(db, draft, make_user(Role.PROCESS_GROUP))
    release(db, draft, sepg)
    assert client.get(f"/assets/versions/{draft.id}/file").data == PDF
    refused = upload(client, draft, "other.pdf", PDF + b"%x\n")
    assert refused.status_code == 409 and fresh(db, draft).file_name == "procedure.pdf"
    assert client.get(f"/assets/versions/{draft.id}/edit").status_code == 409
    version = fresh(db, draft)
    service.move_version(db, version=version, to=VersionStatus.RETIRED, seen=version.version, by=sepg)
    assert client.get(f"/assets/versions/{draft.id}/file").data == PDF


def test_a_project_sees_the_content_of_the_version_it_deployed(client, db, draft, sepg, make_user, make_project,
                                                              make_deployment, login):
    upload(client, draft, "procedure.pdf", PDF)
    approve(db, draft, sepg)
    approve(db, draft, make_user(Role.PROCESS_GROUP))
    release(db, draft, sepg)
    lead = make_user(Role.PROJECT_LEAD)
    project = make_project(leads=[lead])
    make_deployment([project], [fresh(db, draft)])
    login(lead)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f'href="/assets/versions/{draft.id}/file"' in page
    assert client.get(f"/assets/versions/{draft.id}/file").data == PDF


@pytest.mark.parametrize("role", [Role.PROJECT_LEAD, Role.MEMBER, Role.STEERING, Role.ADMIN])
def test_only_the_process_group_changes_a_drafts_content(client, db, draft, login_as, role):
    login_as(role)
    assert upload(client, draft, "procedure.pdf", PDF).status_code == 403
    assert client.post(f"/assets/versions/{draft.id}", data={"label": "9", "change_notes": "x",
                                                             "version": "1"}).status_code == 403
    assert fresh(db, draft).file_sha256 == "" and fresh(db, draft).label == "2.0"


def test_a_stale_upload_is_a_conflict_and_keeps_nothing(client, db, draft):
    upload(client, draft, "procedure.pdf", PDF)
    stale = upload(client, draft, "other.pdf", PDF + b"%x\n", seen=1)
    assert stale.status_code == 409
    assert fresh(db, draft).file_name == "procedure.pdf"


def test_unknown_versions_are_404(client, sepg):
    assert client.get("/assets/versions/999999").status_code == 404
    assert client.get("/assets/versions/999999/file").status_code == 404


@pytest.mark.parametrize("raw, kept", [
    ("C:\\Users\\sam\\Peer review.pdf", "Peer review.pdf"),
    ("../../x.pdf", "x.pdf"),
    ("\u202egpj.pdf", "gpj.pdf"),
    (".htaccess.txt", "htaccess.txt"),
    ("Prüfverfahren Übersicht.pdf", "Prüfverfahren Übersicht.pdf"),
    ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
])
def test_safe_names(raw, kept):
    assert content.safe_name(raw) == kept


def test_whoever_changed_the_content_does_not_sign_off_for_the_process_group(client, db, draft, sepg, make_user,
                                                                             login):
    """Sam drafted 2.0; Pat (process group) uploads its file: Pat wrote it too, so Quinn signs for the group."""
    pat = make_user(Role.PROCESS_GROUP, name="Pat Uploader")
    login(pat)
    assert upload(client, draft, "procedure.pdf", PDF).status_code == 303
    with pytest.raises(InvalidTransition, match="changed its content"):
        approve(db, draft, pat)
    login(sepg)
    approve(db, draft, sepg)  # as the asset's owner
    approve(db, draft, make_user(Role.PROCESS_GROUP, name="Quinn Quality"))
    release(db, draft, sepg)


def test_a_sign_off_counts_only_while_its_signer_still_has_the_capacity(client, db, draft, sepg, make_user):
    """Olga signs as owner, then the asset goes to Nina: Nina's sign-off is missing. A process-group signer who
    leaves the process group no longer counts either."""
    upload(client, draft, "procedure.pdf", PDF)
    quinn = make_user(Role.PROCESS_GROUP, name="Quinn Quality")
    approve(db, draft, sepg)
    approve(db, draft, quinn)
    nina = make_user(Role.MEMBER, name="Nina New")
    asset = db.get(ProcessAsset, draft.asset_id)
    asset.owner_id = nina.id
    db.commit()
    with pytest.raises(InvalidTransition, match="needs the asset owner's sign-off"):
        release(db, draft, sepg)
    approve(db, draft, nina)
    quinn = db.get(type(quinn), quinn.id)
    quinn.roles = {Role.MEMBER}
    db.commit()
    with pytest.raises(InvalidTransition, match="needs a process-group member's sign-off"):
        release(db, draft, sepg)
