"""Process assets: create, edit, versions released explicitly, the current released version."""

import re
from datetime import date

import pytest
from sqlmodel import select

from tests.conftest import count_rows
from tracker.assets.models import AssetKind, AssetVersion, ProcessAsset, VersionStatus
from tracker.auth.roles import Role
from tracker.history.models import AuditEvent
from tracker.process_areas.models import ProcessArea


@pytest.fixture
def sepg(login_as):
    return login_as(Role.PROCESS_GROUP, name="Sam Process")


@pytest.fixture
def asset(db, sepg):
    asset = ProcessAsset(title="Peer review procedure", kind=AssetKind.PROCEDURE, owner_id=sepg.id)
    db.add(asset)
    db.commit()
    return asset


def area_id(db, code: str) -> int:
    return db.exec(select(ProcessArea.id).where(ProcessArea.code == code)).one()


def test_process_group_creates_an_asset_with_areas(client, sepg, db):
    form = {"title": "Estimation guideline", "kind": "guideline", "owner_id": str(sepg.id),
            "area_ids": [str(area_id(db, "PP")), str(area_id(db, "MA"))], "description": "How we estimate"}
    page = client.post("/assets/", data=form, follow_redirects=True).get_data(as_text=True)
    assert "<h1>Estimation guideline</h1>" in page
    assert ">MA</abbr>" in page and ">PP</abbr>" in page
    assert "none released yet" in page


