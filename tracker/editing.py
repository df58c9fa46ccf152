"""The one way a record's edit form is saved: the policy on the record, the version the editor saw (else a conflict
with the record as it is now), the changes with their history, one new version and one commit. Status changes go
through tracker.workflow.make_move instead."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlmodel import Session, SQLModel

from tracker.auth.policy import authorize
from tracker.db import commit
from tracker.errors import Conflict
from tracker.history.service import apply_changes, bump_version, set_links


class Edit:
    """What one edit changes, gathered for the history and the version: `changed` is {field: (old, new)}."""

    def __init__(self, session: Session, record: SQLModel, by):
        self.session, self.record, self.by = session, record, by
        self.changed: dict[str, tuple] = {}

    def fields(self, changes: dict[str, object], *, shown: dict[str, Callable] | None = None) -> None:
        """Set the record's fields that differ, each in the history (`shown` names ids: an owner's name)."""
        self.changed |= apply_changes(self.session, self.record, by=self.by, changes=changes, shown=shown)

    def links(self, attr: str, new: list, *, label: Callable[[object], str]) -> None:
        """Replace a many-to-many collection, the change in the history as one field."""
        self.changed |= set_links(self.session, self.record, attr=attr, new=new, label=label, by=self.by)

    def also(self, changed: dict[str, tuple]) -> None:
        """Changes made (and recorded) outside the two above, so that they count for the version."""
        self.changed |= changed


@contextmanager
def editing(session: Session, record: SQLModel, *, action: str, seen: int, by,
            unique: dict[str, str] | None = None) -> Iterator[Edit]:
    """Save an edit of `record`: the policy's `action` on it, then `seen` (the version the editor's form was made
    from) against the record's version, else Conflict; the body checks what it must (a ValidationError leaves
    nothing written) and makes its changes on the Edit; then the version is bumped once, if anything changed, and
    everything is committed together (`unique`: the field a unique constraint guards, and what to say)."""
    authorize(by, action, record)
    if seen != record.version:
        raise Conflict(current=record)
    edit = Edit(session, record, by)
    try:
        yield edit
    except Exception:
        session.rollback()  # refused half way: nothing of it stays in the session for the page that says so
        raise
    bump_version(session, record, edit.changed)
    commit(session, unique=unique)
