"""The signing HTTP client: an ``httpx.Auth`` that signs, and a hardened client factory.

Outgoing requests are signed the way Mastodon and GoToSocial verify them (DESIGN §4): cavage
``rsa-sha256`` over ``(request-target) host date digest`` (+ ``content-type``) with
``Digest: SHA-256=…``; RFC 9421 is used for hosts the caller names. The client refuses to reach
private, loopback and link-local addresses (an inbox URL or a ``keyId`` is attacker-chosen: without
the guard, a remote actor could make us POST into our own network), caps response sizes, and
follows a bounded number of redirects, re-signing every hop.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Container, Generator
from email.utils import format_datetime
from typing import Any
from urllib.parse import urljoin

import anyio
import anyio.to_thread
import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from federation import jsonbounds
from federation.digest import digest_header
from federation.errors import (
    FetchError,
    ParseError,
    ResponseTooLarge,
    SSRFBlocked,
    TooManyRedirects,
)
from federation.http import HttpRequest
from federation.keys import PrivateKey
from federation.origin import same_origin
from federation.signatures import cavage, rfc9421
from federation.version import USER_AGENT

AP_MEDIA_TYPE = "application/activity+json"
AP_ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
Resolver = Callable[[str, int], Awaitable[list[str]]]


class SigningAuth(httpx.Auth):
    """Signs every request with the actor's key.

    ``rfc9421_hosts`` lists hosts (or is a predicate) that get RFC 9421 signatures; everyone else
    gets draft-cavage-12 ``rsa-sha256`` (``algorithm`` names another, e.g. ``hs2019`` as
    GoToSocial sends). ``offload=True`` computes the RSA signature in a worker
    thread: OpenSSL releases the GIL, so signing runs in parallel with the event loop (DESIGN §7).
    """

    requires_request_body = True

    def __init__(
        self,
        key_id: str,
        private_key: PrivateKey,
        *,
        rfc9421_hosts: Container[str] | Callable[[str], bool] = (),
        offload: bool = False,
        clock: Callable[[], dt.datetime] | None = None,
        algorithm: str | None = None,
    ) -> None:
        self.key_id = key_id
        self.algorithm = algorithm
        self.private_key = private_key
        self.rfc9421_hosts = rfc9421_hosts
        self.offload = offload
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))

    def uses_rfc9421(self, host: str) -> bool:
        hosts = self.rfc9421_hosts
        return bool(hosts(host)) if callable(hosts) else host in hosts

    def sign(self, request: httpx.Request) -> None:
        """Add ``Date``/``Digest``/``Signature`` (cavage) or ``Content-Digest``/
        ``Signature-Input``/``Signature`` (RFC 9421) to ``request`` in place."""
        now = self.clock()
        has_body = bool(request.content) or request.method in ("POST", "PUT", "PATCH")
        if self.uses_rfc9421(request.url.host):
            view = HttpRequest.from_httpx(request)
            comps = ["@method", "@target-uri", "@authority"]
            if "content-type" in request.headers:
                comps.append("content-type")
            rfc9421.sign_request(
                view,
                key_id=self.key_id,
                private_key=self.private_key,
                components=comps,
                created=now,
            )
            for name in ("Content-Digest", "Signature-Input", "Signature"):
                value = view.headers.get(name)
                if value is not None:
                    request.headers[name] = value
            return
        request.headers["Date"] = format_datetime(now.astimezone(dt.UTC), usegmt=True)
        headers = ["(request-target)", "host", "date"]
        if has_body:
            request.headers["Digest"] = digest_header(request.content)
            headers.append("digest")
            if "content-type" in request.headers:
                headers.append("content-type")
        view = HttpRequest.from_httpx(request)
        # rsa-sha256 is the only algorithm name every fediverse server knows; other keys say hs2019.
        algorithm = self.algorithm or (
            "rsa-sha256" if isinstance(self.private_key, rsa.RSAPrivateKey) else "hs2019"
        )
        request.headers["Signature"] = cavage.sign_request(
            view,
            key_id=self.key_id,
            private_key=self.private_key,
            headers=headers,
            algorithm=algorithm,
        )

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        self.sign(request)
        yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self.offload:
            await anyio.to_thread.run_sync(self.sign, request)
        else:
            self.sign(request)
        yield request


# --- SSRF guard and size cap ----------------------------------------------------------------


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await anyio.getaddrinfo(host, port, type=0)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def address_allowed(
    address: str, *, allow_private: bool = False, allow_loopback: bool = False
) -> bool:
    """False for loopback, private (RFC 1918, ULA), link-local, multicast, reserved and
    unspecified addresses, unless explicitly allowed. IPv4-mapped IPv6 is checked as IPv4."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return allow_loopback or allow_private
    if ip.is_link_local or ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return False
    if ip.is_private or not ip.is_global:
        return allow_private
    return True


class _CappedStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, limit: int) -> None:
        self.inner, self.limit = inner, limit

    async def __aiter__(self) -> AsyncIterator[bytes]:
        seen = 0
        async for chunk in self.inner:
            seen += len(chunk)
            if seen > self.limit:
                raise ResponseTooLarge(f"response body exceeds {self.limit} bytes")
            yield chunk

    async def aclose(self) -> None:
        await self.inner.aclose()


