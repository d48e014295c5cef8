"""Remote actors: fetched with a signed GET (instance key), cached in :class:`RemoteActor`.

Also the ``resolve_key`` that inbox verification uses: keys come from the cache, an unknown key
fetches its actor, and a failed verification refetches once (key rotation, DESIGN §4).
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import httpx

from federation import PublicKeyInfo, fetch_actor, fetch_json, nodeinfo, webfinger
from federation.errors import FederationError
from federation.keys import PublicKey, key_from_actor, load_public_key_pem
from federation.parse import parse_actor
from federation.signatures import ResolveKey
from node import clock
from node.errors import Forbidden, Problem
from node.fed import iris
from node.fed.cache import actor_stored, federation_cache
from node.fed.client import signing_client
from node.fed.policy import domain_of, is_blocked
from node.models import RemoteActor
from node.state import NodeState

ACTOR_TTL = timedelta(days=1)


class RemoteUnavailable(Problem):
    """The remote server could not be reached or answered something unusable."""

    status = 502


class DomainBlocked(Forbidden):
    def __init__(self, domain: str) -> None:
        super().__init__(f"{domain} is blocked on this node.")
        self.domain = domain


def _scheme_for(node: NodeState) -> str:
    # Nodes on one machine (tests, demos) speak plain HTTP; everything else is HTTPS.
    return "http" if node.settings.federation_allow_private else "https"


async def _store(document: dict[str, Any]) -> RemoteActor:
    actor = parse_actor(document)
    assert actor.id is not None and actor.inbox is not None
    key = actor.public_key[0] if actor.public_key else None
    values = {
        "type": actor.type_name or "Person",
        "domain": domain_of(actor.id),
        "inbox": actor.inbox,
        "shared_inbox": actor.shared_inbox,
        "preferred_username": (actor.preferred_username or "")[:255] or None,
        "name": (actor.name or "")[:255] or None,
        "public_key_id": key.id if key else None,
        "public_key_pem": key.public_key_pem if key else None,
        "document": document,
        "fetched_at": clock.now(),
    }
    remote, created = await RemoteActor.get_or_create(ap_id=actor.id, defaults=values)
    if not created:
        await RemoteActor.filter(id=remote.id).update(**values)
        remote = await RemoteActor.get(id=remote.id)
    actor_stored(actor.id)
    return remote


async def _cached_actor(
    *, iri: str | None = None, key_id: str | None = None
) -> tuple[RemoteActor, PublicKey | None] | None:
    """The stored actor by ``ap_id`` or by key id, through the node's cache (node.fed.cache)
    with its public key parsed once; None when not stored."""
    cache = federation_cache()
    if cache is not None:
        known = cache.actors.get(iri, key_id=key_id)
        if known is not None:
            return known.actor, known.key
        generation = cache.actors.generation
    if iri is not None:
        found = await RemoteActor.get_or_none(ap_id=iri)
    else:
        found = await RemoteActor.get_or_none(public_key_id=key_id)
    if found is None:
        return None
    key = _public_key(found.public_key_pem) if found.public_key_pem else None
    if cache is not None:
        cache.actors.put(found, key, generation)
    return found, key


async def get_remote_actor(node: NodeState, iri: str, *, refresh: bool = False) -> RemoteActor:
    """The actor at ``iri``, from the cache unless stale or ``refresh``; refused when its domain
    is blocked. Raises :class:`RemoteUnavailable` when it cannot be fetched."""
    domain = domain_of(iri)
    if await is_blocked(domain):
        raise DomainBlocked(domain)
    stored = None if refresh else await _cached_actor(iri=iri)
    cached = stored[0] if stored is not None else None
    if cached is not None and not refresh and cached.fetched_at > clock.now() - ACTOR_TTL:
        return cached
    try:
        async with signing_client(node) as client:
            document = await fetch_actor(client, iri)
        return await _store(document)
    except (FederationError, httpx.HTTPError, ValueError) as exc:
        if cached is not None and not refresh:
            return cached  # stale beats nothing while the remote is down
        raise RemoteUnavailable(f"cannot fetch actor {iri}: {exc}") from exc


async def resolve(node: NodeState, handle: str) -> RemoteActor:
    """``acct:user@host``, ``user@host``, ``@user@host``, a bare ``host`` (its instance actor:
    NodeInfo metadata, FEP-2677, then WebFinger ``acct:host@host``, FEP-d556) or an actor URL."""
    text = handle.strip()
    scheme = _scheme_for(node)
    try:
        if text.startswith(("http://", "https://")):
            return await get_remote_actor(node, text)
        if "@" in text:
            async with signing_client(node) as client:
                iri = await webfinger.lookup(client, text, scheme=scheme)
            return await get_remote_actor(node, iri)
        host = text.strip("/").lower()
        if await is_blocked(host):
            raise DomainBlocked(host)
        async with signing_client(node) as client:
            iri = await _instance_actor_of(client, host, scheme)
        return await get_remote_actor(node, iri)
    except (FederationError, httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        raise RemoteUnavailable(f"cannot resolve {handle!r}: {exc}") from exc


async def _instance_actor_of(client: httpx.AsyncClient, host: str, scheme: str) -> str:
    try:
        info = await nodeinfo.fetch(client, host, scheme=scheme)
        meta = info.get("metadata")
        candidate = meta.get("instanceActor") if isinstance(meta, dict) else None
        if isinstance(candidate, dict):  # FEP-2677 allows an object with an id
            candidate = candidate.get("id")
        if isinstance(candidate, str) and urlsplit(candidate).netloc == host:
            return candidate
    except (FederationError, httpx.HTTPError):
        pass
    return await webfinger.lookup(client, f"{host}@{host}", scheme=scheme)


# --- key resolution for inbound verification ---------------------------------------------------


@lru_cache(maxsize=4096)
def _public_key(pem: str) -> PublicKey:
    return load_public_key_pem(pem)


def key_resolver(node: NodeState) -> ResolveKey:
    """A ``resolve_key`` for :func:`federation.verify_request`. Raises :class:`DomainBlocked`
    for keys of blocked domains without fetching anything."""

    async def resolve_key(key_id: str, refresh: bool) -> PublicKeyInfo | None:
        domain = domain_of(key_id)
        if await is_blocked(domain):
            raise DomainBlocked(domain)
        if not refresh:
            stored = await _cached_actor(key_id=key_id)
            if stored is not None and stored[1] is not None:
                return PublicKeyInfo(key_id, stored[0].ap_id, stored[1])
        if iris.is_local(node.settings, key_id):
            return None  # we never verify our own requests through the network
        try:
            document = await _fetch_key_owner(node, key_id)
        except (FederationError, httpx.HTTPError, ValueError):
            return None
        info = key_from_actor(document, key_id)
        if info is None or info.owner != document.get("id"):
            return None  # the key must belong to the actor document that publishes it
        await _store(document)
        return info

    return resolve_key


async def _fetch_key_owner(node: NodeState, key_id: str) -> dict[str, Any]:
    url = key_id.partition("#")[0]
    async with signing_client(node) as client:
        document = await fetch_json(client, url)
        if "inbox" not in document and isinstance(document.get("owner"), str):
            # GoToSocial-style key documents: {"id": key, "owner": actor, "publicKeyPem": …}
            owner = document["owner"]
            if domain_of(owner) != domain_of(key_id):
                raise ValueError("key owner on another host")
            document = await fetch_actor(client, owner)
        elif urlsplit(str(document.get("id", ""))).hostname != urlsplit(url).hostname:
            raise ValueError("actor document with a foreign id")
    return document
