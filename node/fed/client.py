"""The node's outgoing federation client: signed by a local actor, guarded against SSRF.

Outgoing requests to private or loopback addresses are refused unless
``ENTRAIDE_FEDERATION_ALLOW_PRIVATE=true`` (tests, demos, several nodes on one machine). When a
test injects ``NodeState.http_transport``, the guard still runs on the URL's host unless private
addresses are allowed, so an SSRF test keeps its meaning.
"""

from __future__ import annotations

import ssl
from pathlib import Path

import certifi
import httpx

from federation import SigningAuth, create_client
from node import clock, iris
from node.fed import identity
from node.state import NodeState


async def _loopback_resolver(host: str, port: int) -> list[str]:
    """With an injected transport and private addresses allowed, names need not resolve."""
    return ["127.0.0.1"]


def signing_auth(
    node: NodeState, actor_iri: str | None = None, *, offload: bool = False
) -> SigningAuth:
    """Sign as ``actor_iri`` (default: the instance actor) with the instance key."""
    owner = actor_iri or iris.instance_actor_iri(node.settings)
    return SigningAuth(
        iris.key_id(owner),
        identity.instance_key(node.settings),
        offload=offload,
        clock=clock.now,  # the node's clock: tests move it, signatures must follow
    )


def signing_client(
    node: NodeState,
    *,
    actor_iri: str | None = None,
    offload: bool = False,
    timeout: float = 10.0,
    limits: httpx.Limits | None = None,
    max_response_bytes: int = 2_000_000,
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` signing every request as ``actor_iri`` (instance actor by
    default). Use it as ``async with signing_client(node) as client: ...``. A response body
    past ``max_response_bytes`` raises :class:`federation.errors.ResponseTooLarge`."""
    allow = node.settings.federation_allow_private
    loopback = allow or node.settings.federation_allow_loopback
    transport = node.http_transport
    return create_client(
        auth=signing_auth(node, actor_iri, offload=offload),
        timeout=timeout,
        allow_private=allow,
        allow_loopback=loopback,
        resolver=_loopback_resolver if (transport is not None and allow) else None,
        transport=transport,
        limits=limits,
        max_response_bytes=max_response_bytes,
        verify=tls_context(node.settings.federation_ca_file),
    )


def tls_context(extra_ca_file: Path | None) -> ssl.SSLContext | bool:
    """Certificates are always checked: against the public authorities (certifi, as httpx
    does), plus the operator's own CA when ``federation_ca_file`` names one."""
    if extra_ca_file is None:
        return True
    context = ssl.create_default_context(cafile=certifi.where())
    context.load_verify_locations(cafile=str(extra_ca_file))
    return context
