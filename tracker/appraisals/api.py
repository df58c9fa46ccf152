"""Appraisals through the JSON API: the list with the page's filters and sorts, an appraisal with its findings, and
its workflow moves (its phases, completion, cancellation); the same services as the pages."""

from datetime import date, datetime

from flask import url_for
from flask_login import current_user
from pydantic import BaseModel, Field

from tracker.api import answer, body_of, endpoint, link, saved, versioned
from tracker.api.schemas import ListQuery, Ref, list_of, listed, sorts
from tracker.appraisals import service
from tracker.appraisals.forms import AppraisalMoveInput
from tracker.appraisals.models import Appraisal, AppraisalStatus, Finding, FindingKind, Method, ReferenceModel
from tracker.db import get_session
from tracker.validation import Id

TAG = "Appraisals"


class AppraisalOut(BaseModel):
    id: int
    title: str
    reference_model: ReferenceModel
    method: Method
    status: AppraisalStatus
    sponsor: Ref
    lead_appraiser: Ref
    team: list[Ref]
    projects: list[Ref]
    areas: list[Ref] = Field(description="The process areas in its scope (none: all of them)")
    scope_notes: str
    resources: str
    logistics: str
    preparation_on: date
    execution_on: date
    reporting_on: date
    aftercare_on: date
    completion_on: date = Field(description="When it is planned to be completed")
    completed_on: date | None = Field(description="When it was completed: reappraisal counts from it")
    maturity_level: int | None
    created_at: datetime
    version: int = Field(description="Bumped by every change; the ETag says it too")
    url: str
    html_url: str

    @classmethod
    def of(cls, appraisal: Appraisal, **more) -> "AppraisalOut":
        return cls(**{name: getattr(appraisal, name) for name in (
            "id", "title", "reference_model", "method", "status", "scope_notes", "resources", "logistics",
            "preparation_on", "execution_on", "reporting_on", "aftercare_on", "completion_on", "completed_on",
            "maturity_level", "created_at", "version")},
            sponsor=Ref(id=appraisal.sponsor.id, name=appraisal.sponsor.name),
            lead_appraiser=Ref(id=appraisal.lead_appraiser.id, name=appraisal.lead_appraiser.name),
            team=[Ref(id=member.id, name=member.name) for member in appraisal.team],
            projects=[Ref(id=project.id, name=project.code, url=link("get_project", project_id=project.id))
                      for project in appraisal.projects],
            areas=[Ref(id=area.id, name=area.code) for area in appraisal.areas],
            url=link("get_appraisal", appraisal_id=appraisal.id),
            html_url=url_for("appraisals.detail", appraisal_id=appraisal.id), **more)


class FindingOut(BaseModel):
    id: int
    kind: FindingKind
    area: Ref
    project: Ref | None
    statement: str
    evidence: str
    recorded_by: Ref
    created_at: datetime

    @classmethod
    def of(cls, finding: Finding) -> "FindingOut":
        return cls(id=finding.id, kind=finding.kind, statement=finding.statement, evidence=finding.evidence,
                   created_at=finding.created_at, area=Ref(id=finding.area.id, name=finding.area.code),
                   project=Ref(id=finding.project.id, name=finding.project.code,
                               url=link("get_project", project_id=finding.project.id)) if finding.project else None,
                   recorded_by=Ref(id=finding.recorded_by.id, name=finding.recorded_by.name))


class AppraisalDetail(AppraisalOut):
    findings: list[FindingOut] = Field(description="Strengths, then weaknesses, then improvement opportunities")


AppraisalList = list_of(AppraisalOut, "AppraisalList")


class AppraisalQuery(ListQuery):
    q: str = Field(default="", max_length=100, description="Text in the title")
    status: AppraisalStatus | None = None
    area: Id | None = Field(default=None, description="A process area's id: the appraisals with it in scope")
    sort: sorts(service.LISTING) = service.LISTING.default


@endpoint("/appraisals", action="read", query=AppraisalQuery, out=AppraisalList, tag=TAG)
def list_appraisals(query: AppraisalQuery):
    """The appraisals the filters select, the latest completed (or planned to be) first unless `sort` says."""
    where = service.AppraisalFilter(q=query.q, status=query.status, area_id=query.area)
    return listed(service.LISTING, service.appraisals_matching(where), query, out=AppraisalOut.of,
                  answer_as=AppraisalList)


def _detail(appraisal: Appraisal) -> AppraisalDetail:
    findings = service.findings_of(get_session(), appraisal_id=appraisal.id)
    return AppraisalDetail.of(appraisal, findings=[FindingOut.of(finding) for finding in findings])


@endpoint("/appraisals/<int:appraisal_id>", action="read", out=AppraisalDetail, tag=TAG)
def get_appraisal(appraisal_id: int):
    """One appraisal, with its findings."""
    appraisal = service.get_appraisal(get_session(), appraisal_id=appraisal_id)
    return answer(_detail(appraisal), record=appraisal)


AppraisalMoveBody = body_of(AppraisalMoveInput, "AppraisalMove")


@endpoint("/appraisals/<int:appraisal_id>/moves", method="POST", action="appraisal.move", body=AppraisalMoveBody,
          out=AppraisalDetail, write=True, if_match=True, tag=TAG)
def move_appraisal(appraisal_id: int, body: AppraisalMoveBody):
    """Move an appraisal to its next phase, complete it (with the maturity level its method gives, if any), or
    cancel it (`rationale` required): the process group."""
    session = get_session()
    appraisal = service.get_appraisal(session, appraisal_id=appraisal_id)
    data = versioned(AppraisalMoveInput, body)
    return saved(lambda: service.move_appraisal(session, appraisal=appraisal, data=data, by=current_user),
                 read=lambda: service.get_appraisal(session, appraisal_id=appraisal_id), out=_detail)
