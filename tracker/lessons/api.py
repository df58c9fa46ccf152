"""Lessons learned through the JSON API: the library with the page's filters and sorts, a lesson, logging one
(anyone), correcting it (the process group any; its author, a lead of its project) and its review by the process
group; the same services as the pages."""

from datetime import datetime

from flask import url_for
from flask_login import current_user
from pydantic import BaseModel, Field

from tracker.api import answer, body_of, endpoint, link, saved, versioned
from tracker.api.schemas import ListQuery, Ref, list_of, listed, sorts
from tracker.db import get_session
from tracker.lessons import service
from tracker.lessons.forms import LessonInput, LessonMoveInput
from tracker.lessons.models import Lesson, LessonStatus, Polarity
from tracker.validation import Id

TAG = "Lessons learned"


class LessonOut(BaseModel):
    id: int
    title: str
    polarity: Polarity
    status: LessonStatus
    context: str
    what_happened: str
    recommendation: str
    project: Ref | None
    area: Ref | None = Field(description="The process area it concerns")
    asset: Ref | None = Field(description="The process asset it concerns")
    pilot: Ref | None = Field(description="The pilot it was learned from")
    deployment: Ref | None = Field(description="The deployment it was learned from")
    audit: Ref | None = Field(description="The compliance audit it was learned from")
    review_note: str
    incorporated_version: Ref | None = Field(description="The asset version that took it in")
    proposal: Ref | None = Field(description="The improvement proposal it became, or was attached to")
    author: Ref
    created_at: datetime
    version: int = Field(description="Bumped by every change; the ETag says it too")
    url: str
    html_url: str

    @classmethod
    def of(cls, lesson: Lesson) -> "LessonOut":
        project, audit, version = lesson.project, lesson.audit, lesson.incorporated_version
        return cls(
            **{name: getattr(lesson, name) for name in (
                "id", "title", "polarity", "status", "context", "what_happened", "recommendation", "review_note",
                "created_at", "version")},
            project=Ref(id=project.id, name=project.code, url=link("get_project", project_id=project.id))
            if project else None,
            area=Ref(id=lesson.area.id, name=lesson.area.code) if lesson.area else None,
            asset=Ref(id=lesson.asset.id, name=lesson.asset.title, url=link("get_asset", asset_id=lesson.asset.id))
            if lesson.asset else None,
            pilot=Ref(id=lesson.pilot.id, name=lesson.pilot.title, url=link("get_pilot", pilot_id=lesson.pilot.id))
            if lesson.pilot else None,
            deployment=Ref(id=lesson.deployment.id, name=lesson.deployment.title,
                           url=link("get_deployment", deployment_id=lesson.deployment.id))
            if lesson.deployment else None,
            audit=Ref(id=audit.id, name=f"Audit of {audit.project.code} on {audit.audit_date}",
                      url=link("get_audit", audit_id=audit.id)) if audit else None,
            incorporated_version=Ref(id=version.id, name=version.name, url=link("get_version", version_id=version.id))
            if version else None,
            proposal=Ref(id=lesson.proposal.id, name=f"#{lesson.proposal.id} {lesson.proposal.title}",
                         url=link("get_proposal", proposal_id=lesson.proposal.id)) if lesson.proposal else None,
            author=Ref(id=lesson.author.id, name=lesson.author.name),
            url=link("get_lesson", lesson_id=lesson.id), html_url=url_for("lessons.detail", lesson_id=lesson.id))


LessonList = list_of(LessonOut, "LessonList")


class LessonQuery(ListQuery):
    q: str = Field(default="", max_length=100, description="Text in the title, context, what happened or the "
                                                          "recommendation")
    status: LessonStatus | None = None
    polarity: Polarity | None = None
    project: Id | None = Field(default=None, description="A project's id")
    area: Id | None = Field(default=None, description="A process area's id")
    asset: Id | None = Field(default=None, description="A process asset's id")
    sort: sorts(service.LISTING) = service.LISTING.default


LessonBody = body_of(LessonInput, "Lesson")
LessonChange = body_of(LessonInput, "LessonChange", partial=True)
LessonMoveBody = body_of(LessonMoveInput, "LessonMove")


@endpoint("/lessons", action="read", query=LessonQuery, out=LessonList, tag=TAG)
def list_lessons(query: LessonQuery):
    """The lessons the filters select, newest first unless `sort` says."""
    where = service.LessonFilter(q=query.q, status=query.status, polarity=query.polarity, project_id=query.project,
                                 area_id=query.area, asset_id=query.asset)
    return listed(service.LISTING, service.lessons_matching(where), query, out=LessonOut.of, answer_as=LessonList,
                  load=service.WHOLE)


@endpoint("/lessons/<int:lesson_id>", action="read", out=LessonOut, tag=TAG)
def get_lesson(lesson_id: int):
    """One lesson learned."""
    lesson = service.get_lesson(get_session(), lesson_id=lesson_id)
    return answer(LessonOut.of(lesson), record=lesson)


@endpoint("/lessons", method="POST", action="lesson.log", body=LessonBody, out=LessonOut, status=201, write=True,
          tag=TAG)
def log_lesson(body: LessonInput):
    """Log a lesson learned (anyone may), optionally naming the project, process area, asset, pilot, deployment or
    audit it comes from; it waits for the process group's review."""
    session = get_session()
    lesson = service.log(session, data=body, by=current_user)
    lesson = service.get_lesson(session, lesson_id=lesson.id)
    return answer(LessonOut.of(lesson), status=201, record=lesson, location=link("get_lesson", lesson_id=lesson.id))


@endpoint("/lessons/<int:lesson_id>", method="PATCH", action="lesson.edit", body=LessonChange, out=LessonOut,
          write=True, if_match=True, tag=TAG)
def edit_lesson(lesson_id: int, body: BaseModel):
    """Correct what a lesson says (the process group any; its author, or a lead of its project); its review stays."""
    session = get_session()
    lesson = service.editable_lesson(session, lesson_id=lesson_id, by=current_user)
    data = versioned(LessonInput, body, over={name: getattr(lesson, name) for name in service.FIELDS})
    return saved(lambda: service.update_lesson(session, lesson=lesson, data=data, by=current_user),
                 read=lambda: service.get_lesson(session, lesson_id=lesson_id), out=LessonOut.of)


@endpoint("/lessons/<int:lesson_id>/moves", method="POST", action="lesson.review", body=LessonMoveBody,
          out=LessonOut, write=True, if_match=True, tag=TAG)
def move_lesson(lesson_id: int, body: LessonMoveBody):
    """The process group's review (`to`): reviewed, archived (with a `rationale`), restored, or incorporated
    (naming the asset version that took it in: `incorporated_version_id`)."""
    session = get_session()
    lesson = service.get_lesson(session, lesson_id=lesson_id)
    data = versioned(LessonMoveInput, body)
    return saved(lambda: service.move_lesson(session, lesson=lesson, data=data, by=current_user),
                 read=lambda: service.get_lesson(session, lesson_id=lesson_id), out=LessonOut.of)
