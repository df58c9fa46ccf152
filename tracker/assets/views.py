"""Process asset pages: library, detail with versions and history, create, edit, release."""

from flask import Blueprint, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker import content, trace
from tracker.assets import reviews, service, versions
from tracker.assets.forms import (
    ApprovalInput,
    AssetInput,
    AssetReviewInput,
    FileInput,
    MoveInput,
    VersionCorrection,
    VersionInput,
)
from tracker.assets.models import AssetKind, AssetVersion, ProcessAsset, ReviewOutcome, VersionStatus
from tracker.assets.workflow import VERSION_TRANSITIONS
from tracker.auth.policy import requires
from tracker.db import get_session, utcnow
from tracker.deployments.status import drift
from tracker.history.service import history
from tracker.lessons.service import feedback_on
from tracker.process_areas.service import list_areas
from tracker.validation import parse
from tracker.web import (
    PageOnly,
    RecordForm,
    form_values,
    in_place_or_go_to,
    list_page,
    page_or_fragment,
    query_enum,
    query_id,
    query_text,
    says,
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
                                review_due=query_text("review") == "due",
                                owner_id=current_user.id if query_text("mine") else None,
                                signoff_by=current_user if query_text("signoff") == "mine" else None)
    return list_page(service.LISTING, service.assets_matching(where), "assets/index.html", "assets/_table.html",
                     where=where, kinds=list(AssetKind), areas=PageOnly(lambda: list_areas(session)))


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
        version_history=version_history, moves=lambda v: allowed_moves(VERSION_TRANSITIONS, v.status, current_user.roles),
        outcomes=list(ReviewOutcome), **sections, statuses=VersionStatus, trace=trace.of_asset(session, asset), drift=drift(session, asset=asset),
        feedback=feedback_on(session, asset_id=asset.id),
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
@says("Draft version added.")
def add_version(asset_id: int):
    session = get_session()
    asset = service.get_asset(session, asset_id=asset_id)
    # The whole page, swapped in place: the feedback form's versions and the version history list it too.
    return write_in_place(
        lambda: service.add_version(session, asset=asset, data=parse(VersionInput, request.form), by=current_user),
        page=lambda refused: asset_page(service.get_asset(session, asset_id=asset_id), version=refused))


@bp.post("/<int:asset_id>/reviews")
@requires("asset.review")
@says("Review recorded.")
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
    version = versions.get_version(session, version_id=version_id)
    data = parse(MoveInput, request.form)
    service.move_version(session, version=version, to=data.to, seen=data.version, by=current_user)
    if request.form.get("from") == "version":  # pressed on the version's own page
        return in_place_or_go_to(url_for("assets.version", version_id=version_id),
                                 lambda: version_page(versions.get_version(session, version_id=version_id)))
    # The whole page: a release changes the current version and which projects drift.
    return asset_page(service.get_asset(session, asset_id=version.asset_id))


@bp.post("/versions/<int:version_id>/delete")
@requires("asset.edit")
def delete_version(version_id: int):
    session = get_session()
    version = versions.get_version(session, version_id=version_id)
    asset_id = version.asset_id
    service.delete_version(session, version=version, by=current_user)
    return asset_page(service.get_asset(session, asset_id=asset_id))


@bp.get("/versions/<int:version_id>")
@requires("read")
def version(version_id: int):
    return version_page(versions.get_version(get_session(), version_id=version_id))


def version_page(version: AssetVersion, **forms: dict | None):
    """A version's page: its content, its sign-off and release, its history (a refused form in `forms`: 422)."""
    http_status, sections = section_forms(forms, "upload", "approval")
    session = get_session()
    return page_or_fragment(
        "assets/version.html", "assets/version.html", http_status=http_status, version=version,
        asset=version.asset,
        signoff=versions.capacity_of(version, current_user, versions.contributors(session, version)),
        refusal=versions.release_refusal(version) if version.status == VersionStatus.DRAFT else None,
        moves=allowed_moves(VERSION_TRANSITIONS, version.status, current_user.roles), statuses=VersionStatus,
        history=history(session, entity="asset_version", entity_ids=[version.id]), **sections)


@bp.get("/versions/<int:version_id>/file")
@requires("read")
def download(version_id: int):
    """The version's file, as a download: never shown or run in the tracker's own pages."""
    session = get_session()
    return content.download(session, versions.get_version(session, version_id=version_id))


@bp.post("/versions/<int:version_id>/file")
@requires("asset.edit")
@says("File attached to the draft.")
def upload(version_id: int):
    session = get_session()
    version = versions.get_version(session, version_id=version_id)
    rules = content.rules()  # a file over the limit is refused beside the field, a huge one cut off (413) unread
    name, data = content.read_upload(request.files.get("file"), rules)
    return write_in_place(
        lambda: versions.attach_file(session, version=version, name=name, data=data, by=current_user, rules=rules,
                                     seen=parse(FileInput, request.form).version),
        page=lambda refused: version_page(versions.get_version(session, version_id=version_id), upload=refused),
        url=url_for("assets.version", version_id=version_id, _anchor="content"))


@bp.post("/versions/<int:version_id>/file/remove")
@requires("asset.edit")
def remove_file(version_id: int):
    session = get_session()
    version = versions.get_version(session, version_id=version_id)
    versions.remove_file(session, version=version, seen=parse(FileInput, request.form).version, by=current_user)
    return in_place_or_go_to(url_for("assets.version", version_id=version_id, _anchor="content"),
                             lambda: version_page(versions.get_version(session, version_id=version_id)))


@bp.post("/versions/<int:version_id>/approvals")
@requires("version.approve")
@says("Sign-off recorded.")
def approve(version_id: int):
    session = get_session()
    version = versions.signable_version(session, version_id=version_id, by=current_user)
    return write_in_place(
        lambda: versions.approve(session, version=version, data=parse(ApprovalInput, request.form), by=current_user),
        page=lambda refused: version_page(versions.get_version(session, version_id=version_id), approval=refused),
        url=url_for("assets.version", version_id=version_id, _anchor="signoff"))


def _version_values(version: AssetVersion) -> MultiDict:
    return form_values(version, versions.FIELDS)


VERSION_FORM = RecordForm(VersionCorrection, "assets/version_form.html", "assets/_version_form.html", "version",
                          _version_values, options=lambda version: {"history": history(
                              get_session(), entity="asset_version", entity_ids=[version.id]) if version else []})


@bp.get("/versions/<int:version_id>/edit")
@requires("asset.edit")
def edit_version(version_id: int):
    return VERSION_FORM.edit(versions.editable_version(get_session(), version_id=version_id))


@bp.post("/versions/<int:version_id>")
@requires("asset.edit")
def update_version(version_id: int):
    session = get_session()
    version = versions.editable_version(session, version_id=version_id)
    return VERSION_FORM.post(
        lambda data: versions.update_version(session, version=version, data=data, by=current_user),
        done=lambda saved: url_for("assets.version", version_id=saved.id), record=version,
        reload=lambda: versions.editable_version(session, version_id=version_id))


def _values(asset: ProcessAsset) -> MultiDict:
    values = form_values(asset, service.FIELDS)
    values.setlist("area_ids", [str(a.id) for a in asset.areas])
    return values


def _url_of(asset: ProcessAsset) -> str:
    return url_for("assets.detail", asset_id=asset.id)


FORM = RecordForm(AssetInput, "assets/form.html", "assets/_form.html", "asset", _values,
                  options=lambda _: {"kinds": list(AssetKind),
                                   "areas": list_areas(get_session())})
