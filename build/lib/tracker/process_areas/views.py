"""The process-area catalog."""

from flask import Blueprint, render_template

from tracker.auth.policy import requires
from tracker.db import get_session
from tracker.process_areas.service import list_areas

bp = Blueprint("areas", __name__, url_prefix="/process-areas")


@bp.get("/")
@requires("read")
def index():
    return render_template("areas/index.html", areas=list_areas(get_session()))
