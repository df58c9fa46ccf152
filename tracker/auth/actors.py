"""Actors that are not accounts: who a change is attributed to when no signed-in person made it."""

from dataclasses import dataclass, field

from tracker.auth.roles import Role


@dataclass(frozen=True)
class CommandLine:
    """Whoever runs `flask --app tracker user ...` on the server: an administrator by holding the server, not by an
    account. The policy checks it like an admin; its history rows carry no user (the history says "system"), and
    the security log names it "command line" with the operating-system account that ran the command."""

    id: None = None
    name: str = "command line"
    email: str = ""
    roles: frozenset[Role] = field(default_factory=lambda: frozenset({Role.ADMIN}))
    is_authenticated: bool = True


COMMAND_LINE = CommandLine()
