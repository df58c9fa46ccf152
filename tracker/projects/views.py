"""Project pages: list with search and filters, detail with history, create and edit."""

from flask import Blueprint, current_app, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker.audit.service import history
from tracker.auth.policy import requires
from tracker.db import get_session
from tracker.errors import Conflict, ValidationError
from tracker.projects import service
from tracker.projects.forms import ProjectInput
from tracker.projects.models import Phase, Project, ProjectStatus
from tracker.validation import parse
from tracker.web import go_to, page_or_fragment, query_enum, query_page

bp = Blueprint("projects", __name__, url_prefix="/projects")


def _filter() -> service.ProjectFilter:
    return service.ProjectFilter(
        q=request.args.get("q", "").strip()[:100],
        phase=query_enum(Phase, "phase"),
        status=query_enum(ProjectStatus, "status"),
        lead_id=current_user.id if request.args.get("mine") else None,
    )


@bp.get("/")
@requires("read")
def index():
    session = get_session()
    where = _filter()
    page = service.list_projects(session, where=where, page=query_page(), size=_page_size())
    return page_or_fragment("projects/index.html", "projects/_table.html", page=page, where=where,
                            phases=list(Phase), statuses=list(ProjectStatus))


@bp.get("/<int:project_id>")
@requires("read")
def detail(project_id: int):
    session = get_session()
    project = service.get_project(session, project_id=project_id)
    entries = history(session, entity="project", entity_ids=[project.id])
    return page_or_fragment("projects/detail.html", "projects/detail.html", project=project, history=entries)


@bp.get("/new")
@requires("project.create")
def new():
    values = MultiDict({"phase": Phase.INITIATION.value, "status": ProjectStatus.ACTIVE.value})
    return _form(values=values)


@bp.post("/")
@requires("project.create")
def create():
    session = get_session()
    try:
        project = service.create_project(session, data=parse(ProjectInput, request.form), by=current_user)
    except ValidationError as error:
        return _form(values=request.form, errors=error.errors, status=422)
    return go_to(url_for("projects.detail", project_id=project.id))


@bp.get("/<int:project_id>/edit")
@requires("project.edit")
def edit(project_id: int):
    project = service.editable_project(get_session(), project_id=project_id, by=current_user)
    return _form(project=project, values=_values(project))


@bp.post("/<int:project_id>")
@requires("project.edit")
def update(project_id: int):
    session = get_session()
    project = service.editable_project(session, project_id=project_id, by=current_user)
    try:
        service.update_project(session, project=project, data=parse(ProjectInput, request.form), by=current_user)
    except ValidationError as error:
        return _form(project=project, values=request.form, errors=error.errors, status=422)
    except Conflict as error:
        project = service.get_project(session, project_id=project_id)
        return _form(project=project, values=request.form, conflict=_values(project),
                     errors={"__all__": error.message}, status=409)
    return go_to(url_for("projects.detail", project_id=project.id))


def _values(project: Project) -> MultiDict:
    values = MultiDict({name: "" if getattr(project, name) is None else str(getattr(project, name))
                        for name in service.FIELDS})
    values.setlist("lead_ids", [str(u.id) for u in project.leads])
    values["version"] = str(project.version)
    return values


def _form(*, values: MultiDict, project: Project | None = None, errors: dict | None = None,
          conflict: MultiDict | None = None, status: int = 200):
    response = page_or_fragment(
        "projects/form.html", "projects/_form.html", status=status, project=project, values=values, errors=errors or {},
        conflict=conflict, phases=list(Phase), statuses=list(ProjectStatus),
        leads=service.lead_choices(get_session()),
    )
    return response


def _page_size() -> int:
    return int(current_app.config["PAGE_SIZE"])
