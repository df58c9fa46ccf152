"""Reading and seeding the process-area catalog."""

from sqlmodel import Session, select

from tracker.process_areas.catalog import CATALOG
from tracker.process_areas.models import ProcessArea


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
