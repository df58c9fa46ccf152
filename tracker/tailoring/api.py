"""Tailoring records through the JSON API: the list with the page's filters and sorts, a record, logging one (a
project lead for the projects they lead), correcting it and its review; the same services as the pages."""

from datetime import date, datetime

from flask import url_for
from flask_login import current_user
from pydantic import BaseModel, Field

from tracker.api import answer, body_of, endpoint, link, saved, versioned
from tracker.api.schemas import ListQuery, Ref, list_of, listed, sorts
from tracker.auth.policy import led_projects_only
from tracker.db import get_session
from tracker.tailoring import service
from tracker.tailoring.forms import TailoringCorrection, TailoringInput, TailoringReviewInput
from tracker.tailoring.models import TailoringRecord, TailoringStatus, TailoringType
from tracker.validation import Id

TAG = "Tailoring"


class TailoringOut(BaseModel):
    id: int
    project: Ref
    asset_version: Ref
    element: str = Field(description="The step, section or work product tailored")
    type: TailoringType
    rationale: str
    tailored_on: date
    review_by: date | None
    status: TailoringStatus
    requester: Ref
    reviewer: Ref | None
    review_comment: str
    reviewed_on: date | None
    created_at: datetime
    version: int = Field(description="Bumped by every change; the ETag says it too")
    url: str
    html_url: str

    @classmethod
    def of(cls, record: TailoringRecord) -> "TailoringOut":
        return cls(
            **{name: getattr(record, name) for name in (
                "id", "element", "type", "rationale", "tailored_on", "review_by", "status", "review_comment",
                "reviewed_on", "created_at", "version")},
            project=Ref(id=record.project.id, name=record.project.code,
                        url=link("get_project", project_id=record.project.id)),
            asset_version=Ref(id=record.asset_version.id, name=record.asset_version.name,
                              url=link("get_version", version_id=record.asset_version.id)),
            requester=Ref(id=record.requester.id, name=record.requester.name),
            reviewer=Ref(id=record.reviewer.id, name=record.reviewer.name) if record.reviewer else None,
            url=link("get_tailoring_record", record_id=record.id),
            html_url=url_for("tailoring.detail", record_id=record.id))


TailoringList = list_of(TailoringOut, "TailoringList")


class TailoringQuery(ListQuery):
    q: str = Field(default="", max_length=100, description="Text in the element tailored")
    status: TailoringStatus | None = None
    type: TailoringType | None = None
    project: Id | None = Field(default=None, description="A project's id")
    asset: Id | None = Field(default=None, description="A process asset's id: the records tailoring its versions")
    sort: sorts(service.LISTING) = service.LISTING.default


TailoringBody = body_of(TailoringInput, "Tailoring")
TailoringChange = body_of(TailoringCorrection, "TailoringChange", partial=True)
ReviewBody = body_of(TailoringReviewInput, "TailoringReview")


@endpoint("/tailoring-records", action="read", query=TailoringQuery, out=TailoringList, tag=TAG)
def list_tailoring_records(query: TailoringQuery):
    """The tailoring records the filters select, newest first unless `sort` says (a project lead, and nothing
    more, sees their own projects' records, as on the page)."""
    where = service.TailoringFilter(q=query.q, status=query.status, type=query.type, asset_id=query.asset,
                                    project_id=query.project, lead_id=led_projects_only(current_user))
    return listed(service.LISTING, service.records_matching(where), query, out=TailoringOut.of,
                  answer_as=TailoringList)


@endpoint("/tailoring-records/<int:record_id>", action="read", out=TailoringOut, tag=TAG)
def get_tailoring_record(record_id: int):
    """One tailoring record."""
    record = service.get_tailoring(get_session(), record_id=record_id)
    return answer(TailoringOut.of(record), record=record)


@endpoint("/tailoring-records", method="POST", action="tailoring.log", body=TailoringBody, out=TailoringOut,
          status=201, write=True, tag=TAG)
def log_tailoring_record(body: TailoringInput):
    """Log how a project tailors a released asset version: the process group for any project, a project lead for
    the projects they lead. It waits for the process group's review."""
    session = get_session()
    record = service.log(session, data=body, by=current_user)
    record = service.get_tailoring(session, record_id=record.id)
    return answer(TailoringOut.of(record), status=201, record=record,
                  location=link("get_tailoring_record", record_id=record.id))


@endpoint("/tailoring-records/<int:record_id>", method="PATCH", action="tailoring.edit", body=TailoringChange,
          out=TailoringOut, write=True, if_match=True, tag=TAG)
def edit_tailoring_record(record_id: int, body: BaseModel):
    """Correct a record's fields (the process group any, a project lead their projects'); a reviewed record whose
    tailoring changes goes back to review. Its project stays."""
    session = get_session()
    record = service.editable_tailoring(session, record_id=record_id, by=current_user)
    data = versioned(TailoringCorrection, body, over={name: getattr(record, name) for name in service.FIELDS})
    return saved(lambda: service.update_tailoring(session, record=record, data=data, by=current_user),
                 read=lambda: service.get_tailoring(session, record_id=record_id), out=TailoringOut.of)


@endpoint("/tailoring-records/<int:record_id>/moves", method="POST", action="tailoring.review", body=ReviewBody,
          out=TailoringOut, write=True, if_match=True, tag=TAG)
def move_tailoring_record(record_id: int, body: ReviewBody):
    """The process group's review (`to`: approved, or rejected with a `rationale`; reopened with one)."""
    session = get_session()
    record = service.get_tailoring(session, record_id=record_id)
    data = versioned(TailoringReviewInput, body)
    return saved(lambda: service.move_tailoring(session, record=record, data=data, by=current_user),
                 read=lambda: service.get_tailoring(session, record_id=record_id), out=TailoringOut.of)
