"""The response cache of the anonymous feed, one per node."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from node import clock
from node.services.actions import actions_version


@dataclass(frozen=True, slots=True)
class CachedFeed:
    body: bytes
    etag: str
    version: int
    expires: datetime


class FeedCache:
    """Anonymous feed responses of one node (held on its ``NodeState``), by normalised query.

    An entry is served until ``ttl_s`` has passed (on :mod:`node.clock`) or until an action of
    this node's database changes in this process (``actions.actions_version()``, bumped by every
    write path of the actions services), whichever comes first. Other processes serving the same
    database (more workers, ``entraide worker``) see a change within ``ttl_s``. Entries are
    bounded by total body size."""

    def __init__(self, ttl_s: float = 10.0, max_bytes: int = 4 * 1024 * 1024) -> None:
        self.ttl_s = ttl_s
        self.max_bytes = max_bytes
        self._entries: dict[tuple[Any, ...], CachedFeed] = {}
        self._bytes = 0

    def get(self, key: tuple[Any, ...]) -> CachedFeed | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.version != actions_version() or clock.now() >= entry.expires:
            self._drop(key)
            return None
        return entry

    def put(self, key: tuple[Any, ...], body: bytes, version: int) -> CachedFeed:
        """Store ``body``, computed from the database as it was at ``version`` (read *before*
        the query, so a write that lands meanwhile makes the entry stale at once)."""
        digest = hashlib.blake2b(body, digest_size=12).hexdigest()
        entry = CachedFeed(
            body=body,
            etag=f'"{digest}"',
            version=version,
            expires=clock.now() + timedelta(seconds=self.ttl_s),
        )
        if len(body) > self.max_bytes // 8:
            return entry  # too big to keep
        self._drop(key)
        while self._entries and self._bytes + len(body) > self.max_bytes:
            self._drop(next(iter(self._entries)))  # the oldest
        self._entries[key] = entry
        self._bytes += len(body)
        return entry

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self, key: tuple[Any, ...]) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry.body)
