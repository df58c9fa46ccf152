"""Process assets through the API: the library's filters, sorts and pages; an asset with its versions; a version
with its sign-offs, and its release and retirement (If-Match: a stale move is 412), under the pages' rules."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from tracker.api.models import Scope
from tracker.assets.models import AssetArea, AssetKind, AssetVersion, ProcessAsset, VersionStatus
from tracker.auth.roles import Role
from tracker.history.models import AuditEvent
from tracker.process_areas.models import ProcessArea


@pytest.fixture
def make_asset(db, make_user):
    def make(title: str, kind=AssetKind.PROCEDURE, *, owner=None, areas=()) -> ProcessAsset:
        asset = ProcessAsset(title=title, kind=kind, owner_id=(owner or make_user(Role.PROCESS_GROUP)).id)
        db.add(asset)
        db.flush()
        db.add_all(AssetArea(asset_id=asset.id, area_id=area.id) for area in areas)
        db.commit()
        return asset
    return make


def _area(db, code: str) -> ProcessArea:
    return db.exec(select(ProcessArea).where(ProcessArea.code == code)).one()


def test_the_library_filters_sorts_and_pages_as_the_page_does(api, db, make_user, make_asset, make_version):
    member = make_user(Role.MEMBER)
    reader = api(member)
    checklist = make_asset("Review checklist", AssetKind.CHECKLIST, areas=[_area(db, "VER")])
    procedure = make_asset("Peer review procedure", owner=member)
    template = make_asset("Test plan template", AssetKind.TEMPLATE)
    make_version(procedure, "1.0", VersionStatus.RELEASED, release_date=date(2026, 1, 5))
    make_version(template, "0.1")
    everything = reader.get("/api/v1/assets")
    assert [item["title"] for item in everything.json["items"]] == [
        "Peer review procedure", "Review checklist", "Test plan template"]  # by title
    assert [item["id"] for item in reader.get("/api/v1/assets?sort=-title").json["items"]] == [
        template.id, checklist.id, procedure.id]
    assert [item["title"] for item in reader.get("/api/v1/assets?kind=checklist").json["items"]] == [
        "Review checklist"]
    assert [item["title"] for item in reader.get("/api/v1/assets?has=released").json["items"]] == [
        "Peer review procedure"]
    assert [item["title"] for item in reader.get("/api/v1/assets?mine=true").json["items"]] == [
        "Peer review procedure"]
    assert [item["title"] for item in reader.get(f"/api/v1/assets?area={_area(db, 'VER').id}").json["items"]] == [
        "Review checklist"]
    assert reader.get("/api/v1/assets?q=PLAN").json["paging"]["count"] == 1
    first = reader.get("/api/v1/assets?per_page=2")
    assert first.json["paging"] | {"next": None} == {"page": 1, "per_page": 2, "count": 3, "more": False,
                                                     "next": None, "previous": None}
    assert first.headers["Link"] == f'<{first.json["paging"]["next"]}>; rel="next"'
    assert [item["title"] for item in reader.get(first.json["paging"]["next"]).json["items"]] == [
        "Test plan template"]
    assert reader.get("/api/v1/assets?kind=poem").json["errors"] == {"kind": "Choose one of the listed options."}
    assert reader.get("/api/v1/assets?sort=description").status_code == 422  # not a sortable column


def test_the_library_makes_as_many_queries_for_many_assets_as_for_few(api, db, make_user, make_asset, make_version,
                                                                      list_reads_flat):
    reader = api(make_user(Role.MEMBER))

    def add(n: int) -> None:
        for _ in range(n):
            asset = make_asset(f"Asset {len(db.exec(select(ProcessAsset.id)).all())}", areas=[_area(db, "VER")])
            make_version(asset, "1.0", VersionStatus.RELEASED, release_date=date(2026, 1, 5))
            make_version(asset, "1.1")

    list_reads_flat(reader, "/api/v1/assets", add)


def test_an_asset_has_its_versions_as_links_and_its_version_as_etag(api, make_user, make_asset, make_version):
    reader = api(make_user(Role.MEMBER))
    owner = make_user(Role.PROCESS_GROUP, name="Olga Owner")
    asset = make_asset("Peer review procedure", owner=owner)
    first = make_version(asset, "1.0", VersionStatus.RELEASED, release_date=date(2026, 1, 5))
    draft = make_version(asset, "1.1")
    response = reader.get(f"/api/v1/assets/{asset.id}")
    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    body = response.json
    assert (body["title"], body["kind"], body["owner"]["name"]) == ("Peer review procedure", "procedure", "Olga Owner")
    assert body["versions"] == [  # the newest first
        {"id": draft.id, "name": "1.1", "url": f"/api/v1/assets/versions/{draft.id}"},
        {"id": first.id, "name": "1.0", "url": f"/api/v1/assets/versions/{first.id}"}]
    assert body["current_version"] == {"id": first.id, "name": "1.0", "url": f"/api/v1/assets/versions/{first.id}"}
    assert body["html_url"] == f"/assets/{asset.id}" and body["url"] == f"/api/v1/assets/{asset.id}"
    missing = reader.get("/api/v1/assets/2147483647")
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/problem+json"


def test_a_version_says_what_it_waits_for_before_release(api, make_user, make_asset, make_version, signed_off):
    reader = api(make_user(Role.MEMBER))
    asset = make_asset("Peer review procedure")
    draft = make_version(asset, "1.0")
    response = reader.get(f"/api/v1/assets/versions/{draft.id}")
    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    assert response.json["asset"] == {"id": asset.id, "name": "Peer review procedure",
                                      "url": f"/api/v1/assets/{asset.id}"}
    assert (response.json["status"], response.json["signed_off"], response.json["approvals"]) == ("draft", False, [])
    assert response.json["release_refusal"] == (
        "Version 1.0 cannot be released yet: it needs its change notes, its content (a file or a link), the asset "
        "owner's sign-off and a process-group member's sign-off (not its author's).")
    signed_off(draft)
    ready = reader.get(f"/api/v1/assets/versions/{draft.id}").json
    assert ready["signed_off"] is True and ready["release_refusal"] is None
    assert sorted((a["capacity"], a["counts"]) for a in ready["approvals"]) == [("owner", True),
                                                                               ("process_group", True)]
    assert reader.get("/api/v1/assets/versions/2147483647").status_code == 404


def test_the_process_group_releases_a_signed_off_draft_and_its_history_says_who(api, db, make_user, make_asset,
                                                                               make_version, signed_off):
    sepg = make_user(Role.PROCESS_GROUP)
    draft = signed_off(make_version(make_asset("Peer review procedure"), "1.0"))
    etag = f'"{draft.version}"'
    moved = api(sepg).post(f"/api/v1/assets/versions/{draft.id}/moves", json={"to": "released"},
                           headers={"If-Match": etag})
    assert moved.status_code == 200
    assert (moved.json["status"], moved.json["release_date"]) == ("released", str(datetime.now(UTC).date()))  # dated today
    assert moved.headers["ETag"] == f'"{draft.version + 1}"'
    event = db.exec(select(AuditEvent).where(AuditEvent.entity == "asset_version", AuditEvent.entity_id == draft.id,
                                             AuditEvent.field == "status")).one()
    assert (event.user_id, event.old, event.new) == (sepg.id, "Draft", "Released")


def test_a_draft_without_its_sign_offs_is_not_released(api, db, make_user, make_asset, make_version):
    sepg = api(make_user(Role.PROCESS_GROUP))
    draft = make_version(make_asset("Peer review procedure"), "1.0")
    url = f"/api/v1/assets/versions/{draft.id}/moves"
    refused = sepg.post(url, json={"to": "released"}, headers={"If-Match": '"1"'})
    assert refused.status_code == 409 and refused.json["detail"].startswith("Version 1.0 cannot be released yet")
    wrong = sepg.post(url, json={"to": "published"}, headers={"If-Match": '"1"'})
    assert wrong.status_code == 422 and wrong.json["errors"] == {"to": "Choose one of the listed options."}
    assert sepg.post(url, json={"to": "released"}).status_code == 428  # no If-Match
    db.refresh(draft)
    assert (draft.status, draft.version) == (VersionStatus.DRAFT, 1)
    assert db.exec(select(AuditEvent).where(AuditEvent.entity == "asset_version")).all() == []


def test_only_the_process_group_moves_a_version_and_only_with_a_write_token(api, db, make_user, make_asset,
                                                                           make_version):
    owner = make_user(Role.MEMBER)
    released = make_version(make_asset("Peer review procedure", owner=owner), "1.0", VersionStatus.RELEASED,
                            release_date=date(2026, 1, 5))
    url = f"/api/v1/assets/versions/{released.id}/moves"
    assert api(owner).post(url, json={"to": "retired"}, headers={"If-Match": '"1"'}).status_code == 403
    read_only = api(make_user(Role.PROCESS_GROUP), scope=Scope.READ)
    assert read_only.post(url, json={"to": "retired"}, headers={"If-Match": '"1"'}).status_code == 403
    db.refresh(released)
    assert released.status == VersionStatus.RELEASED


def test_a_stale_move_is_412_with_the_version_as_it_is(api, db, make_user, make_asset, make_version):
    sepg = api(make_user(Role.PROCESS_GROUP))
    released = make_version(make_asset("Peer review procedure"), "1.0", VersionStatus.RELEASED,
                            release_date=date(2026, 1, 5))
    url = f"/api/v1/assets/versions/{released.id}/moves"
    assert sepg.post(url, json={"to": "retired"}, headers={"If-Match": '"1"'}).status_code == 200
    stale = sepg.post(url, json={"to": "retired"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.headers["ETag"] == '"2"'
    assert stale.json["current"]["status"] == "retired"
    assert len(db.exec(select(AuditEvent).where(AuditEvent.entity == "asset_version",
                                                AuditEvent.field == "status")).all()) == 1
    assert db.get(AssetVersion, released.id) is not None


def test_review_due_filters_as_the_page_names_it(api, db, make_user, make_asset):
    due = make_asset("Due for review")
    due.review_due_on = date(2020, 1, 1)
    later = make_asset("Reviewed lately")
    later.review_due_on = date(2199, 1, 1)
    db.add_all([due, later])
    db.commit()
    reader = api(make_user(Role.MEMBER))
    assert [item["title"] for item in reader.get("/api/v1/assets?review=due").json["items"]] == ["Due for review"]
    assert reader.get("/api/v1/assets?review_due=true").json["errors"] == {
        "review_due": "There is no such parameter."}
