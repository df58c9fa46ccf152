"""Workflows as tables: (from, to) -> who may make the move. The buttons come from the same table, and every
status change goes through make_move(): a new workflow needs only its table and its side effects."""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from sqlmodel import Session, SQLModel

from tracker.auth.policy import authorize
from tracker.auth.roles import Role
from tracker.db import commit
from tracker.errors import Conflict, InvalidTransition, PermissionDenied, ValidationError
from tracker.history.service import apply_changes, bump_version, record_values
from tracker.reminders.notify import settle


@dataclass(frozen=True)
class Move:
    label: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    rationale: bool = False  # the move needs a written reason
    automatic: bool = False  # made by the system when another record changes, never by a button
    final: bool = False  # leads to a status no move leaves: asked before it is made (set by allowed_moves)


Transitions = dict[tuple[StrEnum, StrEnum], Move]


def _held(roles: Role | frozenset[Role]) -> frozenset[Role]:
    return frozenset({roles}) if isinstance(roles, Role) else frozenset(roles)


def allowed_moves(table: Transitions, status: StrEnum, roles: Role | frozenset[Role]) -> list[tuple[StrEnum, Move]]:
    """The moves a user holding these roles (or this one) may make from this status, in table order: those any
    of the roles may make."""
    held = _held(roles)
    left = {frm for frm, _ in table}
    return [(to, replace(move, final=to not in left)) for (frm, to), move in table.items()
            if frm == status and held & move.roles]


def check_move(table: Transitions, status: StrEnum, to: StrEnum, *, role: Role | frozenset[Role] | None,
               rationale: str = "") -> Move:
    """The move from status to `to`, or the domain error that says why it cannot be made.

    `role` is the user's roles (or one role); None is the system itself, which may make only the automatic moves.
    """
    move = table.get((status, to))
    if move is None:
        raise InvalidTransition(f"Cannot go from {_label(status)} to {_label(to)}.")
    if (role is None and not move.automatic) or (role is not None and not _held(role) & move.roles):
        raise PermissionDenied("Your role cannot make this change.")
    if move.rationale and not rationale.strip():
        raise ValidationError({"rationale": "Say why: a rationale is required for this decision."})
    return move


def _label(status: StrEnum) -> str:
    return status.value.replace("_", " ")


def make_move(session: Session, record: SQLModel, *, table: Transitions, to: StrEnum, seen: int, by,
              action: str, rationale: str = "", effects: Callable[[], dict[str, object]] | None = None,
              shown: dict[str, Callable] | None = None, then: Callable[[], None] | None = None) -> None:
    """The one status change, in one transaction.

    The policy's `action` on this record says whether the user may act at all; `seen` is the version they saw
    (else Conflict, with the record as it is now); the table says whether their role may make this move (and
    whether it needs a rationale). Then the status and the move's `effects` (more field changes, computed after
    the checks and before the status changes, so they can still refuse with a ValidationError) are applied with
    their history (`shown` names ids in it), and the reason given is kept in the history unless an effect keeps
    it in a field (a decision's rationale); `then` does what else the move entails (other records, more
    history); the record's version is bumped and everything is committed together.
    """
    authorize(by, action, record)
    reaching = [move for (_, target), move in table.items() if target == to]
    if reaching and not any(_held(by.roles) & move.roles for move in reaching):
        raise PermissionDenied("Your role cannot make this change.")  # from any status: no need to look further
    if seen != record.version:
        raise Conflict(current=record)
    errors: dict[str, str] = {}
    try:
        check_move(table, record.status, to, role=by.roles, rationale=rationale)
    except ValidationError as missing:  # the reason is missing: say what else is, in the same round
        errors = missing.errors
    try:
        extra = effects() if effects else {}
    except ValidationError as refused:
        errors |= refused.errors
    if errors:
        raise ValidationError(errors)
    changes = {"status": to} | extra
    changed = apply_changes(session, record, by=by, changes=changes, shown=shown)
    if rationale.strip() and rationale.strip() not in extra.values():  # a reason no field of the record keeps
        record_values(session, record, by=by, changed={"reason": (None, rationale.strip())})
    if then is not None:
        then()
    settle(session, record)  # the reminders of work this move has done leave the unread count now
    bump_version(session, record, changed)
    commit(session)
