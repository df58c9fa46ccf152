"""Sign-in throttling: growing delays per account and client address, and a bound per client address.

A hard lock that anyone can trigger is a way to keep users out. Here an outsider failing against an account
slows down only the address they try from: the owner, from an address that has not been failing, is never held
back. A throttled attempt is answered before any password is hashed, so it costs the server next to nothing.
"""

from datetime import datetime, timedelta
from math import ceil

from sqlmodel import Field, Session, SQLModel, delete, func, select

from tracker.db import UTCDateTime

WINDOW = timedelta(minutes=15)  # failures older than this are forgotten
FREE_FAILURES = 5  # failures of one account from one address before delays begin
MAX_DELAY_SECONDS = 15 * 60  # the delay doubles with each further failure, up to this


class SignInFailure(SQLModel, table=True):
    __tablename__ = "sign_in_failure"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)  # as typed (normalised): unknown accounts count too
    address: str = Field(max_length=64, index=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)


def seconds_to_wait(session: Session, *, email: str, address: str, now: datetime, address_limit: int) -> int:
    """How long this address must wait before trying this account again; 0 means go ahead."""
    since = now - WINDOW
    recent = select(func.count(), func.min(SignInFailure.at), func.max(SignInFailure.at)).where(
        SignInFailure.address == address, SignInFailure.at >= since)
    failures, oldest, _ = session.exec(recent).one()
    if failures >= address_limit:  # spraying many accounts from one address
        return _seconds_until(oldest + WINDOW, now)
    failures, _, last = session.exec(recent.where(SignInFailure.email == email)).one()
    if failures < FREE_FAILURES:
        return 0
    delay = min(2 ** (failures - FREE_FAILURES), MAX_DELAY_SECONDS)
    return _seconds_until(last + timedelta(seconds=delay), now)


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(0, ceil((moment - now).total_seconds()))


def record_failure(session: Session, *, email: str, address: str, now: datetime) -> None:
    """Count a failed attempt (the caller commits); failures past the window are dropped on the way."""
    session.exec(delete(SignInFailure).where(SignInFailure.at < now - WINDOW))
    session.add(SignInFailure(email=email, address=address[:64], at=now))


def clear(session: Session, *, email: str, address: str | None = None) -> None:
    """Forget an account's failures: from one address (after its sign-in), or all (unlock, password reset)."""
    condition = SignInFailure.email == email
    if address is not None:
        condition = condition & (SignInFailure.address == address)
    session.exec(delete(SignInFailure).where(condition))


def throttled(session: Session, *, emails: list[str], now: datetime) -> set[str]:
    """Which of these accounts some address is being slowed down on, for the admin's list."""
    rows = session.exec(select(SignInFailure.email).where(SignInFailure.email.in_(emails), SignInFailure.at >= now - WINDOW)
                        .group_by(SignInFailure.email, SignInFailure.address)
                        .having(func.count() >= FREE_FAILURES)).all()
    return set(rows)
