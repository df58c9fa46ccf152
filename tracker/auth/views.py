"""Signing in and out."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from tracker.auth import service
from tracker.auth.forms import LoginForm
from tracker.auth.policy import PUBLIC, requires
from tracker.db import get_session

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@requires(PUBLIC)
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("auth/login.html", form=form), status
    try:
        user = service.authenticate(
            get_session(), email=form.email.data, password=form.password.data,
            attempts=current_app.config["LOCKOUT_ATTEMPTS"], lock_minutes=current_app.config["LOCKOUT_MINUTES"])
    except service.LoginFailed as failure:
        form.password.errors = [str(failure)]
        return render_template("auth/login.html", form=form), 401
    session.clear()  # a fresh session on sign-in: no fixation
    login_user(user)
    return redirect(_safe_next(request.args.get("next")), code=303)


def _safe_next(target: str | None) -> str:
    # Only paths on this site: never an open redirect to another host.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("home.index")


@bp.post("/logout")
@requires("session.end")
def logout():
    service.end_sessions(get_session(), user=current_user)
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"), code=303)
