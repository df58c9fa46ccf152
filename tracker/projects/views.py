"""Project pages: list with search and filters, detail with history, create and edit."""

from flask import Blueprint, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from tracker.auth.policy import requires
from tracker.db import get_session
from tracker.deployments import service as deployments
from tracker.deployments.workflow import row_moves_for
from tracker.history.service import history
from tracker.projects import service
from tracker.projects.forms import ProjectInput
from tracker.projects.models import Phase, Project, ProjectStatus
from tracker.projects.overview import SHOWN, overview
from tracker.web import (
    RecordForm,
    form_values,
    list_page,
    list_section,
    page_or_fragment,
    query_enum,
    query_text,
)

bp = Blueprint("projects", __name__, url_prefix="/projects")


def _filter() -> service.ProjectFilter:
    return service.ProjectFilter(
        q=query_text("q"),
        phase=query_enum(Phase, "phase"),
        status=query_enum(ProjectStatus, "status"),
        lead_id=current_user.id if request.args.get("mine") else None,
    )


@bp.get("/")
@requires("read")
def index():
    where = _filter()
    return list_page(service.LISTING, service.projects_matching(where), "projects/index.html", "projects/_table.html",
                     where=where, phases=list(Phase), statuses=list(ProjectStatus))


@bp.get("/<int:project_id>")
@requires("read")
def detail(project_id: int):
    return project_page(service.get_project(get_session(), project_id=project_id))


def project_page(project: Project, *, status: int = 200, standard: dict | None = None):
    """The project's page; `standard` holds the standard-set form's values and errors when it was refused."""
    session = get_session()
    return page_or_fragment("projects/detail.html", "projects/detail.html", http_status=status, project=project,
                            history=history(session, entity="project", entity_ids=[project.id]),
                            overview=overview(session, project=project), shown=SHOWN,
                            row_moves=row_moves_for(current_user),
                            rows=list_section(deployments.ROWS, deployments.rows_matching(
                                deployments.RowFilter(project_id=project.id, current_only=True)),
                                              load=deployments.PROJECT_ROW_LOADED, project=project.id, current=1),
                            standard=standard or {"values": MultiDict(), "errors": {}})


def _values(project: Project) -> MultiDict:
    values = form_values(project, service.FIELDS)
    values.setlist("lead_ids", [str(u.id) for u in project.leads])
    return values


FORM = RecordForm(ProjectInput, "projects/form.html", "projects/_form.html", "project", _values,
                  options=lambda _: {"phases": list(Phase), "statuses": list(ProjectStatus)})


def _url_of(project: Project) -> str:
    return url_for("projects.detail", project_id=project.id)


@bp.get("/new")
@requires("project.create")
def new():
    return FORM.show(values=MultiDict({"phase": Phase.INITIATION.value, "status": ProjectStatus.ACTIVE.value}))


@bp.post("/")
@requires("project.create")
def create():
    return FORM.post(lambda data: service.create_project(get_session(), data=data, by=current_user), done=_url_of)


@bp.get("/<int:project_id>/edit")
@requires("project.edit")
def edit(project_id: int):
    return FORM.edit(service.editable_project(get_session(), project_id=project_id, by=current_user))


@bp.post("/<int:project_id>")
@requires("project.edit")
def update(project_id: int):
    session = get_session()
    project = service.editable_project(session, project_id=project_id, by=current_user)
    return FORM.post(lambda data: service.update_project(session, project=project, data=data, by=current_user),
                     done=_url_of, record=project, reload=lambda: service.get_project(session, project_id=project_id))

