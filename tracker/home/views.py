"""The landing page, the health check, and plotly.js served from the installed plotly package."""

from pathlib import Path

import plotly
from flask import Blueprint, abort, render_template, send_file
from flask_login import current_user

from tracker.auth.policy import PUBLIC, requires
from tracker.db import database_health, get_session, utcnow
from tracker.home import my_work as work
from tracker.home import service

bp = Blueprint("home", __name__)

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@bp.get("/")
@requires("read")
def index():
    summary = service.summary(get_session(), user=current_user)
    return render_template("home/index.html", summary=summary)


@bp.get("/my-work")
@requires("read")
def my_work():
    """Everything the signed-in person owns or must answer, in one place."""
    return render_template("home/my_work.html", kinds=work.my_work(get_session(), user=current_user,
                                                                   today=utcnow().date()))


@bp.get("/healthz")
@requires(PUBLIC)
def healthz():
    state = database_health(get_session())
    if state != "ok":  # what is wrong, not the driver's words (hosts, ports, paths): those are in the log
        return {"status": "error", "database": state}, 503
    return {"status": "ok", "database": "ok"}


@bp.get("/vendor/plotly-<version>.min.js")
@requires(PUBLIC)
def plotly_js(version: str):
    if version != plotly_version():
        abort(404)
    # The version is in the URL, so the file can be cached for a year.
    return send_file(PLOTLY_JS, mimetype="text/javascript", max_age=365 * 24 * 3600)


def plotly_version() -> str:
    return plotly.__version__
