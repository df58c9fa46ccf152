"""The catalog of process areas (CMMI) and key process areas (IT Service CMM)."""

from enum import StrEnum

from sqlmodel import Field, SQLModel

from tracker.db import enum_type


class Model(StrEnum):
    CMMI = "CMMI-DEV 1.3"
    ITS_CMM = "IT Service CMM"


class ProcessArea(SQLModel, table=True):
    __tablename__ = "process_area"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, sa_column_kwargs={"unique": True})
    name: str = Field(max_length=120)
    model: Model = Field(sa_type=enum_type(Model))
    maturity_level: int
    category: str = Field(max_length=40)

    @property
    def label(self) -> str:
        return f"{self.code} · {self.name}"
