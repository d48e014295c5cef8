"""Password hashing with Argon2id (argon2-cffi, RFC 9106).

Each node holds one :class:`Passwords` (``node.passwords``), with the cost parameters of its
settings (``password_time_cost``, ``password_memory_kib``, ``password_parallelism``; argon2-cffi's
recommended defaults). Hashing costs ~0.15 s of CPU with those on purpose, so it runs in a thread
and never blocks the event loop. A stored hash carries its own parameters: changing the settings
keeps every password working, and a log-in rehashes with the new ones (:meth:`needs_rehash`).
"""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
MAX_LENGTH = 128


class Passwords:
    """Hash and check passwords with one set of Argon2id parameters."""

    def __init__(self, *, time_cost: int = 3, memory_kib: int = 65536, parallelism: int = 4):
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism
        )
        # A hash of a random password, verified against when the account does not exist, so that
        # a log-in for an unknown phone takes as long as one for a known phone (no enumeration).
        self._dummy_hash: str | None = None

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """True when ``password`` matches; a missing hash still spends the time of a check."""
        if password_hash is None:
            if self._dummy_hash is None:
                self._dummy_hash = await self.hash("not-a-password-of-anyone")
            password_hash = self._dummy_hash
            password = password + "\x00never-matches"
        try:
            return await asyncio.to_thread(self._hasher.verify, password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the stored hash used other parameters than this node's."""
        return self._hasher.check_needs_rehash(password_hash)
