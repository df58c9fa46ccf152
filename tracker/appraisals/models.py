"""Appraisals of the organization's processes (OPF SP 1.2): the appraisal plan with its scope, team and timeline,
the findings it delivers (strengths, weaknesses, improvement opportunities), the ratings per process area, and
the cadence of reappraisal per scope."""

from datetime import date, datetime
from enum import IntEnum

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel, UniqueConstraint

from tracker.auth.models import User
from tracker.db import UTCDateTime, enum_type, utcnow, version_column, versioned
from tracker.enums import Labelled, spoken
from tracker.process_areas.models import ProcessArea
from tracker.projects.models import Project


@spoken(cmmi_dev="CMMI-DEV", cmmi_svc="CMMI-SVC", it_service_cmm="IT Service CMM", iso_33001="ISO/IEC 33001",
        internal="Internal model")
class ReferenceModel(Labelled):
    CMMI_DEV = "cmmi_dev"
    CMMI_SVC = "cmmi_svc"
    IT_SERVICE_CMM = "it_service_cmm"
    ISO_33001 = "iso_33001"
    INTERNAL = "internal"


@spoken(scampi_a="SCAMPI A", scampi_b="SCAMPI B", scampi_c="SCAMPI C", a2i="A2I self-assessment")
class Method(Labelled):
    SCAMPI_A = "scampi_a"
    SCAMPI_B = "scampi_b"
    SCAMPI_C = "scampi_c"
    A2I = "a2i"
    GAP_ANALYSIS = "gap_analysis"


# SCAMPI A rates process areas (and may give a maturity level); the others characterize without rating.
RATING_METHODS = frozenset({Method.SCAMPI_A})
# An A2I self-assessment asks its participants a questionnaire.
QUESTIONNAIRE_METHODS = frozenset({Method.A2I})


class AppraisalStatus(Labelled):
    PLANNED = "planned"
    PREPARATION = "preparation"
    EXECUTION = "execution"
    REPORTING = "reporting"
    AFTERCARE = "aftercare"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


# The phases in order, with the plan's date field on which each begins.
PHASES: tuple[tuple[AppraisalStatus, str], ...] = (
    (AppraisalStatus.PREPARATION, "preparation_on"),
    (AppraisalStatus.EXECUTION, "execution_on"),
    (AppraisalStatus.REPORTING, "reporting_on"),
    (AppraisalStatus.AFTERCARE, "aftercare_on"),
    (AppraisalStatus.COMPLETED, "completion_on"),
)
EDITABLE = frozenset({AppraisalStatus.PLANNED, AppraisalStatus.PREPARATION, AppraisalStatus.EXECUTION,
                      AppraisalStatus.REPORTING, AppraisalStatus.AFTERCARE})
# Findings and ratings are recorded while the appraisal is conducted and reported.
FINDING_STATUSES = frozenset({AppraisalStatus.EXECUTION, AppraisalStatus.REPORTING})
# Participants are named until execution ends; they answer during execution, and their answers lock with it.
NAMING_STATUSES = frozenset({AppraisalStatus.PLANNED, AppraisalStatus.PREPARATION, AppraisalStatus.EXECUTION})
ANSWERING_STATUSES = frozenset({AppraisalStatus.EXECUTION})


class AppraisalProject(SQLModel, table=True):
    __tablename__ = "appraisal_project"
    appraisal_id: int = Field(foreign_key="appraisal.id", primary_key=True, ondelete="CASCADE")
    project_id: int = Field(foreign_key="project.id", primary_key=True, ondelete="CASCADE", index=True)


class AppraisalArea(SQLModel, table=True):
    __tablename__ = "appraisal_area"
    appraisal_id: int = Field(foreign_key="appraisal.id", primary_key=True, ondelete="CASCADE")
    area_id: int = Field(foreign_key="process_area.id", primary_key=True, ondelete="CASCADE", index=True)


class AppraisalTeamMember(SQLModel, table=True):
    __tablename__ = "appraisal_team_member"
    appraisal_id: int = Field(foreign_key="appraisal.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE", index=True)


_version = version_column()


