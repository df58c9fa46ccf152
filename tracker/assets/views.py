"""Process asset pages: library, detail with versions and history, create, edit, release."""

from flask import Blueprint, current_app, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker import trace
from tracker.assets import reviews, service
from tracker.assets.forms import AssetInput, AssetReviewInput, MoveInput, VersionInput
from tracker.assets.models import AssetKind, ProcessAsset, ReviewOutcome, VersionStatus
from tracker.assets.workflow import VERSION_TRANSITIONS
from tracker.auth.policy import requires
from tracker.auth.service import people_choices
from tracker.db import get_session, utcnow
from tracker.deployments.status import drift
from tracker.history.service import history
from tracker.lessons.service import feedback_on
from tracker.process_areas.service import list_areas
from tracker.projects.service import project_choices
from tracker.validation import parse
from tracker.web import (
    RecordForm,
    form_values,
    page_or_fragment,
    query_enum,
    query_id,
    query_page,
    query_text,
    section_forms,
    write_in_place,
)
from tracker.workflow import allowed_moves

bp = Blueprint("assets", __name__, url_prefix="/assets")


@bp.get("/")
@requires("read")
def index():
    session = get_session()
    where = service.AssetFilter(q=query_text("q"), kind=query_enum(AssetKind, "kind"),
                                area_id=query_id("area"), has=query_enum(VersionStatus, "has"),
                                review_due=query_text("review") == "due")
    page = service.list_assets(session, where=where, page=query_page(), size=int(current_app.config["PAGE_SIZE"]))
    return page_or_fragment("assets/index.html", "assets/_table.html", page=page, where=where,
                            kinds=list(AssetKind), areas=list_areas(session))


@bp.get("/<int:asset_id>")
@requires("read")
def detail(asset_id: int):
    return asset_page(service.get_asset(get_session(), asset_id=asset_id))


def asset_page(asset: ProcessAsset, *, fragment: str = "assets/detail.html", **forms: dict | None):
    """The asset's page (or a section); a refused form's values and errors in `forms` (version, drift, review) make
    it a 422."""
    http_status, sections = section_forms(forms, "version", "drift", "review",
                                          defaults={"review": {"reviewed_on": str(utcnow().date())}})
    session = get_session()
    entries = history(session, entity="process_asset", entity_ids=[asset.id])
    version_history = history(session, entity="asset_version", entity_ids=[v.id for v in asset.versions])
    return page_or_fragment(
        "assets/detail.html", fragment, http_status=http_status, asset=asset, history=entries,
        version_history=version_history, moves=lambda v: allowed_moves(VERSION_TRANSITIONS, v.status, current_user.role),
        outcomes=list(ReviewOutcome), **sections, statuses=VersionStatus, trace=trace.of_asset(session, asset), drift=drift(session, asset=asset),
        feedback=feedback_on(session, asset_id=asset.id), projects=project_choices(session),
        feedback_values=MultiDict(), feedback_errors={},
    )


@bp.get("/new")
@requires("asset.edit")
def new():
    return FORM.show(values=MultiDict({"owner_id": str(current_user.id)}))


@bp.post("/")
@requires("asset.edit")
def create():
    return FORM.post(lambda data: service.create_asset(get_session(), data=data, by=current_user), done=_url_of)


@bp.get("/<int:asset_id>/edit")
@requires("asset.edit")
def edit(asset_id: int):
    return FORM.edit(service.get_asset(get_session(), asset_id=asset_id))


@bp.post("/<int:asset_id>")
@requires("asset.edit")
def update(asset_id: int):
    session = get_session()
    asset = service.get_asset(session, asset_id=asset_id)
    return FORM.post(lambda data: service.update_asset(session, asset=asset, data=data, by=current_user),
                     done=_url_of, record=asset, reload=lambda: service.get_asset(session, asset_id=asset_id))


@bp.post("/<int:asset_id>/versions")
@requires("asset.edit")
def add_version(asset_id: int):
    session = get_session()
    asset = service.get_asset(session, asset_id=asset_id)
    # The whole page, swapped in place: the feedback form's versions and the version history list it too.
    return write_in_place(
        lambda: service.add_version(session, asset=asset, data=parse(VersionInput, request.form), by=current_user),
        page=lambda refused: asset_page(service.get_asset(session, asset_id=asset_id), version=refused))


@bp.post("/<int:asset_id>/reviews")
@requires("asset.review")
def review(asset_id: int):
    session = get_session()
    asset = reviews.reviewable_asset(session, asset_id=asset_id, by=current_user)
    # The whole page: the review date shows in the section and the review history.
    return write_in_place(
        lambda: reviews.record_review(session, asset=asset, data=parse(AssetReviewInput, request.form),
                                      by=current_user),
        page=lambda refused: asset_page(service.get_asset(session, asset_id=asset_id), review=refused),
        url=_url_of(asset))


@bp.post("/versions/<int:version_id>/move")
@requires("asset.edit")
def move_version(version_id: int):
    session = get_session()
    version = service.get_version(session, version_id=version_id)
    data = parse(MoveInput, request.form)
    service.move_version(session, version=version, to=data.to, seen=data.version, by=current_user)
    # The whole page: a release changes the current version and which projects drift.
    return asset_page(service.get_asset(session, asset_id=version.asset_id))


@bp.post("/versions/<int:version_id>/delete")
@requires("asset.edit")
def delete_version(version_id: int):
    session = get_session()
    version = service.get_version(session, version_id=version_id)
    asset_id = version.asset_id
    service.delete_version(session, version=version, by=current_user)
    return asset_page(service.get_asset(session, asset_id=asset_id))


def _values(asset: ProcessAsset) -> MultiDict:
    values = form_values(asset, service.FIELDS)
    values.setlist("area_ids", [str(a.id) for a in asset.areas])
    return values


def _url_of(asset: ProcessAsset) -> str:
    return url_for("assets.detail", asset_id=asset.id)


FORM = RecordForm(AssetInput, "assets/form.html", "assets/_form.html", "asset", _values,
                  options=lambda _: {"kinds": list(AssetKind), "owners": people_choices(get_session()),
                                   "areas": list_areas(get_session())})
