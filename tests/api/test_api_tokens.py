"""Personal access tokens: made on the person's tokens page, shown once, kept hashed; scoped; ending when they
expire, are revoked, or their person is deactivated; never a cookie on the API, and CSRF still on the pages."""

import hashlib
import re
from datetime import timedelta

from sqlmodel import select

from tracker.api.models import ApiToken, Scope
from tracker.auth.roles import Role
from tracker.db import utcnow
from tracker.history.models import AuditEvent


def _made_token(html: str) -> str:
    return re.search(r'id="made-token" class="wide" readonly value="(pit_[^"]+)"', html).group(1)


def test_a_token_made_on_the_page_is_shown_once_and_kept_only_as_its_hash(client, login, make_user, db):
    user = login(make_user(Role.MEMBER))
    in_a_month = (utcnow().date() + timedelta(days=30)).isoformat()
    response = client.post("/account/tokens/", data={"name": "Weekly report", "scope": "read", "expires_on": in_a_month})
    assert response.status_code == 200
    secret = _made_token(response.get_data(as_text=True))
    token = db.exec(select(ApiToken)).one()
    assert (token.user_id, token.name, token.scope, token.expires_on.isoformat()) == (
        user.id, "Weekly report", Scope.READ, in_a_month)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest() and secret not in token.token_hash
    assert db.exec(select(AuditEvent).where(AuditEvent.entity == "api_token", AuditEvent.field == "name")).one().new \
        == "Weekly report"
    again = client.get("/account/tokens/").get_data(as_text=True)
    assert secret not in again and secret[:12] in again  # listed by its first characters, never again in full


def test_a_token_form_refuses_a_missing_name_and_a_day_past_or_beyond_a_year(client, login, make_user, db):
    login(make_user(Role.MEMBER))
    today = utcnow().date()
    for fields, field, words in (
            ({"name": "", "expires_on": (today + timedelta(days=5)).isoformat()}, "name", "This field is required."),
            ({"name": "x", "expires_on": (today - timedelta(days=1)).isoformat()}, "expires_on",
             "Choose today or a later day."),
            ({"name": "x", "expires_on": (today + timedelta(days=367)).isoformat()}, "expires_on",
             "Choose a day within a year")):
        response = client.post("/account/tokens/", data=fields | {"scope": "write"})
        assert response.status_code == 422
        assert re.search(rf'id="{field}-error">{re.escape(words)}', response.get_data(as_text=True)), field
    assert db.exec(select(ApiToken)).all() == []


def test_the_token_form_keeps_csrf_protection(client, login, make_user, db):
    login(make_user(Role.MEMBER))
    response = client.post("/account/tokens/", csrf=False, data={
        "name": "x", "scope": "read", "expires_on": (utcnow().date() + timedelta(days=3)).isoformat()})
    assert response.status_code == 400
    assert db.exec(select(ApiToken)).all() == []


def test_a_request_without_a_working_token_is_401_as_a_problem(client, api, make_user):
    for response in (client.get("/api/v1/proposals"),
                     client.get("/api/v1/proposals", headers={"Authorization": "Bearer pit_not-a-token"}),
                     client.get("/api/v1/proposals", headers={"Authorization": "Basic dXNlcjpwYXNz"})):
        assert response.status_code == 401
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert '"status": 401' in response.get_data(as_text=True)


def test_a_signed_in_cookie_is_not_a_sign_in_on_the_api(client, login, make_user):
    login(make_user(Role.PROCESS_GROUP))
    assert client.get("/proposals/").status_code == 200  # the session works on the pages
    assert client.get("/api/v1/me").status_code == 401
    assert client.open("/api/v1/proposals", method="POST", json={"title": "x"}).status_code == 401


def test_the_api_says_who_the_token_acts_for(api, make_user):
    user = make_user(Role.PROJECT_LEAD, name="Lena Lead")
    response = api(user, scope=Scope.READ).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json | {"id": 0} == {"id": 0, "name": "Lena Lead", "email": user.email, "roles": ["project_lead"],
                                         "scope": "read"}


def test_a_read_token_may_not_write(api, make_user, db):
    user = make_user(Role.PROCESS_GROUP)
    response = api(user, scope=Scope.READ).post("/api/v1/proposals", json=_proposal())
    assert response.status_code == 403
    assert "may only read" in response.json["detail"]


def test_an_expired_token_stops_working(api, make_user):
    user = make_user(Role.MEMBER)
    assert api(user, expires_on=utcnow().date()).get("/api/v1/me").status_code == 200  # its last day
    assert api(user, expires_on=utcnow().date() - timedelta(days=1)).get("/api/v1/me").status_code == 401


def test_a_revoked_token_stops_working_at_once(client, login, api, make_user, db):
    user = make_user(Role.MEMBER)
    caller = api(user)
    assert caller.get("/api/v1/me").status_code == 200
    login(user)
    token = db.exec(select(ApiToken)).one()
    response = client.post(f"/account/tokens/{token.id}/revoke")
    assert response.status_code == 303
    assert caller.get("/api/v1/me").status_code == 401
    assert "Revoked" in client.get("/account/tokens/").get_data(as_text=True)


def test_nobody_revokes_another_persons_token(client, login, make_user, make_token, db):
    owner = make_user(Role.MEMBER)
    make_token(owner)
    login(make_user(Role.ADMIN))
    token = db.exec(select(ApiToken)).one()
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    db.refresh(token)
    assert token.revoked_at is None


def test_a_deactivated_persons_tokens_stop_working_at_once(api, make_user, db):
    user = make_user(Role.MEMBER)
    caller = api(user)
    assert caller.get("/api/v1/me").status_code == 200
    user.active = False
    db.add(user)
    db.commit()
    assert caller.get("/api/v1/me").status_code == 401


def test_a_token_records_when_it_was_last_used(api, make_user, db):
    user = make_user(Role.MEMBER)
    api(user).get("/api/v1/me")
    assert db.exec(select(ApiToken)).one().last_used_at is not None


def _proposal(**fields) -> dict:
    return {"title": "Peer reviews late", "problem": "Defects found late", "proposed_change": "Review checklists",
            "source": "lesson_learned", "expected_benefit": 4, "estimated_effort": 2} | fields


def test_a_token_may_work_until_the_end_of_today(client, login, make_user, db, api):
    login(make_user(Role.MEMBER))
    response = client.post("/account/tokens/", data={"name": "One day", "scope": "read",
                                                     "expires_on": utcnow().date().isoformat()})
    assert response.status_code == 200
    assert api(token=_made_token(response.get_data(as_text=True))).get("/api/v1/me").status_code == 200
