"""Hypothesis over every form: whatever is typed, the answer is a success or a 4xx, never a 500,
and a refused submission writes nothing (not even an audit event)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import count_rows
from tracker.assets.models import AssetKind, ProcessAsset
from tracker.audit.models import AuditEvent
from tracker.auth.roles import Role

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])

junk = st.one_of(
    st.text(max_size=60), st.text(min_size=190, max_size=4100), st.just(""), st.just("   "),
    st.integers(min_value=-(2**70), max_value=2**70).map(str), st.dates().map(str),
    st.from_regex(r"\A\d{4}-\d{2}-\d{2}\Z"), st.just("\x00"),
)


def values(*choices: str):
    return st.one_of(st.sampled_from(choices), junk)


def form_of(**fields) -> st.SearchStrategy[dict]:
    """Each field absent, valid-looking, or junk."""
    return st.fixed_dictionaries({}, optional=fields)


PROJECT = form_of(code=values("PAY", "crm-2", "X"), name=values("Payments"), phase=values("planning", "execution"),
                  status=values("active", "closed"), start_date=values("2026-01-01"),
                  end_date=values("2027-01-01", "2025-01-01"), description=junk,
                  lead_ids=st.lists(values("1", "2", "3"), max_size=3), version=values("1", "2"))
ASSET = form_of(title=values("Checklist"), kind=values(*[k.value for k in AssetKind]), owner_id=values("1", "2"),
                description=junk, area_ids=st.lists(values("1", "5", "44"), max_size=3), version=values("1"))
VERSION = form_of(label=values("1.0", "2"), change_notes=junk)
MOVE = form_of(to=values("released", "retired", "draft"), version=values("1", "2"))
USER = form_of(email=values("a@example.org", "b@example.org"), name=values("Ann"), role=values(*list(Role)),
               password=values("long enough password", "short"), active=values("y", ""),
               project_ids=st.lists(values("1", "2"), max_size=2), version=values("1"))


def check(client, db, url: str, form: dict) -> None:
    before = count_rows(db, AuditEvent)
    response = client.post(url, data=form)
    assert response.status_code < 500, (url, form)
    if response.status_code >= 400:
        assert count_rows(db, AuditEvent) == before, (url, form)


@pytest.fixture
def world(db, login_as, make_project, make_user):
    sepg = login_as(Role.PROCESS_GROUP)
    make_user(Role.PROJECT_LEAD)
    project = make_project(code="P0")
    asset = ProcessAsset(title="Seed asset", kind=AssetKind.TOOL, owner_id=sepg.id)
    db.add(asset)
    db.commit()
    return {"project": project.id, "asset": asset.id}


@FUZZ
@given(form=PROJECT)
def test_project_forms_never_fail(client, db, world, form):
    check(client, db, "/projects/", form)
    check(client, db, f"/projects/{world['project']}", form)


@FUZZ
@given(form=ASSET)
def test_asset_forms_never_fail(client, db, world, form):
    check(client, db, "/assets/", form)
    check(client, db, f"/assets/{world['asset']}", form)


@FUZZ
@given(version=VERSION, move=MOVE)
def test_version_forms_never_fail(client, db, world, version, move):
    check(client, db, f"/assets/{world['asset']}/versions", version)
    check(client, db, "/assets/versions/1/move", move)


@FUZZ
@given(form=USER)
def test_user_forms_never_fail(client, db, login_as, make_user, form):
    login_as(Role.ADMIN)
    target = make_user(Role.MEMBER)
    check(client, db, "/admin/users", form)
    check(client, db, f"/admin/users/{target.id}", form)


@FUZZ
@given(form=form_of(email=junk, password=junk))
def test_login_form_never_fails(client, form):
    assert client.post("/login", data=form).status_code in (401, 422)
