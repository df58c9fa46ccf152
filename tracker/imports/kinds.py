"""What a row of each kind becomes: the fields its columns can fill (a form's fields, in the words the form uses),
the form's input model that reads them, and the service functions that create a record or update the one the
row's key made before. A row is read exactly as the form would read it (names and emails for people, codes and
titles for records; an enumeration by its value or its label; several values in one cell split on ";" or line
breaks), so an import keeps every rule the pages keep."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any, get_args

from sqlalchemy.orm import selectinload
from sqlmodel import Session, SQLModel, select
from werkzeug.datastructures import MultiDict

from tracker.assets import service as assets
from tracker.assets.forms import AssetInput
from tracker.assets.models import ProcessAsset
from tracker.auth.models import User
from tracker.imports import redmine
from tracker.imports.models import ImportKind
from tracker.imports.read import Table, read_table
from tracker.lessons import service as lessons
from tracker.lessons.forms import LessonInput
from tracker.lessons.models import Lesson
from tracker.lookup import Unresolved, resolve
from tracker.process_areas.models import ProcessArea
from tracker.projects import service as projects
from tracker.projects.forms import ProjectInput
from tracker.projects.models import Project
from tracker.proposals import service as proposals
from tracker.proposals.forms import ProposalInput
from tracker.proposals.models import Proposal, ProposalStatus
from tracker.tailoring import service as tailoring
from tracker.tailoring.forms import TailoringCorrection, TailoringInput
from tracker.tailoring.models import TailoringRecord
from tracker.validation import FormModel, is_list, lookup_fields

PROPOSAL_LINKS = (selectinload(Proposal.areas), selectinload(Proposal.assets), selectinload(Proposal.objectives))
SEVERAL = re.compile(r"\s*[;\n]\s*")
AREAS = {"area_ids", "area_id"}  # process areas by their code (VER, OPF), not an id


@dataclass(frozen=True)
class Target:
    kind: ImportKind
    noun: str
    model: type[FormModel]  # the form's input model: a row is read as the form would be
    fields: dict[str, str]  # field -> its label, as offered for a column
    model_type: type[SQLModel]
    current: Callable[[Any], dict[str, Any]]  # a record's values as its form holds them
    create: Callable[[Session, list[FormModel], User], list[int]]  # new records, many at once: their ids
    update: Callable[[Session, Any, FormModel, User], SQLModel]
    update_model: type[FormModel] | None = None  # the correction's model, where it is not the creation's
    read: Callable[[bytes], Table] = read_table  # the file as a table
    defaults: dict[str, str] = field(default_factory=dict)  # a field's value when no column fills it
    translations: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> a file's text -> its value
    then: Callable[..., None] | None = None  # the fields beyond the form's: (session, record, Row, by=)
    natural_key: str = ""  # the field that names a record uniquely, its key when no column is the key
    dated: bool = False  # its rows hold dates written as the file's system writes them (day or month first)
    load: tuple = ()  # what `current` reads of a record, loaded with it (an import reads thousands)
    required: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self):
        required = frozenset(name for name, info in self.model.model_fields.items()
                             if info.is_required() and name in self.fields and name not in self.defaults)
        object.__setattr__(self, "required", required)

    def options(self, name: str) -> list[tuple[str, str]]:
        """A translated field's values, as (value, label), for the mapping page's tables."""
        if name == "status":
            return [(status.value, status.label) for status in ProposalStatus]
        info = self.model.model_fields.get(name)
        if info is None:
            return []
        for candidate in (info.annotation, *get_args(info.annotation)):
            if isinstance(candidate, type) and issubclass(candidate, Enum):
                return [(str(member.value), str(getattr(member, "label", member.value))) for member in candidate]
        if name in ("expected_benefit", "estimated_effort"):
            return [(str(n), str(n)) for n in range(1, 6)]  # a 1-5 scale
        return []


PAGES = {Project: ("projects.detail", "project_id"), ProcessAsset: ("assets.detail", "asset_id"),
         Proposal: ("proposals.detail", "proposal_id"), Lesson: ("lessons.detail", "lesson_id"),
         TailoringRecord: ("tailoring.detail", "record_id")}  # each kind's record page, for the check's links


LISTED = "Choose one of the listed options."
SUGGESTED = re.compile(r":? pick from the suggestions.*$")


def in_import_words(target: Target, errors: dict[str, str]) -> dict[str, str]:
    """A form's messages said for a file, where nothing is listed to pick from: the values a choice allows, and an
    unknown process area or record named as such."""
    said = {}
    for name, message in errors.items():
        if message == LISTED and target.options(name):
            message = f"Choose one of: {', '.join(label for _, label in target.options(name))}."
        elif name in AREAS and message.startswith(("Enter a whole number", "Choose")):
            message = "No process area has this code (VER, PPQA, OPF…)."
        said[name] = SUGGESTED.sub(".", message)
    return said


def _values(record, names) -> dict[str, Any]:
    return {name: getattr(record, name) for name in names}


TARGETS: dict[ImportKind, Target] = {target.kind: target for target in (
    Target(ImportKind.PROJECTS, "project", ProjectInput, {
        "code": "Code", "name": "Name", "description": "Description", "phase": "Phase", "status": "Status",
        "start_date": "Start date", "end_date": "End date", "lead_ids": "Leads"}, Project, natural_key="code",
        current=lambda project: _values(project, projects.FIELDS) | {"lead_ids": [lead.id for lead in project.leads]},
        create=lambda session, items, by: projects.create_projects(session, items=items, by=by),
        update=lambda session, project, data, by: projects.update_project(session, project=project, data=data, by=by),
        load=(selectinload(Project.leads),)),
    Target(ImportKind.ASSETS, "process asset", AssetInput, {
        "title": "Title", "kind": "Kind", "owner_id": "Owner", "description": "Description",
        "area_ids": "Process areas", "review_interval_months": "Review every (months)"}, ProcessAsset,
        natural_key="title",
        current=lambda asset: _values(asset, assets.FIELDS) | {"area_ids": [area.id for area in asset.areas]},
        create=lambda session, items, by: assets.create_assets(session, items=items, by=by),
        update=lambda session, asset, data, by: assets.update_asset(session, asset=asset, data=data, by=by),
        load=(selectinload(ProcessAsset.areas),)),
    Target(ImportKind.PROPOSALS, "proposal", ProposalInput, {
        "title": "Title", "problem": "Problem", "proposed_change": "Proposed change", "source": "Source",
        "source_ref": "Source reference", "expected_benefit": "Expected benefit (1-5)",
        "estimated_effort": "Estimated effort (1-5)", "area_ids": "Process areas", "asset_ids": "Process assets",
        "objective_ids": "Business objectives"}, Proposal,
        current=lambda proposal: _values(proposal, proposals.FIELDS) | proposals.linked_ids(proposal),
        create=lambda session, items, by: proposals.submit_all(session, items=items, by=by), load=PROPOSAL_LINKS,
        update=lambda session, proposal, data, by: proposals.update_proposal(session, proposal=proposal, data=data,
                                                                             by=by)),
    Target(ImportKind.LESSONS, "lesson", LessonInput, {
        "title": "Title", "project_id": "Project", "area_id": "Process area", "asset_id": "Process asset",
        "context": "Context", "what_happened": "What happened", "recommendation": "Recommendation",
        "polarity": "Kind (positive or negative)"}, Lesson,
        current=lambda lesson: _values(lesson, lessons.FIELDS),
        create=lambda session, items, by: lessons.log_all(session, items=items, by=by),
        update=lambda session, lesson, data, by: lessons.update_lesson(session, lesson=lesson, data=data, by=by)),
    Target(ImportKind.TAILORING, "tailoring record", TailoringInput, {
        "project_id": "Project", "asset_version_id": "Asset version", "element": "Element tailored",
        "type": "Type", "rationale": "Rationale", "tailored_on": "Tailored on", "review_by": "Review by"},
        TailoringRecord, update_model=TailoringCorrection,
        current=lambda record: _values(record, ("project_id", "asset_version_id", "element", "type", "rationale",
                                                "tailored_on", "review_by")),
        create=lambda session, items, by: tailoring.log_all(session, items=items, by=by),
        update=lambda session, record, data, by: tailoring.update_tailoring(session, record=record, data=data,
                                                                            by=by)),
    Target(ImportKind.REDMINE, "proposal", ProposalInput, {
        "title": "Title (Subject)", "problem": "Problem (Description)", "proposed_change": "Proposed change",
        "source": "Source (Tracker)", "status": "Status", "expected_benefit": "Expected benefit (Priority)",
        "estimated_effort": "Estimated effort (1-5)", "submitter": "Submitter (Author)",
        "submitted_on": "Submitted on (Created)", "decided_on": "Decided on (Closed)",
        "comments": "Comments (Journals, Last notes)"}, Proposal,
        current=lambda proposal: _values(proposal, proposals.FIELDS) | proposals.linked_ids(proposal),
        create=lambda session, items, by: proposals.submit_all(session, items=items, by=by), load=PROPOSAL_LINKS,
        update=lambda session, proposal, data, by: proposals.update_proposal(session, proposal=proposal, data=data,
                                                                             by=by),
        read=redmine.read_issues, translations=redmine.TRANSLATIONS, then=redmine.settle, dated=True,
        defaults={"problem": redmine.NO_DESCRIPTION, "proposed_change": redmine.NOT_GIVEN, "source": "other",
                  "expected_benefit": "3", "estimated_effort": "3"}),
)}


def as_form(session: Session, model: type[FormModel], values: dict[str, Any]) -> MultiDict:
    """Values (a row's text, a record's values) as the form would post them: lists as several values, an
    enumeration's label as its value, a process area's code as its id."""
    form = MultiDict()
    looked_up = lookup_fields(model)
    for name, value in values.items():
        if name not in model.model_fields:
            continue
        annotation = model.model_fields[name].annotation
        several = is_list(annotation)
        parts = value if isinstance(value, list) else SEVERAL.split(value.strip()) if several and isinstance(
            value, str) else [value]
        for part in parts:
            text = _text(part)
            if name in AREAS and text and not text.isdigit():
                text = str(_area_id(session, text) or text)
            elif name in looked_up and not several and text:
                text = _looked_up(session, looked_up[name], text)
            elif text:
                text = _enum_value(annotation, text)
            form.add(name, text)
    return form


def _looked_up(session: Session, kind: str, text: str) -> str:
    """A record's id for the text that names it (a project's code, a person's name), found once a session: an
    import names the same few records in thousands of rows. Text naming none is left for the form to refuse."""
    found = session.info.setdefault("looked_up", {})
    if (kind, text) not in found:
        try:
            found[kind, text] = str(resolve(session, kind, text))
        except Unresolved:
            found[kind, text] = text
    return found[kind, text]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _enum_value(annotation, text: str) -> str:
    """An enumeration's value for its value or its label, in any case ("In progress", "in_progress")."""
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, Enum):
            for member in candidate:
                if text.casefold() in {str(member.value).casefold(), str(getattr(member, "label", "")).casefold()}:
                    return str(member.value)
    return text


def _area_id(session: Session, code: str) -> int | None:
    """A process area's id by its code: the catalog read once a session (an import reads it for every row)."""
    if "area_ids" not in session.info:
        session.info["area_ids"] = dict(session.exec(select(ProcessArea.code, ProcessArea.id)).all())
    return session.info["area_ids"].get(code.upper())