class GuardedTransport(httpx.AsyncBaseTransport):
    """Wraps a transport: refuses forbidden destinations, caps response bodies.

    The check resolves the host itself before connecting. A DNS answer that changes between our
    lookup and the connection (rebinding) is not covered; pin addresses in a custom transport if
    your threat model needs that.
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport | None = None,
        *,
        max_response_bytes: int = 2_000_000,
        allow_private: bool = False,
        allow_loopback: bool = False,
        resolver: Resolver | None = None,
    ) -> None:
        self.inner = inner or httpx.AsyncHTTPTransport(retries=0)
        self.max_response_bytes = max_response_bytes
        self.allow_private, self.allow_loopback = allow_private, allow_loopback
        self.resolver = resolver or system_resolver

    async def check(self, url: httpx.URL) -> None:
        if url.scheme not in ("http", "https"):
            raise SSRFBlocked(f"scheme {url.scheme!r} is not allowed")
        host = url.host
        try:
            addresses = [str(ipaddress.ip_address(host))]
        except ValueError:
            try:
                addresses = await self.resolver(
                    host, url.port or (443 if url.scheme == "https" else 80)
                )
            except OSError as exc:
                raise httpx.ConnectError(f"cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise httpx.ConnectError(f"no address for {host}")
        for address in addresses:
            if not address_allowed(
                address, allow_private=self.allow_private, allow_loopback=self.allow_loopback
            ):
                raise SSRFBlocked(f"{host} resolves to forbidden address {address}")

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self.check(request.url)
        response = await self.inner.handle_async_request(request)
        length = response.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_response_bytes:
            await response.aclose()
            raise ResponseTooLarge(
                f"Content-Length {length} exceeds {self.max_response_bytes} bytes"
            )
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_CappedStream(response.stream, self.max_response_bytes),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self.inner.aclose()


def create_client(
    *,
    auth: SigningAuth | None = None,
    timeout: float | httpx.Timeout = 10.0,
    max_response_bytes: int = 2_000_000,
    max_redirects: int = 5,
    allow_private: bool = False,
    allow_loopback: bool = False,
    resolver: Resolver | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    limits: httpx.Limits | None = None,
    user_agent: str = USER_AGENT,
    verify: ssl.SSLContext | bool = True,
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` for federation traffic.

    Redirects are not followed automatically (a redirected POST would lose its signature);
    :func:`fetch_json` follows up to ``max_redirects`` itself, signing each hop. ``verify`` is
    httpx's certificate check (an ``ssl.SSLContext`` for a private CA; never turn it off).
    """
    inner = transport or httpx.AsyncHTTPTransport(
        retries=0, limits=limits or httpx.Limits(), verify=verify
    )
    guarded = GuardedTransport(
        inner,
        max_response_bytes=max_response_bytes,
        allow_private=allow_private,
        allow_loopback=allow_loopback,
        resolver=resolver,
    )
    return httpx.AsyncClient(
        auth=auth,
        transport=guarded,
        timeout=timeout,
        follow_redirects=False,
        max_redirects=max_redirects,
        headers={"User-Agent": user_agent},
    )


async def fetch_json(
    client: httpx.AsyncClient, url: str, *, accept: str = AP_ACCEPT
) -> dict[str, Any]:
    """Signed GET of a JSON document, following at most ``client.max_redirects`` redirects."""
    current = url
    for _ in range(client.max_redirects + 1):
        response = await client.get(current, headers={"Accept": accept})
        if response.is_redirect and "location" in response.headers:
            current = urljoin(current, response.headers["location"])
            continue
        if response.status_code != 200:
            raise FetchError(f"GET {current} answered {response.status_code}")
        try:
            data = jsonbounds.loads(response.content)
        except ParseError as exc:
            raise ParseError(f"GET {current} did not return usable JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise ParseError(f"GET {current} did not return a JSON object")
        return data
    raise TooManyRedirects(f"more than {client.max_redirects} redirects from {url}")


async def fetch_actor(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    """Signed GET of an actor; refuses a document whose ``id`` is on another origin than the
    URL asked (scheme, host and port, :mod:`federation.origin`): a server must not be able to
    speak for actors it does not host, not even for another port of its own host."""
    doc = await fetch_json(client, url)
    actor_id = doc.get("id")
    if not isinstance(actor_id, str) or not same_origin(actor_id, url):
        raise ParseError(f"actor document at {url} has a foreign or missing id {actor_id!r}")
    return doc


async def deliver(
    client: httpx.AsyncClient, inbox: str, activity: dict[str, Any] | bytes
) -> httpx.Response:
    """POST an activity to an inbox (signed by the client's auth). The response is returned
    unchecked: classify it with :func:`federation.retry.classify_response`."""
    body = activity if isinstance(activity, bytes) else json.dumps(activity).encode("utf-8")
    return await client.post(inbox, content=body, headers={"Content-Type": AP_MEDIA_TYPE})
