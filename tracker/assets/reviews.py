"""The periodic review of process assets ("needs review"): the owner (or the process group) records a review of
the current released version, which starts the next interval (`service.reschedule` keeps the date)."""

from sqlmodel import Session

from tracker.assets.forms import AssetReviewInput
from tracker.assets.models import AssetReview, ProcessAsset
from tracker.assets.service import get_asset, reschedule
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import commit, flush
from tracker.errors import ValidationError
from tracker.history.service import record_create
from tracker.reminders.notify import close, subject_of


def reviewable_asset(session: Session, *, asset_id: int, by: User) -> ProcessAsset:
    """The asset, if this user may review it (its owner, or the process group)."""
    asset = get_asset(session, asset_id=asset_id)
    authorize(by, "asset.review", asset)
    return asset


def record_review(session: Session, *, asset: ProcessAsset, data: AssetReviewInput, by: User) -> AssetReview:
    """The owner (or the process group) reviews the current released version: no change, or a new one needed."""
    authorize(by, "asset.review", asset)
    current = asset.current_version
    if current is None:
        raise ValidationError({"outcome": "Only a released version is reviewed: this asset has none."})
    if data.reviewed_on < current.release_date:
        raise ValidationError({"reviewed_on": f"{current.label} was released on {current.release_date}: "
                                             "a review of it cannot be older."})
    review = AssetReview(asset_id=asset.id, asset_version_id=current.id, reviewer_id=by.id,
                         **data.model_dump(include={"reviewed_on", "outcome", "notes"}))
    session.add(review)
    flush(session)
    record_create(session, review, by=by, fields={"asset": asset.title, "version": current.label,
                                                  "reviewed_on": data.reviewed_on, "outcome": data.outcome,
                                                  "notes": data.notes})
    reschedule(session, asset, by=by)
    close(session, subject=subject_of(asset), rules=("asset_review_due",))
    commit(session)
    return review
