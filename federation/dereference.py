"""Dereferencing a signature's ``keyId``: from the key to the actor that owns it.

What servers answer at a ``keyId`` (without its fragment) differs:

- Mastodon: the whole actor, whose ``publicKey`` has that id;
- GoToSocial: a *minimal* actor (``id``, ``type``, ``preferredUsername``, ``publicKey``) without
  ``inbox`` (``typeutils.AccountToASMinimal``, served at ``/users/NAME/main-key``);
- others: a bare key document (``{"id": key, "owner": actor, "publicKeyPem": …}``, or a
  ``Multikey`` with ``controller``).

The rules (Mastodon's ``FetchRemoteKeyService``, GoToSocial's ``federation/authenticate.go``):
the document must be on the origin of the URL asked; the key's owner must be on the key's
origin; when the document is not the owner's full actor, the owner is fetched (signed GET) and
must itself publish the key — it is the owner's document that is kept and whose key is used.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx

from federation.client import fetch_actor, fetch_json
from federation.errors import FederationError, KeyFormatError, KeyUnavailable
from federation.keys import (
    PublicKeyInfo,
    key_from_actor,
    load_public_key_multibase,
    load_public_key_pem,
)
from federation.origin import InvalidOrigin, origin_of, same_origin


def is_full_actor(document: Mapping[str, Any]) -> bool:
    """Whether ``document`` can be used as an actor (something one can deliver to)."""
    return isinstance(document.get("id"), str) and isinstance(document.get("inbox"), str)


def key_in_document(document: Mapping[str, Any], key_id: str) -> PublicKeyInfo | None:
    """The key ``key_id`` as ``document`` publishes it: in an actor's ``publicKey``/
    ``assertionMethod``, or as the document itself (a bare key)."""
    info = key_from_actor(document, key_id)
    if info is not None or document.get("id") != key_id:
        return info
    owner = document.get("owner") or document.get("controller")
    if not isinstance(owner, str):
        return None
    try:
        if isinstance(document.get("publicKeyPem"), str):
            return PublicKeyInfo(key_id, owner, load_public_key_pem(document["publicKeyPem"]))
        if isinstance(document.get("publicKeyMultibase"), str):
            key = load_public_key_multibase(document["publicKeyMultibase"])
            return PublicKeyInfo(key_id, owner, key)
    except KeyFormatError:
        return None
    return None


async def fetch_key_owner(
    client: httpx.AsyncClient, key_id: str
) -> tuple[PublicKeyInfo, dict[str, Any]]:
    """The key ``key_id`` and the full actor document of its owner, by signed GETs.

    Raises :class:`KeyUnavailable` (a 401 ``VerificationError`` with a reason) for every way
    this can fail, network errors included: a key that cannot be resolved is never a 500.
    """
    try:
        origin_of(key_id)
    except InvalidOrigin as exc:
        raise KeyUnavailable(f"keyId {key_id!r}: {exc}") from exc
    url = key_id.partition("#")[0]
    document = await _get(client, url, fetch_json)
    doc_id = document.get("id")
    if not isinstance(doc_id, str) or not same_origin(doc_id, url):
        raise KeyUnavailable(f"the document at {url} has a foreign or missing id {doc_id!r}")
    info = key_in_document(document, key_id)
    if info is None:
        raise KeyUnavailable(f"{url} does not publish the key {key_id!r}")
    if not same_origin(info.owner, key_id):
        raise KeyUnavailable(f"the key {key_id!r} names an owner on another origin")
    if info.owner == doc_id and is_full_actor(document):
        return info, document
    # A minimal actor or a bare key: only the owner's own document may vouch for the key.
    actor = await _get(client, info.owner, fetch_actor)
    confirmed = key_from_actor(actor, key_id)
    if actor.get("id") != info.owner or not is_full_actor(actor):
        raise KeyUnavailable(f"the owner {info.owner!r} of {key_id!r} is not an actor")
    if confirmed is None or confirmed.owner != info.owner:
        raise KeyUnavailable(f"the owner {info.owner!r} does not publish the key {key_id!r}")
    return confirmed, actor


async def _get(
    client: httpx.AsyncClient,
    url: str,
    fetch: Callable[[httpx.AsyncClient, str], Awaitable[dict[str, Any]]],
) -> dict[str, Any]:
    try:
        document = await fetch(client, url)
    except (FederationError, httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        raise KeyUnavailable(f"cannot fetch {url}: {exc}") from exc
    return document


class KeyFetcher:
    """A ready-made ``resolve_key`` for :func:`federation.verify_request`: dereferences the
    ``keyId`` with :func:`fetch_key_owner`, caches the keys in memory.

    The node writes its own, backed by its database; this one serves tests, tools and partners.
    """

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.cache: dict[str, PublicKeyInfo] = {}

    async def __call__(self, key_id: str, refresh: bool) -> PublicKeyInfo | None:
        if not refresh and key_id in self.cache:
            return self.cache[key_id]
        try:
            info, _ = await fetch_key_owner(self.client, key_id)
        except KeyUnavailable:
            return None
        self.cache[key_id] = info
        return info
