"""Reading and seeding the process-area catalog."""

from dataclasses import dataclass

from sqlmodel import Session, select

from tracker.listing import Column, Listing
from tracker.process_areas.catalog import CATALOG
from tracker.process_areas.models import Model, ProcessArea
from tracker.sql import contains


def seed_catalog(session: Session) -> int:
    """Add the catalog entries that are missing (idempotent); returns how many were added."""
    known = set(session.exec(select(ProcessArea.code)).all())
    missing = [
        ProcessArea(code=code, name=name, maturity_level=level, category=category, model=model)
        for code, name, level, category, model in CATALOG
        if code not in known
    ]
    session.add_all(missing)
    return len(missing)


def list_areas(session: Session) -> list[ProcessArea]:
    """Every process area, by model, level and code."""
    return list(session.exec(
        select(ProcessArea).order_by(ProcessArea.model, ProcessArea.maturity_level, ProcessArea.code)
    ).all())


@dataclass(frozen=True)
class AreaFilter:
    q: str = ""  # in the code or name
    model: Model | None = None
    level: int | None = None


LISTING = Listing("process-areas", ProcessArea.id, {
    "code": Column("Code", (ProcessArea.code,), ProcessArea.code),
    "name": Column("Name", (ProcessArea.name,), ProcessArea.name),
    "model": Column("Model", (ProcessArea.model, ProcessArea.maturity_level, ProcessArea.code), ProcessArea.model),
    "level": Column("Maturity level", (ProcessArea.maturity_level, ProcessArea.code), ProcessArea.maturity_level),
    "category": Column("Category", (ProcessArea.category, ProcessArea.code), ProcessArea.category),
    "assets": Column("Assets"),
}, default="model")


def areas_matching(where: AreaFilter):
    """The process areas the filter selects (LISTING orders and pages them)."""
    statement = select(ProcessArea)
    if where.q:
        statement = statement.where(contains(where.q, ProcessArea.code, ProcessArea.name))
    if where.model is not None:
        statement = statement.where(ProcessArea.model == where.model)
    if where.level is not None:
        statement = statement.where(ProcessArea.maturity_level == where.level)
    return statement
