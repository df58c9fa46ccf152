"""Deployments through the JSON API: the list with the page's filters and sorts, a deployment (its versions, its
projects, its progress), the deployment status rows (each project's status in a deployment: the rows page's
filters, a row, and the status update a project lead makes on their own project's row), and the standard set; the
same services as the pages."""

from datetime import date, datetime

from flask import url_for
from flask_login import current_user
from pydantic import BaseModel, Field
from sqlalchemy.orm import joinedload

from tracker.api import answer, body_of, endpoint, link, saved, versioned
from tracker.api.schemas import ListQuery, Ref, link_header, list_of, listed, page_of, sorts
from tracker.db import get_session
from tracker.deployments import service, standard_set
from tracker.deployments.forms import RowMoveInput
from tracker.deployments.models import Deployment, ProjectDeployment, RowStatus, StandardSetEntry
from tracker.evidence.models import Evidence, EvidenceKind
from tracker.projects.models import Phase
from tracker.validation import Id

TAG = "Deployments"
ROWS_TAG = "Deployment status"
SET_TAG = "Standard set"


def _version_ref(version) -> Ref:
    return Ref(id=version.id, name=version.name, url=link("get_version", version_id=version.id))


class DeploymentOut(BaseModel):
    id: int
    title: str
    versions: list[Ref] = Field(description="The asset versions it deploys")
    target_date: date
    approach: str
    training_required: bool
    training_material: str
    support_material: str
    plan: Ref | None
    override_reason: str = Field(description="Why versions piloted without an adopt decision deploy all the same")
    progress: dict[RowStatus, int] = Field(description="Its status rows in each status (a status none is in: absent)")
    rows: str = Field(description="Its status rows, in the API")
    created_by: Ref
    created_at: datetime
    version: int = Field(description="Bumped by every change; the ETag says it too")
    url: str
    html_url: str

    @classmethod
    def of(cls, deployment: Deployment, *, progress: dict[RowStatus, int], **more) -> "DeploymentOut":
        return cls(
            **{name: getattr(deployment, name) for name in (
                "id", "title", "target_date", "approach", "training_required", "training_material",
                "support_material", "override_reason", "created_at", "version")},
            versions=[_version_ref(v) for v in deployment.asset_versions],
            plan=Ref(id=deployment.plan_id, name=deployment.plan.title,
                     url=link("get_plan", plan_id=deployment.plan_id)) if deployment.plan_id else None,
            progress=progress, rows=link("list_deployment_rows", deployment=deployment.id),
            created_by=Ref(id=deployment.created_by.id, name=deployment.created_by.name),
            url=link("get_deployment", deployment_id=deployment.id),
            html_url=url_for("deployments.detail", deployment_id=deployment.id), **more)


class DeploymentDetail(DeploymentOut):
    projects: list[Ref] = Field(description="The projects it targets (those it has status rows for), by code")


DeploymentList = list_of(DeploymentOut, "DeploymentList")


class DeploymentQuery(ListQuery):
    q: str = Field(default="", max_length=100, description="Text in the title")
    asset: Id | None = Field(default=None, description="A process asset's id: the deployments of its versions")
    sort: sorts(service.LISTING) = service.LISTING.default


LOADED = (*service.LISTING.load, joinedload(Deployment.plan), joinedload(Deployment.created_by))


@endpoint("/deployments", action="read", query=DeploymentQuery, out=DeploymentList, tag=TAG)
def list_deployments(query: DeploymentQuery):
    """The deployments the filters select, in the order asked (the latest target date first unless `sort` says),
    each with its progress."""
    session = get_session()
    where = service.DeploymentFilter(q=query.q, asset_id=query.asset)
    found, paging = page_of(service.LISTING, service.deployments_matching(where), query, sort=query.sort,
                            load=LOADED)
    progress = service.progress(session, deployment_ids=[d.id for d in found])
    body, status, headers = answer(DeploymentList(
        items=[DeploymentOut.of(d, progress=progress[d.id]) for d in found], paging=paging))
    return body, status, headers | link_header(paging)


@endpoint("/deployments/<int:deployment_id>", action="read", out=DeploymentDetail, tag=TAG)
def get_deployment(deployment_id: int):
    """One deployment, with the projects it targets."""
    session = get_session()
    deployment = service.get_deployment(session, deployment_id=deployment_id)
    projects = service.target_projects(session, deployment_id=deployment.id)
    out = DeploymentDetail.of(
        deployment, progress=service.progress(session, deployment_ids=[deployment.id])[deployment.id],
        projects=[Ref(id=p.id, name=p.code, url=link("get_project", project_id=p.id)) for p in projects])
    return answer(out, record=deployment)


class EvidenceOut(BaseModel):
    id: int
    kind: EvidenceKind
    note: str
    link: str
    file_name: str
    file: str | None = Field(description="Its file's download address, when it holds one")
    added_by: Ref
    added_at: datetime

    @classmethod
    def of(cls, evidence: Evidence) -> "EvidenceOut":
        return cls(id=evidence.id, kind=evidence.kind, note=evidence.note, link=evidence.link,
                   file_name=evidence.file_name,
                   file=url_for("evidence.download", evidence_id=evidence.id) if evidence.file_name else None,
                   added_by=Ref(id=evidence.added_by.id, name=evidence.added_by.name), added_at=evidence.added_at)


