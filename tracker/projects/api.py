"""Projects through the JSON API: the list with the page's filters and sorts, and a project."""

from datetime import date, datetime

from flask import url_for
from pydantic import BaseModel, Field

from tracker.api import answer, endpoint, link
from tracker.api.schemas import ListQuery, Ref, list_of, listed, sorts
from tracker.db import get_session
from tracker.projects import service
from tracker.projects.models import Phase, Project, ProjectStatus
from tracker.validation import Id

TAG = "Projects"


class ProjectOut(BaseModel):
    id: int
    code: str
    name: str
    description: str
    phase: Phase
    status: ProjectStatus
    start_date: date
    end_date: date | None
    leads: list[Ref]
    created_at: datetime
    version: int
    url: str
    html_url: str

    @classmethod
    def of(cls, project: Project) -> "ProjectOut":
        return cls(**{name: getattr(project, name) for name in (
            "id", "code", "name", "description", "phase", "status", "start_date", "end_date", "created_at",
            "version")},
            leads=[Ref(id=lead.id, name=lead.name) for lead in project.leads],
            url=link("get_project", project_id=project.id), html_url=url_for("projects.detail", project_id=project.id))


ProjectList = list_of(ProjectOut, "ProjectList")


class ProjectQuery(ListQuery):
    q: str = Field(default="", max_length=100, description="Text in the code or name")
    phase: Phase | None = None
    status: ProjectStatus | None = None
    lead: Id | None = Field(default=None, description="A person's id: the projects they lead")
    sort: sorts(service.LISTING) = service.LISTING.default


@endpoint("/projects", action="read", query=ProjectQuery, out=ProjectList, tag=TAG)
def list_projects(query: ProjectQuery):
    """The projects the filters select, by code unless `sort` says."""
    where = service.ProjectFilter(q=query.q, phase=query.phase, status=query.status, lead_id=query.lead)
    return listed(service.LISTING, service.projects_matching(where), query, out=ProjectOut.of, answer_as=ProjectList)


@endpoint("/projects/<int:project_id>", action="read", out=ProjectOut, tag=TAG)
def get_project(project_id: int):
    """One project."""
    project = service.get_project(get_session(), project_id=project_id)
    return answer(ProjectOut.of(project), record=project)