@pytest.mark.parametrize("field, value, message", [
    ("title", "", "This field is required."),
    ("kind", "poem", "Choose one of the listed options."),
    ("owner_id", "424242", "Choose an owner from the list."),
    ("owner_id", "", "This field is required."),
    ("area_ids", "424242", "Choose process areas from the list."),
    ("description", "x" * 4001, "Use at most 4000 characters."),
])
def test_bad_asset_input_is_422_and_writes_nothing(client, sepg, db, field, value, message):
    form = {"title": "Estimation guideline", "kind": "guideline", "owner_id": str(sepg.id)} | {field: value}
    response = client.post("/assets/", data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count_rows(db, ProcessAsset) == 0


def test_release_is_an_explicit_action_and_sets_the_current_version(client, sepg, asset, db, signed_off):
    client.post(f"/assets/{asset.id}/versions", data={"label": "1.0", "change_notes": "First"})
    client.post(f"/assets/{asset.id}/versions", data={"label": "1.1", "change_notes": "Second"})
    page = client.get(f"/assets/{asset.id}").get_data(as_text=True)
    assert "none released yet" in page
    assert "Release 1.0" not in page  # not offered before its sign-off
    v10 = signed_off(db.exec(select(AssetVersion).where(AssetVersion.label == "1.0")).one())
    assert "Release 1.0" in client.get(f"/assets/{asset.id}").get_data(as_text=True)
    response = client.post(f"/assets/versions/{v10.id}/move", data={"to": "released", "version": str(v10.version)},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Retire 1.0" in response.get_data(as_text=True)
    page = client.get(f"/assets/{asset.id}").get_data(as_text=True)
    assert re.search(r'id="current-version">1.0 \(released ' + date.today().isoformat(), page)
    db.expire_all()
    assert db.get(AssetVersion, v10.id).release_date is not None


def test_newer_release_becomes_current_and_older_stays_released(client, sepg, asset, db, make_version, signed_off):
    make_version(asset, "1.0", VersionStatus.RELEASED, date(2025, 1, 1))
    v11 = signed_off(make_version(asset, "1.1"))
    client.post(f"/assets/versions/{v11.id}/move", data={"to": "released", "version": str(v11.version)})
    page = client.get("/assets/").get_data(as_text=True)
    assert re.search(r"<td>1.1 <small>", page)
    db.expire_all()
    assert [v.status for v in db.exec(select(AssetVersion).order_by(AssetVersion.label))] == [
        VersionStatus.RELEASED, VersionStatus.RELEASED]


def test_invalid_move_is_refused_with_a_message(client, sepg, asset, make_version):
    draft = make_version(asset, "1.0")
    response = client.post(f"/assets/versions/{draft.id}/move", data={"to": "retired", "version": "1"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#messages"
    assert "Cannot go from draft to retired" in response.get_data(as_text=True)


def test_stale_release_button_is_a_conflict(client, sepg, asset, make_version, signed_off):
    draft = signed_off(make_version(asset, "1.0"))
    seen = str(draft.version)
    assert client.post(f"/assets/versions/{draft.id}/move", data={"to": "released", "version": seen}).status_code == 200
    again = client.post(f"/assets/versions/{draft.id}/move", data={"to": "retired", "version": seen})
    assert again.status_code == 409


def test_duplicate_version_label_is_a_field_error(client, sepg, asset, make_version, db):
    make_version(asset, "1.0")
    response = client.post(f"/assets/{asset.id}/versions", data={"label": "1.0", "change_notes": "Again"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "This asset already has a version with this label." in response.get_data(as_text=True)
    assert count_rows(db, AssetVersion) == 1


def test_only_drafts_can_be_deleted_and_the_deletion_is_recorded(client, sepg, asset, make_version, db):
    draft = make_version(asset, "1.1")
    released = make_version(asset, "1.0", VersionStatus.RELEASED, date(2025, 1, 1))
    assert client.post(f"/assets/versions/{released.id}/delete").status_code == 409
    assert client.post(f"/assets/versions/{draft.id}/delete").status_code == 200
    assert [v.label for v in db.exec(select(AssetVersion))] == ["1.0"]
    deleted = db.exec(select(AuditEvent).where(AuditEvent.action == "delete")).all()
    assert {(e.field, e.old) for e in deleted} == {("label", "1.1"), ("status", "Draft")}


def test_asset_edit_is_versioned_and_shows_owner_names_in_history(client, sepg, asset, make_user):
    other = make_user(Role.PROCESS_GROUP, name="Quinn Quality")
    form = {"title": asset.title, "kind": "procedure", "owner_id": str(other.id), "version": "1"}
    assert client.post(f"/assets/{asset.id}", data=form).status_code == 303
    page = client.get(f"/assets/{asset.id}").get_data(as_text=True)
    assert "<td>Owner</td><td>Sam Process</td><td>Quinn Quality</td>" in page
    stale = client.post(f"/assets/{asset.id}", data=form | {"title": "Renamed"})
    assert stale.status_code == 409


def test_members_read_assets_but_cannot_change_them(client, login_as, db, make_user):
    owner = make_user(Role.PROCESS_GROUP)
    asset = ProcessAsset(title="Checklist", kind=AssetKind.CHECKLIST, owner_id=owner.id)
    db.add(asset)
    db.commit()
    login_as(Role.MEMBER)
    page = client.get(f"/assets/{asset.id}").get_data(as_text=True)
    assert "Checklist" in page and "Add draft" not in page and ">Edit<" not in page
    assert client.post(f"/assets/{asset.id}/versions", data={"label": "1.0"}).status_code == 403
    assert count_rows(db, AssetVersion) == 0


def test_asset_list_filters_by_area_and_kind(client, sepg, db):
    pp, cm = area_id(db, "PP"), area_id(db, "CM")
    for title, kind, area in [("Plan template", AssetKind.TEMPLATE, pp), ("CM checklist", AssetKind.CHECKLIST, cm)]:
        asset = ProcessAsset(title=title, kind=kind, owner_id=sepg.id, areas=[db.get(ProcessArea, area)])
        db.add(asset)
    db.commit()
    page = client.get(f"/assets/?area={pp}").get_data(as_text=True)
    assert "Plan template" in page and "CM checklist" not in page
    page = client.get("/assets/?kind=checklist").get_data(as_text=True)
    assert "CM checklist" in page and "Plan template" not in page


def test_asset_list_query_count_does_not_grow(client, sepg, db, make_version, query_counter):
    def add_assets(n):
        for i in range(n):
            asset = ProcessAsset(title=f"Asset {count_rows(db, ProcessAsset)}-{i}", kind=AssetKind.TOOL,
                                 owner_id=sepg.id, areas=[db.get(ProcessArea, 1)])
            db.add(asset)
            db.commit()
            make_version(asset, "1.0", VersionStatus.RELEASED, date(2025, 1, 1))

    def queries() -> int:
        query_counter.clear()
        assert client.get("/assets/").status_code == 200
        return len(query_counter)

    add_assets(2)
    small = queries()
    add_assets(7)
    assert queries() == small


def test_a_draft_that_something_refers_to_stays_and_says_why(client, sepg, asset, make_version, make_plan,
                                                            make_pilot, make_user, db):
    """Found by a walk-through: deleting a draft with feedback answered 500, and one on trial in a pilot left the
    pilot with no version. A draft something refers to is kept, and the refusal names what refers to it."""
    from tracker.action_plans.models import PlanStatus
    from tracker.lessons.models import AssetFeedback
    from tracker.pilots.models import Pilot

    on_trial, rated = make_version(asset, "1.5"), make_version(asset, "1.6")
    pilot = make_pilot(make_plan(PlanStatus.IN_PROGRESS), versions=[on_trial])
    db.add(AssetFeedback(asset_id=asset.id, asset_version_id=rated.id, author_id=make_user(Role.MEMBER).id,
                         rating=4))
    db.commit()
    kept = client.post(f"/assets/versions/{on_trial.id}/delete", headers={"HX-Request": "true"})
    assert kept.status_code == 409 and "Draft 1.5 stays: a pilot refers to it." in kept.get_data(as_text=True)
    kept = client.post(f"/assets/versions/{rated.id}/delete", headers={"HX-Request": "true"})
    assert kept.status_code == 409 and "Draft 1.6 stays: feedback refers to it." in kept.get_data(as_text=True)
    db.expire_all()
    assert count_rows(db, AssetVersion) == 2 and [v.id for v in db.get(Pilot, pilot.id).asset_versions] == [on_trial.id]


def test_what_touched_an_asset_shows_the_newest_and_links_to_the_whole_list(client, sepg, db, make_project,
                                                                              make_released, make_tailoring):
    """Issue 14: an asset's trace listed every record that touched it (hundreds at scale). It shows the newest 20,
    then links to the tailoring list filtered to the asset, where all 22 are."""
    version = make_released("1.0", title="Review checklist")
    project = make_project(code="CRM")
    for n in range(22):
        make_tailoring(project, version, element=f"Element {n:02}")
    page = client.get(f"/assets/{version.asset_id}").get_data(as_text=True)
    shown = re.findall(r'Element (\d\d)"</a>', page)
    assert shown == [f"{n:02}" for n in range(21, 1, -1)]  # 21 down to 02: the newest twenty
    assert f'<a href="/tailoring/?asset={version.asset_id}">all of them</a>' in page
    whole = client.get(f"/tailoring/?asset={version.asset_id}").get_data(as_text=True)
    assert "22 records" in whole


def test_an_objective_served_by_many_plans_shows_the_newest(client, sepg, make_objective, make_plan):
    """With no list of plans by objective to link to, the cut list says only the newest 20 are shown."""
    objective = make_objective(name="Fewer escaped defects")
    for n in range(21):
        make_plan(title=f"Plan {n:02}", objectives=[objective])
    page = client.get(f"/objectives/{objective.id}").get_data(as_text=True)
    assert re.findall(r">Plan (\d\d)</a>", page) == [f"{n:02}" for n in range(20, 0, -1)]
    assert "the newest 20 shown" in page
