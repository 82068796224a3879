"""Password rules (OWASP ASVS 5.0, V6.2) and argon2 hashing.

No composition rules: length and a list of common passwords are what matter.
"""

from __future__ import annotations

from contextlib import suppress
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MINIMUM_LENGTH = 8
# ASVS asks that at least 64 characters be allowed; the ceiling only stops abuse.
MAXIMUM_LENGTH = 256

_hasher = PasswordHasher()
# Verifying against this keeps the time of a sign-in for an unknown email close to
# that of a real one, so response times do not reveal which emails have accounts.
_DUMMY_HASH = _hasher.hash("not-a-real-password-only-for-timing")


@cache
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip() for line in path.read_text().splitlines() if line.strip())


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """The reason a new password is refused, in plain words, or None if it is fine."""
    if len(password) < MINIMUM_LENGTH:
        return f"Password must be {MINIMUM_LENGTH} characters or more"
    if len(password) > MAXIMUM_LENGTH:
        return f"Password must be {MAXIMUM_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in common_passwords():
        return "That password is too common and easy to guess. Choose a different one"
    personal = {email.lower(), email.split("@")[0].lower(), name.lower(), name.replace(" ", "").lower()}
    if lowered in personal - {""}:
        return "Password must not be your name or email address"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        _burn_time(password)
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _burn_time(password: str) -> None:
    with suppress(VerificationError):
        _hasher.verify(_DUMMY_HASH, password)


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
