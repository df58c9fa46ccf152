"""Rate limits per token: API_RATE_LIMIT requests a window, then 429 with Retry-After; counted in the database, so
two app servers on one database share each token's count; a new window starts afresh."""

import time

import pytest
import sqlalchemy as sa

from tracker import create_app
from tracker.api.models import RateWindow
from tracker.auth.roles import Role


@pytest.fixture
def three_a_minute(app):
    app.config["API_RATE_LIMIT"] = "3/minute"


def test_a_token_past_its_limit_is_told_when_to_come_back(three_a_minute, api, make_user):
    caller = api(make_user(Role.MEMBER))
    answers = [caller.get("/api/v1/me") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    assert {a.headers["X-RateLimit-Limit"] for a in answers} == {"3"}
    refused = caller.get("/api/v1/me")
    assert refused.status_code == 429 and refused.headers["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "3 requests in this minute" in refused.json["detail"]
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert abs(int(refused.headers["X-RateLimit-Reset"]) - (time.time() + int(refused.headers["Retry-After"]))) <= 2


def test_each_token_has_its_own_count(three_a_minute, api, make_user):
    busy, other = api(make_user(Role.MEMBER)), api(make_user(Role.MEMBER))
    for _ in range(4):
        busy.get("/api/v1/me")
    assert busy.get("/api/v1/me").status_code == 429
    assert other.get("/api/v1/me").status_code == 200


def test_writes_and_refusals_count_too_and_a_new_window_starts_afresh(three_a_minute, api, make_user, db):
    caller = api(make_user(Role.MEMBER))
    assert caller.post("/api/v1/proposals", json={}).status_code == 422
    assert caller.get("/api/v1/proposals/2147483647").status_code == 404
    assert caller.get("/api/v1/me").status_code == 200
    assert caller.get("/api/v1/me").status_code == 429
    db.exec(sa.update(RateWindow).values(ends_at=time.time() - 1))  # the minute has passed
    db.commit()
    again = caller.get("/api/v1/me")
    assert again.status_code == 200 and again.headers["X-RateLimit-Remaining"] == "2"


def test_app_servers_sharing_a_database_share_the_count(three_a_minute, app, api, make_user, database_url, tmp_path):
    token = api(make_user(Role.MEMBER)).token
    second = create_app({"DATABASE_URL": database_url, "DATA_DIR": str(tmp_path), "SECRET_KEY": "test-secret",
                         "API_RATE_LIMIT": "3/minute"})
    headers = {"Authorization": f"Bearer {token}"}
    try:
        servers = [app.test_client(), second.test_client()]
        codes = [servers[n % 2].get("/api/v1/me", headers=headers).status_code for n in range(4)]
    finally:
        second.extensions["tracker.engine"].dispose()
    assert codes == [200, 200, 200, 429]


def test_an_unreadable_limit_stops_the_app_from_starting(database_url, tmp_path):
    with pytest.raises(ValueError):
        create_app({"DATABASE_URL": database_url, "DATA_DIR": str(tmp_path), "API_RATE_LIMIT": "lots"})
