"""Writing and reading the audit trail. Callers write in the same session, before their one commit."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from tracker.auth.models import User
from tracker.db import utcnow
from tracker.history.labels import field_label
from tracker.history.models import AuditEvent


def as_text(value: object) -> str | None:
    """How a value reads in the history."""
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(getattr(value, "label", value.value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.12g}"  # 14, not 14.0
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(sorted(str(v) for v in value))
    return str(value)


def _entity(obj: SQLModel) -> str:
    return str(obj.__tablename__)


def _event(obj: SQLModel, by: User | None, action: str, field: str, old: object, new: object) -> AuditEvent:
    return AuditEvent(
        user_id=by.id if by else None, entity=_entity(obj), entity_id=obj.id,
        action=action, field=field, old=as_text(old), new=as_text(new),
    )


def record_create(session: Session, obj: SQLModel, *, by: User | None, fields: dict[str, object]) -> None:
    """Record a new record's initial values; the record must already be flushed (it needs its id)."""
    session.add_all(_event(obj, by, "create", name, None, value) for name, value in fields.items()
                    if as_text(value) not in (None, ""))


def record_create_many(session: Session, *, entity: str, created: list[tuple[int, dict[str, object]]],
                       by: User | None, action: str = "create") -> None:
    """Record many new records' initial values (`created`: each one's id and values) in one statement: an import's
    thousands of rows. `action` "import" says where they came from instead."""
    now = utcnow()
    rows = [{"at": now, "user_id": by.id if by else None, "entity": entity, "entity_id": record_id, "action": action,
             "field": name, "old": None, "new": as_text(value)}
            for record_id, fields in created for name, value in fields.items() if as_text(value) not in (None, "")]
    if rows:
        session.execute(sa.insert(AuditEvent), rows)


def record_delete(session: Session, obj: SQLModel, *, by: User | None, fields: dict[str, object]) -> None:
    """Record the values a record had when it was deleted."""
    session.add_all(_event(obj, by, "delete", name, value, None) for name, value in fields.items())


def apply_changes(session: Session, obj: SQLModel, *, by: User | None, changes: dict[str, object],
                  shown: dict[str, Callable[[object], object]] | None = None) -> dict:
    """Set the attributes that differ and record each one; returns {field: (old, new)} of what changed.

    `shown` turns a stored value into what the history shows (a user's name for an owner id).
    """
    shown = shown or {}
    changed = {}
    for name, new in changes.items():
        old = getattr(obj, name)
        if as_text(old) != as_text(new):
            setattr(obj, name, new)
            show = shown.get(name, lambda value: value)
            changed[name.removesuffix("_id")] = (None if old is None else show(old), None if new is None else show(new))
    record_values(session, obj, by=by, changed=changed)
    return changed


def record_values(session: Session, obj: SQLModel, *, by: User | None, changed: dict[str, tuple]) -> None:
    """Record already-applied changes (old, new) per field, for values kept outside the row (links)."""
    session.add_all(_event(obj, by, "update", name, old, new) for name, (old, new) in changed.items())


def bump_version(session: Session, obj: SQLModel, changed: dict) -> None:
    """One edit, one new version: editors holding the old version now get a conflict."""
    if changed:
        obj.version += 1
        session.add(obj)


def set_links(session: Session, obj: SQLModel, *, attr: str, new: list, label: Callable[[object], str],
              by: User | None) -> dict:
    """Replace a many-to-many collection, recording the change as one field; {} when nothing changed."""
    old = list(getattr(obj, attr))
    if {item.id for item in old} == {item.id for item in new}:
        return {}
    change = {attr: (as_text([label(item) for item in old]), as_text([label(item) for item in new]))}
    setattr(obj, attr, new)
    record_values(session, obj, by=by, changed=change)
    return change


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: str
    action: str
    field: str
    old: str | None
    new: str | None
    record: int | None = None  # which record, when a page shows the history of several
    label: str = ""  # the field as the forms call it (tracker/history/labels.py)

    @property
    def change(self) -> str:
        return ACTIONS.get(self.action, self.action)


ACTIONS = {"create": "Created", "update": "Changed", "delete": "Removed", "import": "Imported"}


def history(session: Session, *, entity: str, entity_ids: Iterable[int], limit: int = 200) -> list[HistoryEntry]:
    """The newest changes to the given records, with who made them, in one query."""
    rows = session.exec(
        select(AuditEvent, User.name)
        .join(User, User.id == AuditEvent.user_id, isouter=True)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id.in_(list(entity_ids)))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ).all()
    return [HistoryEntry(e.at, name or "system", e.action, e.field, e.old, e.new, e.entity_id,
                         field_label(entity, e.field)) for e, name in rows]
