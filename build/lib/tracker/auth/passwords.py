"""Password hashing with argon2id at OWASP's recommended floor, and the rules every new password meets."""

import gzip
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane. Sign-in stays cheap for the server
# (about a tenth of argon2-cffi's default 64 MiB profile); hashes made with other parameters still verify and
# are replaced at the next sign-in (needs_rehash).
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("not a real password")

MIN_LENGTH = 10
# The 20,000 most common passwords (Royce Williams' 2017 list, as Django ships it, BSD licence).
COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt.gz")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def _common() -> frozenset[str]:
    return frozenset(gzip.decompress(COMMON_PASSWORDS.read_bytes()).decode().split())


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why a new password is refused, or None: the one rule for admins, the CLI and users changing their own."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(set(password)) < 3:
        return "Use more than one or two different characters."
    lowered = password.lower()
    if lowered in _common():
        return "This is one of the most common passwords: choose one that is harder to guess."
    if email and lowered in (email.lower(), email.lower().partition("@")[0]):
        return "Do not use your email address as your password."
    return None
