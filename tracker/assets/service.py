"""Process assets: the catalog, editing, and the versions projects are given."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from tracker import content
from tracker.assets.forms import AssetInput, VersionInput
from tracker.assets.models import (
    AssetArea,
    AssetKind,
    AssetReview,
    AssetVersion,
    ProcessAsset,
    VersionApproval,
    VersionStatus,
)
from tracker.assets.versions import awaiting_signoff, release_refusal
from tracker.assets.workflow import VERSION_TRANSITIONS
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import commit, created_one, flush, get_or_not_found, insert_all, link_all, referrers, utcnow
from tracker.due import add_months
from tracker.editing import editing
from tracker.errors import InvalidTransition, ManyInvalid, ValidationError
from tracker.history.service import apply_changes, record_create, record_create_many, record_delete
from tracker.listing import Column, Listing, many
from tracker.process_areas.models import ProcessArea
from tracker.sql import contains
from tracker.validation import chosen_person
from tracker.workflow import make_move

TITLE_TAKEN = {"title": "Another asset already has this title."}
OWNER_UNKNOWN = "Choose an owner from the list."  # (chosen_person's words)
AREAS_UNKNOWN = "Choose process areas from the list."
LABEL_TAKEN = {"label": "This asset already has a version with this label."}
# An asset with a review interval needs review once its released version's last review, or its release when it has
# none, is that old. `ProcessAsset.review_due_on` keeps the date (so lists mark it and reminders select it in
# SQL); `reschedule` moves it whenever what it follows changes: the interval, a release or retirement, a review.
FIELDS = ("title", "kind", "owner_id", "description", "review_interval_months")


@dataclass(frozen=True)
class AssetFilter:
    q: str = ""
    kind: AssetKind | None = None
    area_id: int | None = None
    has: VersionStatus | None = None  # assets with at least one version in this status
    review_due: bool = False  # only the assets whose periodic review has come due
    owner_id: int | None = None  # only the assets this person owns
    signoff_by: User | None = None  # only the assets with a draft waiting for this person's sign-off


def _current(column):
    """SQL: a column of the asset's newest released version (as `ProcessAsset.current_version` chooses it)."""
    return (select(column).where(AssetVersion.asset_id == ProcessAsset.id, AssetVersion.status == VersionStatus.RELEASED)
            .order_by(AssetVersion.release_date.desc(), AssetVersion.id.desc()).limit(1).scalar_subquery())


LISTING = Listing("process-assets", ProcessAsset.id, {
    "title": Column("Title", (ProcessAsset.title,), ProcessAsset.title),
    "kind": Column("Kind", (ProcessAsset.kind,), ProcessAsset.kind),
    "areas": Column("Process areas", csv=many(ProcessArea.code, AssetArea.asset_id == ProcessAsset.id,
                                              ProcessArea.id == AssetArea.area_id)),
    "owner": Column("Owner", (User.name,), User.name, joins=((User, User.id == ProcessAsset.owner_id),)),
    "current": Column("Current version", csv=_current(AssetVersion.label)),
    "released": Column("Released on", csv=_current(AssetVersion.release_date), shown=False),
    "review_due": Column("Review due", csv=ProcessAsset.review_due_on, shown=False),
}, default="title", load=(joinedload(ProcessAsset.owner), selectinload(ProcessAsset.areas),
                          selectinload(ProcessAsset.versions)))


def assets_matching(where: AssetFilter):
    """The assets the filter selects (LISTING orders and pages them). Nothing is joined here: the list joins the
    owner only to sort or export by them."""
    statement = select(ProcessAsset)
    if where.q:
        statement = statement.where(contains(where.q, ProcessAsset.title))
    if where.kind:
        statement = statement.where(ProcessAsset.kind == where.kind)
    if where.area_id:
        statement = statement.where(ProcessAsset.id.in_(
            select(AssetArea.asset_id).where(AssetArea.area_id == where.area_id)))
    if where.review_due:
        statement = statement.where(ProcessAsset.review_due_on <= utcnow().date())
    if where.owner_id:
        statement = statement.where(ProcessAsset.owner_id == where.owner_id)
    if where.signoff_by is not None:
        statement = statement.where(ProcessAsset.id.in_(select(AssetVersion.asset_id).join(
            ProcessAsset, ProcessAsset.id == AssetVersion.asset_id).where(*awaiting_signoff(where.signoff_by))))
    if where.has:
        statement = statement.where(ProcessAsset.id.in_(
            select(AssetVersion.asset_id).where(AssetVersion.status == where.has)))
    return statement


