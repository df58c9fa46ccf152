"""Workflows as tables: (from, to) -> who may make the move. The buttons come from the same table."""

from dataclasses import dataclass, field
from enum import StrEnum

from tracker.auth.roles import Role
from tracker.errors import InvalidTransition, PermissionDenied, ValidationError


@dataclass(frozen=True)
class Move:
    label: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    rationale: bool = False  # the move needs a written reason
    automatic: bool = False  # made by the system when another record changes, never by a button


Transitions = dict[tuple[StrEnum, StrEnum], Move]


def allowed_moves(table: Transitions, status: StrEnum, role: Role) -> list[tuple[StrEnum, Move]]:
    """The moves a user of this role may make from this status, in table order."""
    return [(to, move) for (frm, to), move in table.items() if frm == status and role in move.roles]


def check_move(table: Transitions, status: StrEnum, to: StrEnum, *, role: Role | None,
               rationale: str = "") -> Move:
    """The move from status to `to`, or the domain error that says why it cannot be made.

    role=None is the system itself, which may make only the automatic moves.
    """
    move = table.get((status, to))
    if move is None:
        raise InvalidTransition(f"Cannot go from {_label(status)} to {_label(to)}.")
    if (role is None and not move.automatic) or (role is not None and role not in move.roles):
        raise PermissionDenied("Your role cannot make this change.")
    if move.rationale and not rationale.strip():
        raise ValidationError({"rationale": "Say why: a rationale is required for this decision."})
    return move


def _label(status: StrEnum) -> str:
    return status.value.replace("_", " ")
