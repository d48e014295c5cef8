"""A node's in-memory caches of derived data, safe to lose.

* The federation cache: short-lived copies of what every inbox request and every inbox row
  reads — domain blocks, the federation policy (allowlist mode and allowed domains), accepted
  partnerships and remote actors with their parsed public keys.
* The anonymous nearby-feed responses (:class:`FeedCache`), dropped on any action change
  (:func:`actions_changed`).

They are derived from database rows and safe to lose. They belong to one node (they hang on its
Tortoise context, :func:`node.db.node_caches`, or on its ``NodeState``): several nodes in one
process never share them. All are :class:`federation.expiring.ExpiringCache` on the node's clock
(``node.clock``): an entry expires when that node's time moves past it.
A change made through this node's code (block, unblock, policy, partnership decided or ended,
actor refetched) invalidates them at once; a change made by another process (``entraide`` CLI,
a second worker) is seen within :data:`TTL_SECONDS`. Outside a node's context nothing is cached.

Invalidation also opens a short hold (:data:`HOLD_SECONDS`) during which loads are served but not
kept: a load that read the database just before the invalidating transaction committed cannot
put the old state back for a whole TTL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from federation.expiring import ExpiringCache
from federation.keys import PublicKey
from node import sql
from node.db import active_context, node_caches
from node.models import RemoteActor

TTL_SECONDS = 10.0
HOLD_SECONDS = 1.0
ACTORS_MAX = 10_000
_KEY = "federation"


@dataclass(frozen=True)
class Policy:
    allowlist_mode: bool
    allowed: frozenset[str]


@dataclass(frozen=True)
class KnownActor:
    actor: RemoteActor
    key: PublicKey | None  # parsed once, not per request


class Actors:
    """Remote actors by ``ap_id`` and by key id (what verification and the worker ask for)."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._known: ExpiringCache[tuple[str, str], KnownActor] = ExpiringCache(
            ttl=TTL_SECONDS, now=now, max_weight=2 * ACTORS_MAX
        )

    @property
    def generation(self) -> int:
        """Bumped by every change: a load begun before it is not kept (see :meth:`put`)."""
        return self._known.generation

    def get(self, iri: str | None = None, *, key_id: str | None = None) -> KnownActor | None:
        return self._known.get(("iri", iri) if iri is not None else ("key", key_id or ""))

    def put(self, actor: RemoteActor, key: PublicKey | None, generation: int) -> None:
        """Keep ``actor`` as read from the database when ``generation`` was current."""
        known = KnownActor(actor, key)
        if self._known.put(("iri", actor.ap_id), known, generation) and actor.public_key_id:
            self._known.put(("key", actor.public_key_id), known, generation)

    def forget(self, iri: str) -> None:
        """``iri`` was (re)fetched and stored: drop it (the next read takes the new row)."""
        known = self._known.get(("iri", iri))
        self._known.forget(("iri", iri))
        if known is not None and known.actor.public_key_id:
            self._known.forget(("key", known.actor.public_key_id))

    def invalidate(self) -> None:
        self._known.invalidate()

    def __len__(self) -> int:
        return len(self._known)


class FederationCache:
    """The federation cache of one node, on that node's clock (``now``)."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        # One entry each: the whole (small) table, as every inbox request reads it.
        self.blocks: ExpiringCache[str, frozenset[str]] = _table(now)
        self.policy: ExpiringCache[str, Policy] = _table(now)
        self.partners: ExpiringCache[str, dict[str, frozenset[str]]] = _table(now)
        self.actors = Actors(now)

    async def blocked_domains(self) -> frozenset[str]:
        return await self.blocks.load(_ALL, _load_blocks)

    async def current_policy(self) -> Policy:
        return await self.policy.load(_ALL, _load_policy)

    async def partner_scopes(self) -> dict[str, frozenset[str]]:
        """Accepted partnerships: domain → scopes."""
        return await self.partners.load(_ALL, _load_partners)


_ALL = "all"


def _table(now: Callable[[], datetime]) -> ExpiringCache[str, Any]:
    return ExpiringCache(ttl=TTL_SECONDS, now=now, max_weight=1, hold=HOLD_SECONDS)


def federation_cache() -> FederationCache | None:
    """This node's federation cache (created on first use), None outside a node's context."""
    context = active_context()
    if context is None:
        return None
    cache = context.caches.get(_KEY)
    if not isinstance(cache, FederationCache):
        cache = context.caches[_KEY] = FederationCache(context.clock.now)
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


class FeedCache:
    """Anonymous feed responses of one node (held on its ``NodeState``, on its clock ``now``), by
    normalised query.

    An entry is served until ``ttl_s`` has passed or until an action of this node's database
    changes in this process (``actions_version()``, bumped by every write path of the actions
    services), whichever comes first. Other processes serving the same database (more workers,
    ``entraide worker``) see a change within ``ttl_s``. Entries are bounded by total body size."""

    def __init__(
        self, now: Callable[[], datetime], ttl_s: float = 10.0, max_bytes: int = 4 * 1024 * 1024
    ) -> None:
        self.ttl_s = ttl_s
        self.max_bytes = max_bytes
        self._entries: ExpiringCache[tuple[Any, ...], CachedFeed] = ExpiringCache(
            ttl=ttl_s, now=now, max_weight=max_bytes, weight=lambda entry: len(entry.body)
        )

    def get(self, key: tuple[Any, ...]) -> CachedFeed | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.version != actions_version():
            self._entries.forget(key)
            return None
        return entry

    def put(self, key: tuple[Any, ...], body: bytes, version: int) -> CachedFeed:
        """Store ``body``, computed from the database as it was at ``version`` (read *before*
        the query, so a write that lands meanwhile makes the entry stale at once)."""
        digest = hashlib.blake2b(body, digest_size=12).hexdigest()
        entry = CachedFeed(body=body, etag=f'"{digest}"', version=version)
        if len(body) <= self.max_bytes // 8:  # bigger: not kept
            self._entries.put(key, entry)
        return entry

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