class RowOut(BaseModel):
    """One project's deployment status of one asset version, in one deployment."""
    id: int
    deployment: Ref
    project: Ref
    asset_version: Ref
    status: RowStatus
    reason: str = Field(description="Why it is not applicable")
    notes: str
    planned_date: date | None
    started_on: date | None
    deployed_on: date | None
    verified_on: date | None
    current: bool = Field(description="The project's row that counts for the asset (a later one supersedes it)")
    evidence: list[EvidenceOut] = Field(description="Evidence of adoption")
    updated_at: datetime
    version: int = Field(description="Bumped by every change; the ETag says it too")
    url: str
    html_url: str

    @classmethod
    def of(cls, row: ProjectDeployment) -> "RowOut":
        return cls(
            **{name: getattr(row, name) for name in (
                "id", "status", "reason", "notes", "planned_date", "started_on", "deployed_on", "verified_on",
                "current", "updated_at", "version")},
            deployment=Ref(id=row.deployment_id, name=row.deployment.title,
                           url=link("get_deployment", deployment_id=row.deployment_id)),
            project=Ref(id=row.project_id, name=row.project.code, url=link("get_project", project_id=row.project_id)),
            asset_version=_version_ref(row.asset_version),
            evidence=[EvidenceOut.of(e) for e in row.evidence],
            url=link("get_deployment_row", row_id=row.id),
            html_url=url_for("deployments.rows", deployment=row.deployment_id, project=row.project_id))


RowList = list_of(RowOut, "RowList")


class RowQuery(ListQuery):
    deployment: Id | None = Field(default=None, description="A deployment's id: its rows")
    project: Id | None = Field(default=None, description="A project's id: its rows")
    mine: bool = Field(default=False, description="Only the rows of the projects you lead")
    status: RowStatus | None = None
    open: bool = Field(default=False, description="Only rows still owed (not started, planned or in progress)")
    overdue: bool = Field(default=False, description="Only rows past their planned date and still owed")
    current: bool = Field(default=False, description="Only each project's row that counts for an asset")
    sort: sorts(service.ROWS) = service.ROWS.default


ROW_LOADED = (*service.ROW_LOADED, joinedload(ProjectDeployment.deployment))


RowMove = body_of(RowMoveInput, "RowMove")  # read once whose row it is is checked (`checked_first`)


@endpoint("/deployments/rows", action="read", query=RowQuery, out=RowList, tag=ROWS_TAG)
def list_deployment_rows(query: RowQuery):
    """The deployment status rows the filters select (across deployments), by project unless `sort` says."""
    where = service.RowFilter(deployment_id=query.deployment, project_id=query.project,
                              lead_id=current_user.id if query.mine else None, status=query.status,
                              to_progress=query.open, overdue_only=query.overdue, current_only=query.current)
    return listed(service.ROWS, service.rows_matching(where), query, out=RowOut.of, answer_as=RowList,
                  load=ROW_LOADED)


@endpoint("/deployments/rows/<int:row_id>", action="read", out=RowOut, tag=ROWS_TAG)
def get_deployment_row(row_id: int):
    """One deployment status row."""
    row = service.get_row(get_session(), row_id=row_id)
    return answer(RowOut.of(row), record=row)


@endpoint("/deployments/rows/<int:row_id>/moves", method="POST", action="deployment.update", body=RowMove, checked_first=True,
          out=RowOut, write=True, if_match=True, tag=ROWS_TAG)
def move_deployment_row(row_id: int, body: dict):
    """Update a project's deployment status (`to`): a project lead their own projects' rows, the process group any
    (and only it verifies); not applicable needs the reason (`rationale`); `evidence_link` carries evidence of
    adoption, `notes` a note."""
    session = get_session()
    row = service.updatable_row(session, row_id=row_id, by=current_user)
    data = versioned(RowMoveInput, body)
    return saved(lambda: service.move_row(session, row=row, data=data, by=current_user),
                 read=lambda: service.get_row(session, row_id=row_id), out=RowOut.of)


class StandardSetEntryOut(BaseModel):
    id: int
    asset: Ref
    current_release: Ref | None = Field(description="The asset's newest released version: what new projects get")
    phases: list[Phase] = Field(description="The lifecycle phases it applies to (none: all)")
    guidance: str
    version: int


class StandardSet(BaseModel):
    items: list[StandardSetEntryOut]
    review_on: date | None = Field(description="When the standard set is next reviewed")
    html_url: str


def _entry(entry: StandardSetEntry) -> StandardSetEntryOut:
    release = entry.asset.current_version
    return StandardSetEntryOut(
        id=entry.id, asset=Ref(id=entry.asset.id, name=entry.asset.title,
                               url=link("get_asset", asset_id=entry.asset.id)),
        current_release=_version_ref(release) if release else None,
        phases=[Phase(p) for p in entry.phases.split(",") if p], guidance=entry.guidance, version=entry.version)


@endpoint("/standard-set", action="read", out=StandardSet, tag=SET_TAG)
def list_standard_set():
    """The organization's standard set for new projects: each asset, the phases it applies to, its guideline."""
    session = get_session()
    return answer(StandardSet(items=[_entry(e) for e in standard_set.entries(session)],
                              review_on=standard_set.schedule(session).review_on,
                              html_url=url_for("deployments.standard_set_page")))
