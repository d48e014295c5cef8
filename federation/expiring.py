"""A small in-memory cache whose entries expire on a clock the caller gives.

For copies of data that is safe to lose (a miss means: read the source again). The clock is a
``now`` callable, so an application keeps the cache on its own notion of time (a server whose
tests move time forward, several servers in one process with their own times).

Two rules keep a cache from serving old data after a change:

* **generation**: :meth:`ExpiringCache.forget` and :meth:`ExpiringCache.invalidate` bump it; a
  caller reads :attr:`ExpiringCache.generation` *before* loading from the source and gives it to
  :meth:`ExpiringCache.put`, which keeps nothing loaded before the change;
* **hold**: :meth:`ExpiringCache.invalidate` also opens a short hold during which values are not
  kept: a load that read the source just before the invalidating change was committed (and so
  began after the new generation) cannot put the old state back for a whole TTL.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class _Entry(Generic[V]):
    value: V
    expires: datetime
    weight: int


class ExpiringCache(Generic[K, V]):
    """Values by key, each kept ``ttl`` seconds on the ``now`` clock; at most ``max_weight`` in
    total (each value weighs ``weight(value)``, 1 by default), the oldest going first."""

    def __init__(
        self,
        *,
        ttl: float,
        now: Callable[[], datetime],
        max_weight: int = 10_000,
        weight: Callable[[V], int] | None = None,
        hold: float = 0.0,
    ) -> None:
        self.ttl = ttl
        self.max_weight = max_weight
        self.generation = 0
        self._now = now
        self._weight = weight
        self._hold = timedelta(seconds=hold)
        self._hold_until: datetime | None = None
        self._entries: dict[K, _Entry[V]] = {}
        self._total = 0

    def get(self, key: K) -> V | None:
        """The value kept for ``key``, None when absent or expired."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if self._now() >= entry.expires:
            self._drop(key)
            return None
        return entry.value

    def put(self, key: K, value: V, generation: int | None = None) -> bool:
        """Keep ``value`` for ``key``, unless it was loaded before a change (``generation``, read
        before loading, is no longer current) or a hold is open; True when kept."""
        now = self._now()
        if generation is not None and generation != self.generation:
            return False
        if self._hold_until is not None and now < self._hold_until:
            return False
        weight = self._weight(value) if self._weight is not None else 1
        if weight > self.max_weight:
            return False
        self._drop(key)
        while self._entries and self._total + weight > self.max_weight:
            self._drop(next(iter(self._entries)))  # the oldest
        self._entries[key] = _Entry(value, now + timedelta(seconds=self.ttl), weight)
        self._total += weight
        return True

    async def load(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        """The value kept for ``key``, or ``await load()`` (kept when no change came meanwhile)."""
        found = self.get(key)
        if found is not None:
            return found
        generation = self.generation
        value = await load()
        self.put(key, value, generation)
        return value

    def forget(self, key: K) -> None:
        """The source of ``key`` changed: drop it, and keep no load of it begun before."""
        self.generation += 1
        self._drop(key)

    def invalidate(self) -> None:
        """The source changed: drop everything, keep no load begun before, and open the hold."""
        self.generation += 1
        self.clear()
        self._hold_until = self._now() + self._hold

    def clear(self) -> None:
        self._entries.clear()
        self._total = 0

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self, key: K) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._total -= entry.weight
