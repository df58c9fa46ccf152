"""Projects: listing, reading, creating and editing, with their leads."""

from dataclasses import dataclass

from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from tracker.auth.models import User, holding
from tracker.auth.policy import authorize, can
from tracker.auth.roles import Role
from tracker.db import commit, created_one, get_or_not_found, insert_all, link_all
from tracker.editing import editing
from tracker.errors import ManyInvalid, ValidationError
from tracker.history.service import record_create_many
from tracker.listing import Column, Listing, many
from tracker.projects.forms import ProjectInput
from tracker.projects.models import Phase, Project, ProjectLead, ProjectStatus, led_by
from tracker.sql import contains

CODE_TAKEN = {"code": "Another project already uses this code."}
LEADS_ONLY = "Choose people who hold the project lead role."
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
    if not lead_ids:
        return []
    leads = list(session.exec(
        select(User).where(User.id.in_(lead_ids), holding(Role.PROJECT_LEAD)).order_by(User.name)
    ).all())
    if len(leads) != len(set(lead_ids)):
        raise ValidationError({"lead_ids": LEADS_ONLY})
    return leads


def _check_code_free(session: Session, code: str, project_id: int | None) -> None:
    clash = session.exec(select(Project.id).where(Project.code == code, Project.id != project_id)).first()
    if clash is not None:
        raise ValidationError(CODE_TAKEN)


def create_project(session: Session, *, data: ProjectInput, by: User) -> Project:
    """Register a project and its leads."""
    return created_one(session, Project, lambda: create_projects(session, items=[data], by=by))


def create_projects(session: Session, *, items: list[ProjectInput], by: User) -> list[int]:
    """Register projects and their leads: a form's one, or an import's thousands in a few statements. Every one is
    checked before any is written (ManyInvalid: each refused one's errors, by its position)."""
    authorize(by, "project.create")
    assigns = can(by, "project.assign_leads")
    taken = set(session.exec(select(Project.code).where(Project.code.in_({item.code for item in items}))).all())
    leads = {user.id: user for user in session.exec(select(User).where(
        User.id.in_({i for item in items for i in item.lead_ids}), holding(Role.PROJECT_LEAD))).all()}
    errors: dict[int, dict[str, str]] = {}
    rows, chosen, history = [], [], []
    for n, item in enumerate(items):
        refused = dict(CODE_TAKEN) if item.code in taken else {}
        if assigns and any(i not in leads for i in item.lead_ids):
            refused["lead_ids"] = LEADS_ONLY
        if refused:
            errors[n] = refused
            continue
        taken.add(item.code)
        rows.append(item.model_dump(include=set(FIELDS)))
        chosen.append(sorted(set(item.lead_ids)) if assigns else [])
        history.append(rows[-1] | {"leads": sorted(leads[i].name for i in chosen[-1])})
    if errors:
        raise ManyInvalid(errors)
    ids = insert_all(session, Project, rows)
    link_all(session, ProjectLead, "project_id", ids, chosen, "user_id")
    record_create_many(session, entity=Project.__tablename__, created=list(zip(ids, history, strict=True)), by=by)
    commit(session, unique=CODE_TAKEN)
    return ids


def update_project(session: Session, *, project: Project, data: ProjectInput, by: User) -> Project:
    """Edit a project the user may edit, refusing an edit made on a stale copy."""
    with editing(session, project, action="project.edit", seen=data.version, by=by, unique=CODE_TAKEN) as edit:
        _check_code_free(session, data.code, project.id)
        edit.fields(data.model_dump(include=set(FIELDS)))
        if can(by, "project.assign_leads"):
            edit.links("leads", _leads(session, data.lead_ids), label=lambda user: user.name)
    return project
