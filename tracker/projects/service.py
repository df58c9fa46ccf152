"""Projects: listing, reading, creating and editing, with their leads."""

from dataclasses import dataclass

from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from tracker.auth.models import User, holding
from tracker.auth.policy import authorize, can
from tracker.auth.roles import Role
from tracker.db import commit, flush, get_or_not_found
from tracker.editing import editing
from tracker.errors import ValidationError
from tracker.history.service import record_create
from tracker.listing import Column, Listing, many
from tracker.projects.forms import ProjectInput
from tracker.projects.models import Phase, Project, ProjectLead, ProjectStatus, led_by
from tracker.sql import contains

CODE_TAKEN = {"code": "Another project already uses this code."}
FIELDS = ("code", "name", "description", "phase", "status", "start_date", "end_date")


@dataclass(frozen=True)
class ProjectFilter:
    q: str = ""
    phase: Phase | None = None
    status: ProjectStatus | None = None
    lead_id: int | None = None


LISTING = Listing("projects", Project.id, {
    "code": Column("Code", (Project.code,), Project.code),
    "name": Column("Name", (Project.name,), Project.name),
    "phase": Column("Phase", (Project.phase,), Project.phase),
    "status": Column("Status", (Project.status,), Project.status),
    "leads": Column("Lead(s)", csv=many(User.name, ProjectLead.project_id == Project.id, User.id == ProjectLead.user_id)),
    "start": Column("Start", (Project.start_date,), Project.start_date),
    "end": Column("End", (Project.end_date,), Project.end_date),
}, default="code", load=(selectinload(Project.leads),))


def projects_matching(where: ProjectFilter):
    """The projects the filter selects (LISTING orders and pages them)."""
    statement = select(Project)
    if where.q:
        statement = statement.where(contains(where.q, Project.code, Project.name))
    if where.phase:
        statement = statement.where(Project.phase == where.phase)
    if where.status:
        statement = statement.where(Project.status == where.status)
    if where.lead_id:
        statement = statement.where(Project.id.in_(led_by(where.lead_id)))
    return statement


def get_project(session: Session, *, project_id: int) -> Project:
    """The project, or NotFound."""
    return get_or_not_found(session, Project, project_id, selectinload(Project.leads), missing="No such project.")


def editable_project(session: Session, *, project_id: int, by: User) -> Project:
    """The project, if this user may edit it: NotFound or PermissionDenied otherwise."""
    project = get_project(session, project_id=project_id)
    authorize(by, "project.edit", project)
    return project


def _leads(session: Session, lead_ids: list[int]) -> list[User]:
    leads = list(session.exec(
        select(User).where(User.id.in_(lead_ids), holding(Role.PROJECT_LEAD)).order_by(User.name)
    ).all())
    if len(leads) != len(set(lead_ids)):
        raise ValidationError({"lead_ids": "Choose people who hold the project lead role."})
    return leads


def _check_code_free(session: Session, code: str, project_id: int | None) -> None:
    clash = session.exec(select(Project.id).where(Project.code == code, Project.id != project_id)).first()
    if clash is not None:
        raise ValidationError(CODE_TAKEN)


def create_project(session: Session, *, data: ProjectInput, by: User) -> Project:
    """Register a project and its leads."""
    authorize(by, "project.create")
    _check_code_free(session, data.code, None)
    leads = _leads(session, data.lead_ids) if can(by, "project.assign_leads") else []
    project = Project(**data.model_dump(include=set(FIELDS)), leads=leads)
    session.add(project)
    flush(session, unique=CODE_TAKEN)
    values = {name: getattr(project, name) for name in FIELDS} | {"leads": [u.name for u in leads]}
    record_create(session, project, by=by, fields=values)
    commit(session)
    return project


def update_project(session: Session, *, project: Project, data: ProjectInput, by: User) -> Project:
    """Edit a project the user may edit, refusing an edit made on a stale copy."""
    with editing(session, project, action="project.edit", seen=data.version, by=by, unique=CODE_TAKEN) as edit:
        _check_code_free(session, data.code, project.id)
        edit.fields(data.model_dump(include=set(FIELDS)))
        if can(by, "project.assign_leads"):
            edit.links("leads", _leads(session, data.lead_ids), label=lambda user: user.name)
    return project
