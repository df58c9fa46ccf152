"""The organization's standard set for new projects, the guidelines for deploying it, and applying it to a
project in one step (SP 3.2: deploy standard processes to projects at their startup)."""

from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from tracker.assets.models import ProcessAsset
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import commit, flush, utcnow
from tracker.deployments.forms import StandardSetInput
from tracker.deployments.models import Deployment, StandardSetEntry
from tracker.deployments.service import add_rows
from tracker.deployments.status import drift
from tracker.errors import NotFound, ValidationError
from tracker.history.service import apply_changes, bump_version, record_create, record_delete
from tracker.projects.models import Project, ProjectStatus


def entries(session: Session) -> list[StandardSetEntry]:
    """The standard set, by asset title, with each asset's versions loaded (for its current release)."""
    return list(session.exec(select(StandardSetEntry).join(ProcessAsset).options(
        selectinload(StandardSetEntry.asset).selectinload(ProcessAsset.versions)).order_by(ProcessAsset.title)).all())


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
