"""Personal access tokens: made, listed and revoked by their owner; a request's bearer token read back to its
person. A token is `pit_` and 43 random characters; only its SHA-256 is kept (shown once, when made), with its
first characters, so that its owner can tell one from another. It stops working when it expires, is revoked, or its
person is deactivated: every request looks it up again."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from tracker.api.forms import TokenInput
from tracker.api.models import ApiToken, Scope
from tracker.auth import security_log
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import commit, flush, utcnow
from tracker.errors import NotFound, ValidationError
from tracker.history.service import record_create, record_values

PREFIX = "pit_"  # personal improvement-tracker token: secret scanners and people can tell what it is
SHOWN = 12  # the characters kept in the clear: the prefix and eight of the secret
TOUCH_EVERY = timedelta(minutes=1)  # when it was last used, to the minute: not a write per request


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def working(today) -> sa.ColumnElement:
    """SQL: the token works today (neither revoked nor expired)."""
    return sa.and_(ApiToken.revoked_at.is_(None), ApiToken.expires_on >= today)


def list_tokens(session: Session, *, user: User) -> list[ApiToken]:
    """The person's tokens, newest first, those that no longer work included (they say why)."""
    return list(session.exec(select(ApiToken).where(ApiToken.user_id == user.id)
                             .order_by(ApiToken.id.desc())).all())


def create_token(session: Session, *, data: TokenInput, by: User) -> tuple[ApiToken, str]:
    """A new token for the signed-in person, and its secret, to be shown this once."""
    authorize(by, "token.manage")
    taken = session.exec(select(ApiToken.id).where(ApiToken.user_id == by.id, ApiToken.name == data.name,
                                                   working(utcnow().date()))).first()
    if taken is not None:
        raise ValidationError({"name": "You have a working token of that name: choose another."})
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=by.id, name=data.name, scope=data.scope, token_hash=_digest(secret),
                     shown=secret[:SHOWN], expires_on=data.expires_on)
    session.add(token)
    flush(session)
    record_create(session, token, by=by, fields={"name": data.name, "scope": data.scope,
                                                 "expires_on": data.expires_on})
    commit(session)
    security_log.event("token.created", **security_log.who(by), token=token.id, scope=token.scope.value)
    return token, secret


def revoke_token(session: Session, *, token_id: int, by: User) -> ApiToken:
    """The person's own token stops working at once (someone else's is not found)."""
    authorize(by, "token.manage")
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != by.id:
        raise NotFound("You have no such token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record_values(session, token, by=by, changed={"revoked_at": (None, token.revoked_at)})
        commit(session)
        security_log.event("token.revoked", **security_log.who(by), token=token.id)
    return token


@dataclass(frozen=True)
class Bearer:
    """Who a request's token acts for, and what it may do."""
    user: User
    token_id: int
    scope: Scope


def bearer(session: Session, authorization: str) -> Bearer | None:
    """The working token an `Authorization: Bearer ...` header carries, with its active person; None otherwise."""
    kind, _, secret = authorization.partition(" ")
    secret = secret.strip()
    if kind.lower() != "bearer" or not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    now = utcnow()
    found = session.exec(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                         .where(ApiToken.token_hash == _digest(secret), working(now.date()), User.active)).first()
    if found is None:
        return None
    token, user = found
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        session.execute(sa.update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
        session.commit()
    return Bearer(user, token.id, token.scope)