class Appraisal(SQLModel, table=True):
    # The appraisals list's order (completed, or planned to be, newest first) read from an index, not sorted.
    __table_args__ = (sa.Index("ix_appraisal_when", sa.text("coalesce(completed_on, completion_on)"), "id"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    reference_model: ReferenceModel = Field(sa_type=enum_type(ReferenceModel))
    method: Method = Field(sa_type=enum_type(Method))
    sponsor_id: int = Field(foreign_key="user.id", index=True)
    lead_appraiser_id: int = Field(foreign_key="user.id", index=True)
    scope_notes: str = Field(default="", max_length=4000)
    resources: str = Field(default="", max_length=4000)
    logistics: str = Field(default="", max_length=4000)
    # The timeline: the day each phase begins, and the planned completion.
    preparation_on: date
    execution_on: date
    reporting_on: date
    aftercare_on: date
    completion_on: date = Field(index=True)
    status: AppraisalStatus = Field(default=AppraisalStatus.PLANNED, sa_type=enum_type(AppraisalStatus), index=True)
    completed_on: date | None = Field(default=None, index=True)  # the day it was completed: reappraisal counts from it
    maturity_level: int | None = None  # the resulting maturity level, when the method gives one
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_version)

    sponsor: User = Relationship(sa_relationship_kwargs={"foreign_keys": "Appraisal.sponsor_id"})
    lead_appraiser: User = Relationship(sa_relationship_kwargs={"foreign_keys": "Appraisal.lead_appraiser_id"})
    projects: list[Project] = Relationship(link_model=AppraisalProject,
                                           sa_relationship_kwargs={"order_by": "Project.code"})
    areas: list[ProcessArea] = Relationship(link_model=AppraisalArea,
                                            sa_relationship_kwargs={"order_by": "ProcessArea.code"})
    team: list[User] = Relationship(link_model=AppraisalTeamMember, sa_relationship_kwargs={"order_by": "User.name"})
    participants: list["Participant"] = Relationship(sa_relationship_kwargs={"order_by": "Participant.id"})

    __mapper_args__ = versioned(_version)

    @property
    def rates(self) -> bool:
        return self.method in RATING_METHODS

    @property
    def asks(self) -> bool:
        return self.method in QUESTIONNAIRE_METHODS


@spoken(opportunity="Improvement opportunity")
class FindingKind(Labelled):
    STRENGTH = "strength"
    WEAKNESS = "weakness"
    OPPORTUNITY = "opportunity"


# A weakness or an opportunity can become an improvement proposal; a strength is kept as it is.
TO_IMPROVE = frozenset({FindingKind.WEAKNESS, FindingKind.OPPORTUNITY})

_finding_version = version_column()


class Finding(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    appraisal_id: int = Field(foreign_key="appraisal.id", index=True, ondelete="CASCADE")
    kind: FindingKind = Field(sa_type=enum_type(FindingKind))
    area_id: int = Field(foreign_key="process_area.id", index=True)
    project_id: int | None = Field(default=None, foreign_key="project.id", index=True)
    statement: str = Field(max_length=2000)
    evidence: str = Field(default="", max_length=4000)
    recorded_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_finding_version)

    appraisal: Appraisal = Relationship()
    area: ProcessArea = Relationship()
    project: Project | None = Relationship()
    recorded_by: User = Relationship()

    __mapper_args__ = versioned(_finding_version)


@spoken(partially="Partially satisfied")
class RatingValue(Labelled):
    SATISFIED = "satisfied"
    PARTIALLY = "partially"
    NOT_SATISFIED = "not_satisfied"
    NOT_RATED = "not_rated"


class Rating(SQLModel, table=True):
    """One process area's rating in one appraisal: a goal-satisfaction rating, a capability level, or both."""
    __table_args__ = (UniqueConstraint("appraisal_id", "area_id"),)

    id: int | None = Field(default=None, primary_key=True)
    appraisal_id: int = Field(foreign_key="appraisal.id", index=True, ondelete="CASCADE")
    area_id: int = Field(foreign_key="process_area.id", index=True)
    value: RatingValue = Field(sa_type=enum_type(RatingValue))
    capability_level: int | None = None

    area: ProcessArea = Relationship()


class CadenceScope(Labelled):
    ORGANIZATION = "organization"
    PROCESS_AREA = "process_area"


_cadence_version = version_column()


class ReappraisalCadence(SQLModel, table=True):
    """How often a scope is appraised: the whole organization, or one process area. The next appraisal is due
    this many months after the last completed appraisal that covered the scope."""
    __tablename__ = "reappraisal_cadence"
    __table_args__ = (UniqueConstraint("scope", "area_id"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: CadenceScope = Field(sa_type=enum_type(CadenceScope))
    area_id: int | None = Field(default=None, foreign_key="process_area.id", ondelete="CASCADE")
    months: int
    version: int = Field(default=1, sa_column=_cadence_version)

    area: ProcessArea | None = Relationship()

    __mapper_args__ = versioned(_cadence_version)


# --- the A2I self-assessment: a question bank per process area, the participants, their answers

_question_version = version_column()


class Question(SQLModel, table=True):
    """A question of the appraisal team's reusable bank, for one process area; retired questions stay on record."""
    __tablename__ = "appraisal_question"

    id: int | None = Field(default=None, primary_key=True)
    area_id: int = Field(foreign_key="process_area.id", index=True)
    text: str = Field(max_length=1000)
    active: bool = Field(default=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_question_version)

    area: ProcessArea = Relationship()

    __mapper_args__ = versioned(_question_version)


class Participant(SQLModel, table=True):
    """Someone the appraisal team asked to answer the questionnaire, for a project in scope (or the whole scope)."""
    __tablename__ = "appraisal_participant"
    __table_args__ = (UniqueConstraint("appraisal_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    appraisal_id: int = Field(foreign_key="appraisal.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True)
    project_id: int | None = Field(default=None, foreign_key="project.id")

    user: User = Relationship()
    project: Project | None = Relationship()


class Frequency(IntEnum):
    """How an answer rates a practice; no rating is "don't know"."""
    NEVER = 1
    RARELY = 2
    SOMETIMES = 3
    USUALLY = 4
    ALWAYS = 5

    @property
    def label(self) -> str:
        return self.name.capitalize()


class Answer(SQLModel, table=True):
    """One participant's answer to one question in one appraisal: a rating (None: don't know) and a comment."""
    __tablename__ = "appraisal_answer"
    __table_args__ = (UniqueConstraint("appraisal_id", "question_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    appraisal_id: int = Field(foreign_key="appraisal.id", index=True, ondelete="CASCADE")
    question_id: int = Field(foreign_key="appraisal_question.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    project_id: int | None = Field(default=None, foreign_key="project.id")  # the participant's, when answered
    rating: int | None = None
    comment: str = Field(default="", max_length=2000)
    answered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
