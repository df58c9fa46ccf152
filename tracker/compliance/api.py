"""Compliance audits and their noncompliances through the JSON API: the lists with the pages' filters and sorts,
an audit (with its results) and a noncompliance, and their workflow moves; the same services as the pages."""

from datetime import date, datetime

from flask import url_for
from flask_login import current_user
from pydantic import BaseModel, Field

from tracker.api import answer, body_of, endpoint, link, saved, versioned
from tracker.api.schemas import ListQuery, Ref, list_of, listed, sorts
from tracker.compliance import service
from tracker.compliance.forms import AuditMoveInput, NoncomplianceMoveInput
from tracker.compliance.models import (
    AuditResult,
    AuditStatus,
    Compliance,
    ComplianceAudit,
    Noncompliance,
    NoncomplianceStatus,
)
from tracker.db import get_session
from tracker.validation import Id

AUDITS = "Compliance audits"
NONCOMPLIANCES = "Noncompliances"


class ResultOut(BaseModel):
    asset_version: Ref
    result: Compliance
    notes: str

    @classmethod
    def of(cls, result: AuditResult) -> "ResultOut":
        return cls(asset_version=Ref(id=result.asset_version.id, name=result.asset_version.name,
                                     url=link("get_version", version_id=result.asset_version.id)),
                   result=result.result, notes=result.notes)


class AuditOut(BaseModel):
    id: int
    project: Ref
    audit_date: date
    auditor: Ref
    scope_notes: str
    summary: str
    status: AuditStatus
    results: list[ResultOut] = Field(description="The result recorded for each asset version audited")
    noncompliances_url: str = Field(description="The list of the noncompliances the audit found")
    created_at: datetime
    version: int = Field(description="Bumped by every change; the ETag says it too")
    url: str
    html_url: str

    @classmethod
    def of(cls, audit: ComplianceAudit) -> "AuditOut":
        return cls(
            **{name: getattr(audit, name) for name in (
                "id", "audit_date", "scope_notes", "summary", "status", "created_at", "version")},
            project=Ref(id=audit.project.id, name=audit.project.code,
                        url=link("get_project", project_id=audit.project.id)),
            auditor=Ref(id=audit.auditor.id, name=audit.auditor.name),
            results=[ResultOut.of(result) for result in sorted(audit.results, key=lambda r: r.asset_version_id)],
            noncompliances_url=link("list_noncompliances", audit=audit.id),
            url=link("get_audit", audit_id=audit.id), html_url=url_for("compliance.detail", audit_id=audit.id))


AuditList = list_of(AuditOut, "AuditList")


class AuditQuery(ListQuery):
    project: Id | None = Field(default=None, description="A project's id: its audits")
    asset: Id | None = Field(default=None, description="A process asset's id: the audits with a result for one of "
                                                       "its versions")
    auditor: Id | None = Field(default=None, description="A person's id: the audits they hold")
    mine: bool = Field(default=False, description="Only the audits you hold (instead of `auditor`)")
    status: AuditStatus | None = None
    sort: sorts(service.AUDITS) = service.AUDITS.default


AuditMoveBody = body_of(AuditMoveInput, "AuditMove")


@endpoint("/compliance/audits", action="read", query=AuditQuery, out=AuditList, tag=AUDITS)
def list_audits(query: AuditQuery):
    """The compliance audits the filters select, newest first unless `sort` says."""
    where = service.AuditFilter(project_id=query.project, asset_id=query.asset, status=query.status,
                                auditor_id=current_user.id if query.mine else query.auditor)
    return listed(service.AUDITS, service.audits_matching(where), query, out=AuditOut.of, answer_as=AuditList)


@endpoint("/compliance/audits/<int:audit_id>", action="read", out=AuditOut, tag=AUDITS)
def get_audit(audit_id: int):
    """One compliance audit, with its results."""
    audit = service.get_audit(get_session(), audit_id=audit_id)
    return answer(AuditOut.of(audit), record=audit)


@endpoint("/compliance/audits/<int:audit_id>/moves", method="POST", action="audit.edit", body=AuditMoveBody,
          out=AuditOut, write=True, if_match=True, tag=AUDITS)
def move_audit(audit_id: int, body: AuditMoveBody):
    """Complete an audit once held (with its `summary`), or reopen it (with a `rationale`): the process group."""
    session = get_session()
    audit = service.get_audit(session, audit_id=audit_id)
    data = versioned(AuditMoveInput, body)
    return saved(lambda: service.move_audit(session, audit=audit, data=data, by=current_user),
                 read=lambda: service.get_audit(session, audit_id=audit_id), out=AuditOut.of)


