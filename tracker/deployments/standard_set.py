"""The organization's standard set for new projects, the guidelines for deploying it, and applying it to a
project in one step (SP 3.2: deploy standard processes to projects at their startup)."""

from sqlalchemy.orm import joinedload
from sqlmodel import Session, func, select

from tracker.assets.models import ProcessAsset
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import commit, flush, utcnow
from tracker.deployments.forms import ReviewDateInput, SetReviewInput, StandardSetInput
from tracker.deployments.models import Deployment, StandardSetEntry, StandardSetReview, StandardSetSchedule
from tracker.deployments.service import add_rows
from tracker.deployments.status import drift
from tracker.errors import Conflict, NotFound, ValidationError
from tracker.history.service import apply_changes, bump_version, record_create, record_delete
from tracker.projects.models import Project, ProjectStatus
from tracker.reminders.notify import close, subject_of


def entries(session: Session) -> list[StandardSetEntry]:
    """The standard set, by asset title, with each asset's versions loaded (for its current release)."""
    return list(session.exec(select(StandardSetEntry).join(ProcessAsset).options(
        joinedload(StandardSetEntry.asset).selectinload(ProcessAsset.versions)).order_by(ProcessAsset.title)).all())


def schedule(session: Session) -> StandardSetSchedule:
    """When the standard set is next reviewed (the one row the migrations seed)."""
    return session.exec(select(StandardSetSchedule).order_by(StandardSetSchedule.id).limit(1)).one()


def reviews(session: Session) -> list[StandardSetReview]:
    return list(session.exec(select(StandardSetReview).options(joinedload(StandardSetReview.reviewer))
                             .order_by(StandardSetReview.reviewed_on.desc(), StandardSetReview.id.desc())).all())


def set_review_date(session: Session, *, data: ReviewDateInput, by: User) -> StandardSetSchedule:
    """Set when the standard set is next reviewed."""
    authorize(by, "standard_set.edit")
    dates = schedule(session)
    if data.version != dates.version:
        raise Conflict(current=dates)
    bump_version(session, dates, apply_changes(session, dates, by=by, changes={"review_on": data.review_on}))
    commit(session)
    return dates


def record_review(session: Session, *, data: SetReviewInput, by: User) -> StandardSetReview:
    """Review the standard set as a whole (still what new projects should get?) and set the next review's date."""
    authorize(by, "standard_set.edit")
    errors = {}
    if data.next_review_on <= data.reviewed_on:
        errors["next_review_on"] = "The next review comes after this one."
    latest = session.exec(select(func.max(StandardSetReview.reviewed_on))).one()
    if latest is not None and data.reviewed_on < latest:
        errors["reviewed_on"] = f"A review of {latest} is on record: a review cannot be older than the last one."
    if errors:
        raise ValidationError(errors)
    review = StandardSetReview(reviewer_id=by.id, **data.model_dump())
    session.add(review)
    flush(session)
    record_create(session, review, by=by, fields=data.model_dump())
    dates = schedule(session)
    bump_version(session, dates, apply_changes(session, dates, by=by, changes={"review_on": data.next_review_on}))
    close(session, subject=subject_of(dates), rules=("standard_set_review_due",))
    commit(session)
    return review


def set_entry(session: Session, *, data: StandardSetInput, by: User) -> StandardSetEntry:
    """Put an asset in the standard set, or change where it applies and its guideline."""
    authorize(by, "standard_set.edit")
    asset = session.get(ProcessAsset, data.asset_id)
    if asset is None:
        raise ValidationError({"asset_id": "Choose an asset from the list."})
    phases = ",".join(p.value for p in data.phases)
    entry = session.exec(select(StandardSetEntry).where(StandardSetEntry.asset_id == asset.id)).first()
    if entry is None:
        entry = StandardSetEntry(asset_id=asset.id, phases=phases, guidance=data.guidance)
        session.add(entry)
        flush(session)
        record_create(session, entry, by=by, fields={"asset": asset.title, "phases": phases or "all",
                                                     "guidance": data.guidance})
    else:
        bump_version(session, entry, apply_changes(session, entry, by=by,
                                                   changes={"phases": phases, "guidance": data.guidance}))
    commit(session)
    return entry


def remove_entry(session: Session, *, entry_id: int, by: User) -> None:
    authorize(by, "standard_set.edit")
    entry = session.get(StandardSetEntry, entry_id)
    if entry is None:
        raise NotFound("That asset is not in the standard set.")
    record_delete(session, entry, by=by, fields={"asset": entry.asset.title, "phases": entry.phases or "all"})
    session.delete(entry)
    commit(session)


def apply_to_project(session: Session, *, project: Project, by: User, override_reason: str = "") -> Deployment:
    """Plan the current release of every standard asset that applies to the project's phase, in one deployment."""
    authorize(by, "deployment.create")
    if project.status != ProjectStatus.ACTIVE:
        raise ValidationError({"project": "Closed projects get no new deployments."})
    versions = [e.asset.current_version for e in entries(session)
                if e.applies_to(project.phase.value) and e.asset.current_version is not None]
    if not versions:
        raise ValidationError({"project": "The standard set has no released asset for this project's phase."})
    deployment = Deployment(title=f"Standard set for {project.code}", target_date=utcnow().date(),
                            approach="The organization's standard set, per the deployment guidelines.",
                            override_reason=override_reason, created_by_id=by.id, asset_versions=versions)
    session.add(deployment)
    flush(session)
    record_create(session, deployment, by=by, fields={"title": deployment.title, "project": project.code})
    add_rows(session, deployment=deployment, projects=[project], versions=versions, by=by)
    commit(session)
    return deployment


def deploy_to_drifted(session: Session, *, asset: ProcessAsset, by: User, override_reason: str = "") -> Deployment:
    """One deployment of the asset's current release to every project still running an older version."""
    authorize(by, "deployment.create")
    drifted = drift(session, asset=asset)
    current = asset.current_version
    if current is None or not drifted:
        raise ValidationError({"asset": "No project runs an older version of this asset."})
    deployment = Deployment(title=f"{asset.title} {current.label} to projects on older versions",
                            target_date=utcnow().date(), approach=current.change_notes, created_by_id=by.id,
                            override_reason=override_reason, asset_versions=[current])
    session.add(deployment)
    flush(session)
    record_create(session, deployment, by=by, fields={"title": deployment.title,
                                                      "projects": [d.project.code for d in drifted]})
    add_rows(session, deployment=deployment, projects=[d.project for d in drifted], versions=[current], by=by)
    commit(session)
    return deployment
