"""A deployment's training and support (SP 3.1): the sessions it held (which version, for which of its projects, who
attended) and its material (links and kept files); and, per project, who was trained on what."""

from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from tracker import content
from tracker.assets.models import AssetVersion
from tracker.auth.models import User
from tracker.auth.policy import authorize
from tracker.db import commit, flush
from tracker.deployments.forms import MaterialInput, TrainingInput
from tracker.deployments.models import Deployment, ProjectDeployment, TrainingProject, TrainingSession
from tracker.errors import ValidationError
from tracker.evidence import service as evidence
from tracker.history.service import record_create, record_values
from tracker.projects.models import Project
from tracker.validation import chosen_records

TRAINING_LOADED = (selectinload(TrainingSession.attendees), selectinload(TrainingSession.projects),
                   joinedload(TrainingSession.asset_version).joinedload(AssetVersion.asset))


def record_training(session: Session, *, deployment: Deployment, data: TrainingInput, by: User) -> TrainingSession:
    """Record a session held for the deployment: one of its versions, one of its projects or all, the people who
    attended (every error in one round)."""
    authorize(by, "deployment.train", deployment)
    errors = {}
    versions = {v.id: v for v in deployment.asset_versions}
    if data.asset_version_id not in versions:
        errors["asset_version_id"] = "Choose one of the versions this deployment deploys."
    projects = {p.id: p for p in session.exec(select(Project).where(Project.id.in_(select(
        ProjectDeployment.project_id).where(ProjectDeployment.deployment_id == deployment.id)))).all()}
    if data.project_id is not None and data.project_id not in projects:
        errors["project_id"] = "Choose one of the deployment's projects, or all of them."
    version = versions.get(data.asset_version_id)
    if version is not None and data.held_on < version.created_at.date():
        errors["held_on"] = f"{version.name} was drafted on {version.created_at.date()}: no session on it is older."
    try:
        attendees = chosen_records(session, User, data.attendee_ids, field="attendee_ids",
                                   message="Choose the attendees from the list.")
    except ValidationError as refused:
        errors |= refused.errors
    if errors:
        raise ValidationError(errors)
    trained = [projects[data.project_id]] if data.project_id is not None else sorted(projects.values(),
                                                                                    key=lambda p: p.code)
    training = TrainingSession(deployment_id=deployment.id, asset_version_id=data.asset_version_id,
                               held_on=data.held_on, notes=data.notes, recorded_by_id=by.id, attendees=attendees,
                               projects=trained)
    session.add(training)
    flush(session)
    names = [person.name for person in attendees]
    record_create(session, training, by=by, fields={"held_on": data.held_on, "version": versions[
        data.asset_version_id].name, "projects": [p.code for p in trained], "attendees": names, "notes": data.notes})
    record_values(session, deployment, by=by, changed={"training": (None, f"{data.held_on}, "
                                                        f"{versions[data.asset_version_id].name}: {', '.join(names)}")})
    commit(session)
    return training


def add_material(session: Session, *, deployment: Deployment, data: MaterialInput, name: str, data_bytes: bytes,
                 by: User, rules: content.Rules):
    """Attach training or support material to the deployment: a note with a link and/or a file."""
    authorize(by, "deployment.edit", deployment)
    upload = evidence.check_upload(name, data_bytes, data.link, rules)
    material = evidence.attach(session, to=deployment, kind=data.kind, note=data.note, link=data.link,
                               upload=upload, by=by, rules=rules)
    commit(session)
    return material


def sessions_of(session: Session, *, deployment_id: int | None = None, project_id: int | None = None,
                limit: int | None = None) -> list[TrainingSession]:
    """A deployment's sessions, or those that trained a project, newest first (`limit`: that many), with their
    version, projects and attendees loaded."""
    statement = select(TrainingSession).options(*TRAINING_LOADED).order_by(TrainingSession.held_on.desc(),
                                                                            TrainingSession.id.desc())
    if deployment_id is not None:
        statement = statement.where(TrainingSession.deployment_id == deployment_id)
    if project_id is not None:
        statement = statement.where(TrainingSession.id.in_(
            select(TrainingProject.training_id).where(TrainingProject.project_id == project_id)))
    return list(session.exec(statement.limit(limit)).all())
