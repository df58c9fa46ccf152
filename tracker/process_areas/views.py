"""The process-area catalog."""

from flask import Blueprint, render_template

from tracker.appraisals.service import rating_history
from tracker.auth.policy import requires
from tracker.db import get_or_not_found, get_session
from tracker.process_areas.models import ProcessArea
from tracker.process_areas.service import list_areas

bp = Blueprint("areas", __name__, url_prefix="/process-areas")


@bp.get("/")
@requires("read")
def index():
    return render_template("areas/index.html", areas=list_areas(get_session()))


@bp.get("/<int:area_id>")
@requires("read")
def detail(area_id: int):
    """A process area and its rating history across appraisals."""
    session = get_session()
    area = get_or_not_found(session, ProcessArea, area_id, missing="No such process area.")
    return render_template("areas/detail.html", area=area, ratings=rating_history(session, area_id=area.id))
