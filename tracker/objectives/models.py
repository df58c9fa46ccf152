"""Business and process objectives: what improvement is for, measured over time."""

from datetime import date, datetime

from sqlmodel import Field, Relationship, SQLModel

from tracker.auth.models import User
from tracker.db import UTCDateTime, utcnow, version_column, versioned

_version = version_column()


class BusinessObjective(SQLModel, table=True):
    """An objective with a numeric KPI: from its baseline (measured on a day) to its target by a date. Whether
    lower or higher is better follows from the two (a target below the baseline is a reduction)."""
    __tablename__ = "business_objective"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, sa_column_kwargs={"unique": True})
    kpi: str = Field(max_length=200)
    unit: str = Field(default="", max_length=40)
    baseline: float | None = None
    baseline_on: date | None = None  # when the baseline was measured (the objective's creation when unknown)
    target: float | None = None  # None only for objectives recorded before targets were numbers
    target_date: date | None = None
    owner_id: int = Field(foreign_key="user.id", index=True)
    description: str = Field(default="", max_length=4000)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_version)

    owner: User = Relationship()
    measurements: list["Measurement"] = Relationship(
        sa_relationship_kwargs={"order_by": "(Measurement.measured_on, Measurement.id)", "viewonly": True})

    __mapper_args__ = versioned(_version)

    @property
    def lower_is_better(self) -> bool:
        return self.baseline is not None and self.target is not None and self.target < self.baseline


class Measurement(SQLModel, table=True):
    """A value of the objective's KPI on a day, and where it came from (a completed plan's result among them)."""
    __tablename__ = "objective_measurement"

    id: int | None = Field(default=None, primary_key=True)
    objective_id: int = Field(foreign_key="business_objective.id", index=True, ondelete="CASCADE")
    measured_on: date
    value: float
    source: str = Field(max_length=200)
    plan_id: int | None = Field(default=None, foreign_key="action_plan.id", index=True, ondelete="SET NULL")
    recorded_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    recorded_by: User = Relationship()
