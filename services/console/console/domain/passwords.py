"""Operators' passwords: argon2id (argon2-cffi, the reference implementation's binding), never stored in clear.
A new password has at least 10 characters; nothing else is imposed (NIST SP 800-63B: length over rules)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
_hasher = PasswordHasher()


class WeakPassword(ValueError):
    pass


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a password has at least {MIN_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


#: Verified against when the user name is unknown, so that a wrong name costs as long as a wrong password
#: (no timing oracle for which accounts exist).
DUMMY_HASH = _hasher.hash("no such operator, no such password")