def review_due_on(asset: ProcessAsset) -> date | None:
    """When the asset's released version is next due for review; None without an interval or a release."""
    current = asset.current_version
    if asset.review_interval_months is None or current is None:
        return None
    reviewed = [r.reviewed_on for r in asset.reviews if r.asset_version_id == current.id]
    return add_months(max([current.release_date, *reviewed]), asset.review_interval_months)


def reschedule(session: Session, asset: ProcessAsset, *, by: User) -> None:
    """Keep the asset's review date true to its interval, current release and reviews. It is recorded in the
    history, but makes no new version of the asset: a date derived from others does not make an open edit form
    stale."""
    flush(session)
    session.refresh(asset, ["versions", "reviews"])  # as they are now, with the change that called for this
    apply_changes(session, asset, by=by, changes={"review_due_on": review_due_on(asset)})


def get_asset(session: Session, *, asset_id: int) -> ProcessAsset:
    """The asset with everything its page shows, or NotFound."""
    reviews = selectinload(ProcessAsset.reviews)
    return get_or_not_found(session, ProcessAsset, asset_id, joinedload(ProcessAsset.owner),
                            selectinload(ProcessAsset.areas),
                            selectinload(ProcessAsset.versions).selectinload(AssetVersion.approvals)
                            .joinedload(VersionApproval.approver).selectinload(User.role_rows),
                            reviews.joinedload(AssetReview.reviewer), reviews.joinedload(AssetReview.asset_version),
                            missing="No such process asset.")


def version_choices(session: Session, *, released_only: bool = False,
                    asset_id: int | None = None) -> list[AssetVersion]:
    """Asset versions for pickers, asset by asset (only the released ones, or one asset's, if asked)."""
    statement = select(AssetVersion).options(joinedload(AssetVersion.asset)).order_by(AssetVersion.asset_id,
                                                                                         AssetVersion.id)
    if released_only:
        statement = statement.where(AssetVersion.status == VersionStatus.RELEASED)
    if asset_id is not None:
        statement = statement.where(AssetVersion.asset_id == asset_id)
    return list(session.exec(statement).all())


def _areas(session: Session, area_ids: list[int]) -> list[ProcessArea]:
    areas = list(session.exec(select(ProcessArea).where(ProcessArea.id.in_(area_ids))).all())
    if len(areas) != len(set(area_ids)):
        raise ValidationError({"area_ids": AREAS_UNKNOWN})
    return areas


def _check(session: Session, data: AssetInput, asset_id: int | None) -> list[ProcessArea]:
    chosen_person(session, data.owner_id, message=OWNER_UNKNOWN)
    if session.exec(select(ProcessAsset.id).where(ProcessAsset.title == data.title,
                                                  ProcessAsset.id != asset_id)).first():
        raise ValidationError(TITLE_TAKEN)
    return _areas(session, data.area_ids)


def create_asset(session: Session, *, data: AssetInput, by: User) -> ProcessAsset:
    """Add an asset to the organization's library."""
    return created_one(session, ProcessAsset, lambda: create_assets(session, items=[data], by=by))


def create_assets(session: Session, *, items: list[AssetInput], by: User) -> list[int]:
    """Add assets to the library: a form's one, or an import's thousands in a few statements. Every one is checked
    before any is written (ManyInvalid: each refused one's errors, by its position)."""
    authorize(by, "asset.edit")
    taken = set(session.exec(select(ProcessAsset.title).where(ProcessAsset.title.in_({i.title for i in items}))).all())
    owners = {user.id: user for user in session.exec(select(User).where(
        User.id.in_({item.owner_id for item in items}), User.active)).all()}
    areas = {area.id: area for area in session.exec(select(ProcessArea)).all()}
    errors: dict[int, dict[str, str]] = {}
    rows, chosen, history = [], [], []
    for n, item in enumerate(items):
        refused = dict(TITLE_TAKEN) if item.title in taken else {}
        if item.owner_id not in owners:
            refused["owner_id"] = OWNER_UNKNOWN
        if any(i not in areas for i in item.area_ids):
            refused["area_ids"] = AREAS_UNKNOWN
        if refused:
            errors[n] = refused
            continue
        taken.add(item.title)
        rows.append(item.model_dump(include=set(FIELDS)))
        chosen.append(sorted(set(item.area_ids)))
        history.append({"title": item.title, "kind": item.kind, "owner": owners[item.owner_id].name,
                        "description": item.description, "areas": [areas[i].code for i in chosen[-1]]})
    if errors:
        raise ManyInvalid(errors)
    ids = insert_all(session, ProcessAsset, rows)
    link_all(session, AssetArea, "asset_id", ids, chosen, "area_id")
    record_create_many(session, entity=ProcessAsset.__tablename__, created=list(zip(ids, history, strict=True)), by=by)
    commit(session, unique=TITLE_TAKEN)
    return ids


