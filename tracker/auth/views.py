"""Signing in and out, and changing one's own password."""

from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.datastructures import MultiDict

from tracker.auth import security_log, service
from tracker.auth.forms import LoginInput, PasswordChangeInput
from tracker.auth.policy import PUBLIC, requires
from tracker.db import get_session
from tracker.errors import ValidationError
from tracker.validation import parse

bp = Blueprint("auth", __name__)

SIGNED_IN_AT = "signed_in"  # the session's sign-in time (a POSIX timestamp), for its absolute lifetime


@bp.route("/login", methods=["GET", "POST"])
@requires(PUBLIC)
def login():
    if request.method == "GET":
        return _login_page({})
    try:
        data = parse(LoginInput, request.form)
        user = service.authenticate(get_session(), email=data.email, password=data.password,
                                    address=request.remote_addr or "", address_limit=_address_limit())
    except ValidationError as error:
        return _login_page(error.errors, 422)
    except service.Throttled as failure:
        return _login_page({"password": str(failure)}, 429, {"Retry-After": str(failure.seconds)})
    except service.LoginFailed as failure:
        return _login_page({"password": str(failure)}, 401)
    session.clear()  # a fresh session on sign-in: no fixation
    login_user(user)
    session[SIGNED_IN_AT] = datetime.now(UTC).timestamp()  # the absolute lifetime counts from here
    return redirect(safe_next(request.args.get("next")), code=303)


def _login_page(errors: dict[str, str], status: int = 200, headers: dict | None = None):
    """The sign-in form, with the email as typed (never the password) and the errors beside the fields."""
    values = MultiDict({"email": request.form.get("email", "")})
    return render_template("auth/login.html", values=values, errors=errors), status, headers or {}


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site, or home; never another host, whatever the encoding.

    Browsers drop tabs and line breaks from URLs and read a backslash as a slash, so `/<tab>/evil.example`
    would become `//evil.example`: any control character, space or backslash makes the target unusable.
    """
    home = url_for("home.index")
    if not target:
        return home
    for form in (target, unquote(target)):  # as given, and as a second decoding would read it
        if any(c.isspace() or c == "\\" or ord(c) < 32 or ord(c) == 127 for c in form):
            return home
        parts = urlsplit(form)
        if parts.scheme or parts.netloc or not form.startswith("/") or form.startswith("//"):
            return home
    return target


def _address_limit() -> int:
    return int(current_app.config["SIGNIN_ADDRESS_LIMIT"])


@bp.route("/account/password", methods=["GET", "POST"])
@requires("account.password")
def change_password():
    if request.method == "GET":
        return render_template("auth/password.html", values=MultiDict(), errors={})
    session = get_session()
    try:
        form = request.form.copy()
        form["email"] = current_user.email  # the password rules compare the new password with it
        data = parse(PasswordChangeInput, form)
        user = service.change_own_password(session, user=current_user._get_current_object(), data=data,
                                           address=request.remote_addr or "", address_limit=_address_limit())
    except ValidationError as error:
        # Passwords are never sent back into the page: the user types them again.
        return render_template("auth/password.html", values=MultiDict(), errors=error.errors), 422
    login_user(user)  # this session carries the new generation; the others have ended
    flash("Your password is changed. Any other sessions you had are signed out.", "info")
    return redirect(url_for("home.index"), code=303)


@bp.post("/logout")
@requires("session.end")
def logout():
    security_log.event("sign_out", **security_log.who(current_user))
    service.end_sessions(get_session(), user=current_user)
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"), code=303)
