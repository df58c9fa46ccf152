"""Business and process objectives: what improvement is for."""

from datetime import datetime

from sqlmodel import Field, Relationship, SQLModel

from tracker.auth.models import User
from tracker.db import UTCDateTime, utcnow, version_column, versioned

_version = version_column()


class BusinessObjective(SQLModel, table=True):
    __tablename__ = "business_objective"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, sa_column_kwargs={"unique": True})
    kpi: str = Field(max_length=200)
    baseline: str = Field(default="", max_length=100)
    target: str = Field(max_length=100)
    owner_id: int = Field(foreign_key="user.id", index=True)
    description: str = Field(default="", max_length=4000)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1, sa_column=_version)

    owner: User = Relationship()

    __mapper_args__ = versioned(_version)