class NoncomplianceOut(BaseModel):
    id: int
    audit: Ref
    project: Ref
    description: str
    asset_version: Ref | None = Field(description="The asset version it was found against")
    owner: Ref
    due_date: date
    status: NoncomplianceStatus
    resolution: str
    created_at: datetime
    version: int = Field(description="Bumped by every change; the ETag says it too")
    url: str
    html_url: str

    @classmethod
    def of(cls, item: Noncompliance) -> "NoncomplianceOut":
        audit, project, version = item.audit, item.audit.project, item.asset_version
        return cls(
            **{name: getattr(item, name) for name in (
                "id", "description", "due_date", "status", "resolution", "created_at", "version")},
            audit=Ref(id=audit.id, name=f"Audit of {project.code} on {audit.audit_date}",
                      url=link("get_audit", audit_id=audit.id)),
            project=Ref(id=project.id, name=project.code, url=link("get_project", project_id=project.id)),
            asset_version=Ref(id=version.id, name=version.name, url=link("get_version", version_id=version.id))
            if version else None,
            owner=Ref(id=item.owner.id, name=item.owner.name),
            url=link("get_noncompliance", item_id=item.id),
            html_url=url_for("compliance.detail", audit_id=audit.id, _anchor=f"nc-{item.id}"))


NoncomplianceList = list_of(NoncomplianceOut, "NoncomplianceList")


class NoncomplianceQuery(ListQuery):
    q: str = Field(default="", max_length=100, description="Text in the description")
    status: NoncomplianceStatus | None = None
    open: bool = Field(default=False, description="Only those still owed (open or in progress)")
    overdue: bool = Field(default=False, description="Only those past their due date and still owed")
    owner: Id | None = Field(default=None, description="A person's id: the noncompliances they own")
    mine: bool = Field(default=False, description="Only the noncompliances you own (instead of `owner`)")
    project: Id | None = Field(default=None, description="A project's id: found by its audits")
    asset: Id | None = Field(default=None, description="A process asset's id: found against one of its versions")
    audit: Id | None = Field(default=None, description="An audit's id: the noncompliances it found")
    sort: sorts(service.NONCOMPLIANCES) = service.NONCOMPLIANCES.default


NoncomplianceMoveBody = body_of(NoncomplianceMoveInput, "NoncomplianceMove")
# partial: whose it is (the policy's object rule) is checked before what is asked of it, as on the page, so that a
# stranger's move is refused (403) whatever its body; `versioned` then parses it by the whole model (`to` required).


@endpoint("/compliance/noncompliances", action="read", query=NoncomplianceQuery, out=NoncomplianceList,
          tag=NONCOMPLIANCES)
def list_noncompliances(query: NoncomplianceQuery):
    """The noncompliances the filters select, across audits, soonest due first unless `sort` says."""
    where = service.NoncomplianceFilter(
        q=query.q, owner_id=current_user.id if query.mine else query.owner, status=query.status,
        open_only=query.open, overdue_only=query.overdue, project_id=query.project, asset_id=query.asset,
        audit_id=query.audit)
    return listed(service.NONCOMPLIANCES, service.noncompliances_matching(where), query, out=NoncomplianceOut.of,
                  answer_as=NoncomplianceList)


@endpoint("/compliance/noncompliances/<int:item_id>", action="read", out=NoncomplianceOut, tag=NONCOMPLIANCES)
def get_noncompliance(item_id: int):
    """One noncompliance."""
    item = service.get_noncompliance(get_session(), item_id=item_id)
    return answer(NoncomplianceOut.of(item), record=item)


@endpoint("/compliance/noncompliances/<int:item_id>/moves", method="POST", action="noncompliance.update",
          body=NoncomplianceMoveBody, checked_first=True, out=NoncomplianceOut, write=True, if_match=True, tag=NONCOMPLIANCES)
def move_noncompliance(item_id: int, body: dict):
    """Work a noncompliance to closure (`to`): its owner (or the process group) starts and resolves it (the
    `rationale` is the resolution) or reopens it; the process group closes it."""
    session = get_session()
    item = service.updatable_noncompliance(session, item_id=item_id, by=current_user)
    data = versioned(NoncomplianceMoveInput, body)
    return saved(lambda: service.move_noncompliance(session, item=item, data=data, by=current_user),
                 read=lambda: service.get_noncompliance(session, item_id=item_id), out=NoncomplianceOut.of)
