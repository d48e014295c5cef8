"""Remote actors: fetched with a signed GET (instance key), cached in :class:`RemoteActor`.

Also the ``resolve_key`` that inbox verification uses: keys come from the cache, an unknown key
fetches its actor, and a failed verification refetches once (key rotation, DESIGN §4).
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from typing import Any

import httpx

from federation import PublicKeyInfo, fetch_actor, fetch_key_owner, nodeinfo, webfinger
from federation.errors import FederationError, KeyUnavailable, ParseError
from federation.keys import PublicKey, load_public_key_pem
from federation.origin import InvalidOrigin, domain_of, origin_of, parse_domain, same_origin
from federation.parse import parse_actor
from federation.signatures import ResolveKey
from node import clock, iris
from node.caches import actor_stored, federation_cache
from node.errors import Forbidden, Problem, Unprocessable
from node.fed.client import signing_client
from node.models import RemoteActor
from node.services.federation_policy import is_blocked
from node.state import NodeState

ACTOR_TTL = timedelta(days=1)


class RemoteUnavailable(Problem):
    """The remote server could not be reached or answered something unusable."""

    status = 502


class DomainBlocked(Forbidden):
    def __init__(self, domain: str) -> None:
        super().__init__(f"{domain} is blocked on this node.")
        self.domain = domain


def scheme_for(node: NodeState) -> str:
    # Nodes on one machine (tests, demos) speak plain HTTP; everything else is HTTPS.
    return "http" if node.settings.federation_allow_private else "https"


async def _store(document: dict[str, Any], fetched_from: str) -> RemoteActor:
    """Keep the actor ``document`` fetched at ``fetched_from``. Refused (``ParseError``) unless
    the document's id and its key are on that URL's origin: a server speaks only for its own
    actors, so a fetched document can never overwrite an actor of another origin."""
    actor = parse_actor(document)
    assert actor.id is not None and actor.inbox is not None
    if not same_origin(actor.id, fetched_from):
        raise ParseError(f"the actor at {fetched_from} claims the id {actor.id!r}")
    keys = [k for k in actor.public_key if k.id and same_origin(k.id, actor.id)]
    key = keys[0] if keys else None
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


async def store_actor_update(sender: RemoteActor, document: dict[str, Any]) -> RemoteActor:
    """The profile (name, inboxes, key) an actor sent in an ``Update`` of itself, kept at once
    rather than at the next refetch a day later (Mastodon's ``Update`` of an actor does the
    same). The request was signed by the actor's current key and the inbox checked that it is
    the activity's actor; the document must be that actor (same id), else ``ParseError``."""
    if document.get("id") != sender.ap_id:
        raise ParseError("an actor may only update itself")
    return await _store(document, sender.ap_id)


