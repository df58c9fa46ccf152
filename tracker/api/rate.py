"""Rate limits per token: each token may make API_RATE_LIMIT requests (such as "600/minute") a window; one more is
429 with Retry-After, and every answer says what is left (X-RateLimit-Limit, -Remaining, -Reset). The `limits`
library keeps the windows (its fixed-window strategy) in a table of the app's own database (`SqlStorage`), so
app servers sharing one database share each token's count. A request without a working token is answered 401
before it costs anything, so only tokens are counted."""

import math
import time
from functools import cache

import sqlalchemy as sa
from flask import current_app, g
from limits import RateLimitItem, parse
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter

from tracker.api.models import RateWindow
from tracker.db import engine
from tracker.errors import Refused

_COUNT = sa.text(
    "INSERT INTO api_rate_window (key, hits, ends_at) VALUES (:key, :amount, :ends_at) "
    "ON CONFLICT (key) DO UPDATE SET "
    "hits = CASE WHEN api_rate_window.ends_at <= :now THEN :amount ELSE api_rate_window.hits + :amount END, "
    "ends_at = CASE WHEN api_rate_window.ends_at <= :now THEN :ends_at ELSE api_rate_window.ends_at END "
    "RETURNING hits")  # one statement, so two servers counting at once cannot lose a request


class SqlStorage(Storage):
    """`limits`' storage for fixed windows, in the app's database (SQLite or PostgreSQL), each change committed at
    once, apart from the request's own transaction."""

    STORAGE_SCHEME = ["tracker-sql"]

    @property
    def base_exceptions(self):
        return sa.exc.SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with engine().begin() as connection:
            return connection.execute(_COUNT, {"key": key, "amount": amount, "now": now,
                                               "ends_at": now + expiry}).scalar_one()

    def _window(self, key: str) -> tuple[int, float] | None:
        with engine().connect() as connection:
            row = connection.execute(sa.select(RateWindow.hits, RateWindow.ends_at).where(RateWindow.key == key)).first()
        return (row.hits, row.ends_at) if row is not None and row.ends_at > time.time() else None

    def get(self, key: str) -> int:
        window = self._window(key)
        return window[0] if window else 0

    def get_expiry(self, key: str) -> float:
        window = self._window(key)
        return window[1] if window else time.time()

    def check(self) -> bool:
        with engine().connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return True

    def reset(self) -> int | None:
        with engine().begin() as connection:
            return connection.execute(sa.delete(RateWindow)).rowcount

    def clear(self, key: str) -> None:
        with engine().begin() as connection:
            connection.execute(sa.delete(RateWindow).where(RateWindow.key == key))


LIMITER = FixedWindowRateLimiter(SqlStorage())


@cache
def rate(text: str) -> RateLimitItem:
    """The configured limit ("600/minute", "10000 per hour"), read once."""
    return parse(text)


def count_request(token_id: int) -> None:
    """Count a request of this token; past its limit, refuse it (429). What is left goes on the answer."""
    limit = rate(current_app.config["API_RATE_LIMIT"])
    allowed = LIMITER.hit(limit, f"token:{token_id}")
    ends_at, remaining = LIMITER.get_window_stats(limit, f"token:{token_id}")
    g.rate_headers = {"X-RateLimit-Limit": str(limit.amount), "X-RateLimit-Remaining": str(remaining),
                      "X-RateLimit-Reset": str(math.ceil(ends_at))}
    if not allowed:
        wait = max(1, math.ceil(ends_at - time.time()))
        g.rate_headers["Retry-After"] = str(wait)
        raise Refused(429, f"This token has made {limit.amount} requests in this {limit.GRANULARITY.name}, "
                           f"its limit: try again in {wait} s.")


def add_headers(response):
    for name, value in g.get("rate_headers", {}).items():
        response.headers[name] = value
    return response
