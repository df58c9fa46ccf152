"""The process-area catalog."""

from flask import Blueprint, render_template, request

from tracker.appraisals.service import RATINGS_SHOWN, rating_history
from tracker.auth.policy import requires
from tracker.db import get_or_not_found, get_session
from tracker.process_areas import service
from tracker.process_areas.models import Model, ProcessArea
from tracker.web import list_page, query_enum, query_text

bp = Blueprint("areas", __name__, url_prefix="/process-areas")


@bp.get("/")
@requires("read")
def index():
    level = request.args.get("level", "")
    where = service.AreaFilter(q=query_text("q"), model=query_enum(Model, "model"),
                               level=int(level) if level in LEVELS else None)
    return list_page(service.LISTING, service.areas_matching(where), "areas/index.html", "areas/_table.html",
                     where=where, models=list(Model), levels=LEVELS)


LEVELS = ("2", "3", "4", "5")  # the maturity levels a process area belongs to


@bp.get("/<int:area_id>")
@requires("read")
def detail(area_id: int):
    """A process area and its rating history across appraisals."""
    session = get_session()
    area = get_or_not_found(session, ProcessArea, area_id, missing="No such process area.")
    ratings, more = rating_history(session, area_id=area.id)
    return render_template("areas/detail.html", area=area, ratings=ratings, more=more, shown=RATINGS_SHOWN)