async def _cached_actor(
    *, iri: str | None = None, key_id: str | None = None
) -> tuple[RemoteActor, PublicKey | None] | None:
    """The stored actor by ``ap_id`` or by key id, through the node's cache (node.caches)
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
    try:
        domain = domain_of(iri)
    except InvalidOrigin as exc:
        raise RemoteUnavailable(f"not an actor URL: {exc}") from exc
    if await is_blocked(domain):
        raise DomainBlocked(domain)
    stored = None if refresh else await _cached_actor(iri=iri)
    cached = stored[0] if stored is not None else None
    if cached is not None and not refresh and cached.fetched_at > clock.now() - ACTOR_TTL:
        return cached
    try:
        async with signing_client(node) as client:
            document = await fetch_actor(client, iri)
        return await _store(document, iri)
    except (FederationError, httpx.HTTPError, ValueError) as exc:
        if cached is not None and not refresh:
            return cached  # stale beats nothing while the remote is down
        raise RemoteUnavailable(f"cannot fetch actor {iri}: {exc}") from exc


async def resolve(node: NodeState, handle: str) -> RemoteActor:
    """The actor behind what an admin typed: ``acct:user@host``, ``user@host``, ``@user@host``,
    a node (``host``, ``acct:host``, or its address ``https://host/``: its instance actor, by
    NodeInfo metadata, FEP-2677, then WebFinger ``acct:host@host``, FEP-d556) or an actor URL.

    Text that names none of these is refused with 422 (field ``target``) before anything is
    fetched; a node that cannot be reached or answers nonsense is :class:`RemoteUnavailable`
    (502)."""
    target = _parse_target(handle, scheme_for(node))
    try:
        if isinstance(target, str):  # an actor URL
            return await get_remote_actor(node, target)
        scheme, host, acct = target
        if await is_blocked(host):
            raise DomainBlocked(host)
        async with signing_client(node) as client:
            if acct is not None:
                iri = await webfinger.lookup(client, acct, scheme=scheme)
            else:
                iri = await _instance_actor_of(client, host, scheme)
        return await get_remote_actor(node, iri)
    except (FederationError, httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        raise RemoteUnavailable(f"cannot resolve {handle!r}: {exc}") from exc


def _parse_target(handle: str, scheme: str) -> str | tuple[str, str, str | None]:
    """An actor URL, or ``(scheme, domain, acct or None)`` (``scheme`` for what has none);
    422 for anything else."""
    text = handle.strip()
    try:
        if "://" in text:
            origin = origin_of(text)
            path = text.split("://", 1)[1].partition("/")[2]
            if path.strip("/") == "":  # the node's address, not an actor
                return origin.scheme, origin.domain, None
            return text
        bare = text.removeprefix("acct:").removeprefix("@")
        if "@" in bare:
            user, host = webfinger.parse_acct(f"acct:{bare}")
            domain = parse_domain(host).domain
            return scheme, domain, f"acct:{user}@{domain}"
        return scheme, parse_domain(bare).domain, None
    except (InvalidOrigin, ParseError) as exc:
        raise Unprocessable.field(
            "target", f"not a node address, a domain or an account: {handle!r}"
        ) from exc


async def _instance_actor_of(client: httpx.AsyncClient, host: str, scheme: str) -> str:
    try:
        info = await nodeinfo.fetch(client, host, scheme=scheme)
        meta = info.get("metadata")
        candidate = meta.get("instanceActor") if isinstance(meta, dict) else None
        if isinstance(candidate, dict):  # FEP-2677 allows an object with an id
            candidate = candidate.get("id")
        if isinstance(candidate, str) and _on_domain(candidate, host):
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
    for keys of blocked domains without fetching anything, and ``KeyUnavailable`` (401 with a
    reason) when the key cannot be dereferenced; the owner's actor is stored, so the next
    request from it is verified from the cache."""

    async def resolve_key(key_id: str, refresh: bool) -> PublicKeyInfo | None:
        try:
            domain = domain_of(key_id)
        except InvalidOrigin as exc:
            raise KeyUnavailable(f"keyId {key_id!r}: {exc}") from exc
        if await is_blocked(domain):
            raise DomainBlocked(domain)
        if not refresh:
            stored = await _cached_actor(key_id=key_id)
            if stored is not None and stored[1] is not None:
                return PublicKeyInfo(key_id, stored[0].ap_id, stored[1])
        if iris.is_local(node.settings, key_id):
            return None  # we never verify our own requests through the network
        try:
            async with signing_client(node) as client:
                info, document = await fetch_key_owner(client, key_id)
            await _store(document, info.owner)
        except (KeyUnavailable, ParseError) as exc:
            if refresh:
                return None  # the cached key stays; the signature is refused as bad
            raise exc if isinstance(exc, KeyUnavailable) else KeyUnavailable(str(exc)) from exc
        return info

    return resolve_key


def _on_domain(url: str, domain: str) -> bool:
    try:
        return domain_of(url) == domain
    except InvalidOrigin:
        return False
