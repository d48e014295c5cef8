"""A node's in-memory caches of derived data, safe to lose.

* The federation cache: short-lived copies of what every inbox request and every inbox row
  reads — domain blocks, the federation policy (allowlist mode and allowed domains), accepted
  partnerships and remote actors with their parsed public keys.
* The anonymous nearby-feed responses (:class:`FeedCache`), dropped on any action change
  (:func:`actions_changed`).

They are derived from database rows and safe to lose. They belong to one node (they hang on its
Tortoise context, :func:`node.db.node_caches`): several nodes in one process never share them.
A change made through this node's code (block, unblock, policy, partnership decided or ended,
actor refetched) invalidates them at once; a change made by another process (``entraide`` CLI,
a second worker) is seen within :data:`TTL_SECONDS`. Outside a node's context nothing is cached.

Invalidation also opens a short hold (:data:`HOLD_SECONDS`) during which loads are served but not
kept: a load that read the database just before the invalidating transaction committed cannot
put the old state back for a whole TTL.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from federation.keys import PublicKey
from node import clock, sql
from node.db import node_caches
from node.models import RemoteActor

TTL_SECONDS = 10.0
HOLD_SECONDS = 1.0
ACTORS_MAX = 10_000
_KEY = "federation"

T = TypeVar("T")


class Cached(Generic[T]):
    """One value loaded by ``load`` and kept for ``ttl`` seconds."""

    def __init__(self, load: Callable[[], Awaitable[T]], ttl: float = TTL_SECONDS) -> None:
        self._load = load
        self._ttl = ttl
        self._value: T | None = None
        self._expires = 0.0
        self._generation = 0
        self._hold_until = 0.0

    async def get(self) -> T:
        now = time.monotonic()
        if self._value is not None and now < self._expires:
            return self._value
        generation = self._generation
        value = await self._load()
        if generation == self._generation and time.monotonic() >= self._hold_until:
            self._value, self._expires = value, now + self._ttl
        return value

    def invalidate(self) -> None:
        self._generation += 1
        self._value = None
        self._hold_until = time.monotonic() + HOLD_SECONDS


@dataclass(frozen=True)
class Policy:
    allowlist_mode: bool
    allowed: frozenset[str]


@dataclass(frozen=True)
class KnownActor:
    actor: RemoteActor
    key: PublicKey | None  # parsed once, not per request
    expires: float


@dataclass
class Actors:
    """Remote actors by ``ap_id`` and by key id (what verification and the worker ask for)."""

    by_iri: dict[str, KnownActor] = field(default_factory=dict)
    by_key: dict[str, KnownActor] = field(default_factory=dict)
    generation: int = 0  # bumped by every change: a load begun before it is not kept

    def get(self, iri: str | None = None, *, key_id: str | None = None) -> KnownActor | None:
        found = self.by_iri.get(iri) if iri is not None else self.by_key.get(key_id or "")
        if found is None or found.expires <= time.monotonic():
            return None
        return found

    def put(self, actor: RemoteActor, key: PublicKey | None, generation: int) -> None:
        """Keep ``actor`` as read from the database when ``generation`` was current."""
        if generation != self.generation:
            return
        if len(self.by_iri) >= ACTORS_MAX:
            self.by_iri.clear()
            self.by_key.clear()
        known = KnownActor(actor, key, time.monotonic() + TTL_SECONDS)
        self.by_iri[actor.ap_id] = known
        if actor.public_key_id:
            self.by_key[actor.public_key_id] = known

    def forget(self, iri: str) -> None:
        """``iri`` was (re)fetched and stored: drop it (the next read takes the new row)."""
        self.generation += 1
        known = self.by_iri.pop(iri, None)
        if known is not None and known.actor.public_key_id:
            self.by_key.pop(known.actor.public_key_id, None)

    def invalidate(self) -> None:
        self.generation += 1
        self.by_iri.clear()
        self.by_key.clear()


class FederationCache:
    def __init__(self) -> None:
        self.blocks: Cached[frozenset[str]] = Cached(_load_blocks)
        self.policy: Cached[Policy] = Cached(_load_policy)
        self.partners: Cached[dict[str, frozenset[str]]] = Cached(_load_partners)
        self.actors = Actors()


def federation_cache() -> FederationCache | None:
    """This node's federation cache (created on first use), None outside a node's context."""
    caches = node_caches()
    if caches is None:
        return None
    cache = caches.get(_KEY)
    if not isinstance(cache, FederationCache):
        cache = caches[_KEY] = FederationCache()
    return cache


async def _load_blocks() -> frozenset[str]:
    return frozenset(await sql.blocked_domains())


async def _load_policy() -> Policy:
    mode, allowed = await sql.policy()
    return Policy(mode, frozenset(allowed))


async def _load_partners() -> dict[str, frozenset[str]]:
    return {domain: frozenset(scopes) for domain, scopes in (await sql.partners()).items()}


# --- invalidation (called by the code that changes the rows) ---------------------------------


def blocks_changed() -> None:
    """A domain was blocked or unblocked (a block also purges actors and partnerships)."""
    cache = federation_cache()
    if cache is not None:
        cache.blocks.invalidate()
        cache.partners.invalidate()
        cache.actors.invalidate()


def policy_changed() -> None:
    cache = federation_cache()
    if cache is not None:
        cache.policy.invalidate()


def partnerships_changed() -> None:
    cache = federation_cache()
    if cache is not None:
        cache.partners.invalidate()


def actor_stored(iri: str) -> None:
    cache = federation_cache()
    if cache is not None:
        cache.actors.forget(iri)


# --- actions and the feed ---------------------------------------------------------------------

_ACTIONS_VERSION = "actions_version"
_SPAN_HINTS = "feed_span_hints"


def actions_changed() -> None:
    """Record that actions of the current node's database changed (call after the commit): the
    feed's response cache drops entries computed before."""
    caches = node_caches()
    if caches is not None:
        caches[_ACTIONS_VERSION] = caches.get(_ACTIONS_VERSION, 0) + 1


def span_hints() -> dict[tuple[Any, ...], float]:
    """The nearby feed's hints (per area and filters: how far back in time the last page
    reached) of the current node; a fresh, unkept dict outside a node."""
    caches = node_caches()
    if caches is None:
        return {}
    hints = caches.get(_SPAN_HINTS)
    if not isinstance(hints, dict):
        hints = caches[_SPAN_HINTS] = {}
    return hints


def actions_version() -> int:
    """The current node's change counter (see :func:`actions_changed`)."""
    caches = node_caches()
    return int(caches.get(_ACTIONS_VERSION, 0)) if caches is not None else 0


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