def update_asset(session: Session, *, asset: ProcessAsset, data: AssetInput, by: User) -> ProcessAsset:
    """Edit an asset's description, owner and areas, refusing an edit made on a stale copy."""
    with editing(session, asset, action="asset.edit", seen=data.version, by=by, unique=TITLE_TAKEN) as edit:
        areas = _check(session, data, asset.id)
        edit.fields(data.model_dump(include=set(FIELDS)), shown={"owner_id": lambda user_id: session.get(User, user_id).name})
        edit.links("areas", areas, label=lambda area: area.code)
        reschedule(session, asset, by=by)
    return asset


def add_version(session: Session, *, asset: ProcessAsset, data: VersionInput, by: User) -> AssetVersion:
    """Start a draft version of an asset."""
    authorize(by, "asset.edit")
    if session.exec(select(AssetVersion.id).where(AssetVersion.asset_id == asset.id,
                                                  AssetVersion.label == data.label)).first():
        raise ValidationError(LABEL_TAKEN)
    version = AssetVersion(asset_id=asset.id, label=data.label, change_notes=data.change_notes, link=data.link,
                           author_id=by.id)
    session.add(version)
    flush(session, unique=LABEL_TAKEN)
    record_create(session, version, by=by, fields={"asset": asset.title, "label": version.label,
                                                   "status": version.status, "change_notes": version.change_notes,
                                                   "author": by.name, "link": version.link})
    commit(session, unique=LABEL_TAKEN)
    return version


def move_version(session: Session, *, version: AssetVersion, to: VersionStatus, seen: int, by: User,
                 on: date | None = None) -> AssetVersion:
    """Release or retire a version (the transition table says who may); a release is dated `on` or today, and
    only once the draft has its change notes, its content and both sign-offs."""
    def released() -> dict:
        if refusal := release_refusal(version):
            raise InvalidTransition(refusal)
        return {"release_date": on or utcnow().date()}

    make_move(session, version, table=VERSION_TRANSITIONS, to=to, seen=seen, by=by, action="asset.edit",
              effects=released if to == VersionStatus.RELEASED else dict,
              then=lambda: reschedule(session, version.asset, by=by))  # a new current version, a new review date
    return version


# What refers to a version, as a sentence says it (tables named by tracker.db.referrers).
REFERRED_AS = {"pilot_asset_version": "a pilot", "asset_feedback": "feedback", "lesson": "a lesson",
               "audit_result": "an audit result", "noncompliance": "a noncompliance",
               "tailoring_record": "a tailoring record", "deployment_version": "a deployment",
               "project_deployment": "a deployment", "standard_set_entry": "the standard set",
               "training_session": "a training session"}


def delete_version(session: Session, *, version: AssetVersion, by: User) -> None:
    """Remove a draft that will never be released (released versions are retired, never deleted)."""
    authorize(by, "asset.edit")
    if version.status != VersionStatus.DRAFT:
        raise InvalidTransition("Only draft versions can be deleted; retire a released version instead.")
    held = set(referrers(session, version)) - {"version_approval"}  # its sign-offs go with it
    if used := sorted({REFERRED_AS.get(name, name.replace("_", " ")) for name in held}):
        listed = used[0] if len(used) == 1 else f"{', '.join(used[:-1])} and {used[-1]}"
        raise InvalidTransition(f"Draft {version.label} stays: {listed} refer{'s' if len(used) == 1 else ''} to it.")
    record_delete(session, version, by=by, fields={"label": version.label, "status": version.status})
    kept = version.file_sha256
    session.delete(version)
    flush(session)
    content.forget(session, kept)  # its file, unless another version holds the same one
    commit(session)
