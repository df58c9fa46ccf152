"""A person's API tokens (/account/tokens): made, shown once, revoked."""

from datetime import timedelta

from flask import Blueprint, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker.api import tokens
from tracker.api.forms import TokenInput
from tracker.api.models import Scope
from tracker.auth.policy import requires
from tracker.db import get_session, utcnow
from tracker.errors import ValidationError
from tracker.validation import parse
from tracker.web import page_or_fragment, says, write_in_place

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")

DEFAULT_DAYS = 90  # a new token's expiry, unless its maker chooses another day


@bp.get("/")
@requires("token.manage")
def index(made: tuple | None = None, refused: dict | None = None):
    defaults = MultiDict({"scope": Scope.READ.value,
                          "expires_on": (utcnow().date() + timedelta(days=DEFAULT_DAYS)).isoformat()})
    form = refused or {"values": defaults, "errors": {}}
    return page_or_fragment("api/tokens.html", "api/tokens.html", http_status=422 if refused else 200,
                            tokens=tokens.list_tokens(get_session(), user=current_user), made=made,
                            form=form, scopes=list(Scope))


@bp.post("/")
@requires("token.manage")
def create():
    """A new token: the page again with its secret, shown this once (never redirected: it would be lost)."""
    try:
        made = tokens.create_token(get_session(), data=parse(TokenInput, request.form), by=current_user)
    except ValidationError as error:
        return index(refused={"values": request.form, "errors": error.errors})
    return index(made=made)


@bp.post("/<int:token_id>/revoke")
@requires("token.manage")
@says("Token revoked: it no longer works.")
def revoke(token_id: int):
    return write_in_place(lambda: tokens.revoke_token(get_session(), token_id=token_id, by=current_user),
                          page=lambda refused: index(), url=url_for("tokens.index"))
