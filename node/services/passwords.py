"""Password hashing with Argon2id (argon2-cffi's recommended defaults, RFC 9106 low-memory).

Hashing costs ~0.15 s of CPU on purpose, so it runs in a thread and never blocks the event loop.
"""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
MAX_LENGTH = 128

# Replaced by a cheaper hasher in the test suite only (see tests/node/services/test_members.py).
hasher = PasswordHasher()

# A hash of a random password, verified against when the account does not exist, so that a
# log-in for an unknown phone takes as long as one for a known phone (no account enumeration).
_DUMMY_HASH: str | None = None


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; a missing hash still spends the time of a check."""
    global _DUMMY_HASH
    if password_hash is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = await hash_password("not-a-password-of-anyone")
        password_hash = _DUMMY_HASH
        password = password + "\x00never-matches"
    try:
        return await asyncio.to_thread(hasher.verify, password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the stored hash used other parameters than the current hasher's."""
    return hasher.check_needs_rehash(password_hash)
