"""The signing client: SSRF guard, size cap, redirect limit, User-Agent, signatures on the wire."""

from __future__ import annotations

import httpx
import pytest
from conftest import NOW
from cryptography.hazmat.primitives.asymmetric import rsa

from federation import errors
from federation.client import SigningAuth, address_allowed, create_client, deliver, fetch_json
from federation.http import HttpRequest
from federation.keys import PublicKeyInfo
from federation.signatures.verify import verify_request
from federation.testing import fake_resolver
from federation.version import USER_AGENT

KEY_ID = "https://node.example/actor#main-key"


def echo(seen: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/inbox",
        "http://127.0.0.1:8000/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
        "http://192.168.1.1/",
        "http://[fd00::1]/",
        "http://[::ffff:127.0.0.1]/",
    ],
)
async def test_ssrf_guard_refuses_private_addresses(url: str) -> None:
    seen: list[httpx.Request] = []
    async with create_client(transport=echo(seen)) as client:
        with pytest.raises(errors.SSRFBlocked):
            await client.get(url)
    assert seen == []


async def test_ssrf_guard_checks_resolved_names() -> None:
    async def evil(host: str, port: int) -> list[str]:
        return ["93.184.215.14", "10.0.0.5"]  # one bad answer is enough to refuse

    async with create_client(transport=echo([]), resolver=evil) as client:
        with pytest.raises(errors.SSRFBlocked):
            await client.get("https://rebind.example/")


async def test_loopback_allowed_when_asked() -> None:
    seen: list[httpx.Request] = []
    async with create_client(transport=echo(seen), allow_loopback=True) as client:
        assert (await client.get("http://127.0.0.1:9/x")).status_code == 200
        with pytest.raises(errors.SSRFBlocked):
            await client.get("http://10.0.0.1/")  # loopback only, not every private range
    assert len(seen) == 1


def test_address_policy() -> None:
    assert address_allowed("93.184.215.14")
    assert not address_allowed("169.254.1.1", allow_private=True)  # link-local: never
    assert address_allowed("10.0.0.1", allow_private=True)


async def test_response_size_cap() -> None:
    big = httpx.MockTransport(lambda r: httpx.Response(200, content=b"x" * 5000))
    async with create_client(
        transport=big, resolver=fake_resolver, max_response_bytes=4096
    ) as client:
        with pytest.raises(errors.ResponseTooLarge):
            await client.get("https://remote.example/big")
    ok = httpx.MockTransport(lambda r: httpx.Response(200, content=b"x" * 4096))
    async with create_client(
        transport=ok, resolver=fake_resolver, max_response_bytes=4096
    ) as client:
        assert len((await client.get("https://remote.example/ok")).content) == 4096


async def test_size_cap_on_streamed_body_without_length() -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(10):
            yield b"y" * 1000

    t = httpx.MockTransport(lambda r: httpx.Response(200, content=chunks()))
    async with create_client(
        transport=t, resolver=fake_resolver, max_response_bytes=4096
    ) as client:
        with pytest.raises(errors.ResponseTooLarge):
            await client.get("https://remote.example/stream")


async def test_redirect_limit_and_every_hop_signed(rsa_key: rsa.RSAPrivateKey) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        hop = int(request.url.path.strip("/") or 0)
        return httpx.Response(302, headers={"Location": f"/{hop + 1}"})

    auth = SigningAuth(KEY_ID, rsa_key)
    async with create_client(
        transport=httpx.MockTransport(handler), resolver=fake_resolver, auth=auth, max_redirects=3
    ) as client:
        with pytest.raises(errors.TooManyRedirects):
            await fetch_json(client, "https://remote.example/0")
    assert len(seen) == 4  # the first request and three redirects
    assert all("signature" in r.headers for r in seen)


async def test_redirect_followed_within_limit() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"Location": "https://remote.example/new"})
        return httpx.Response(200, json={"id": "https://remote.example/new"})

    async with create_client(
        transport=httpx.MockTransport(handler), resolver=fake_resolver
    ) as client:
        assert (await fetch_json(client, "https://remote.example/old"))["id"].endswith("/new")


async def test_user_agent_names_entraide() -> None:
    seen: list[httpx.Request] = []
    async with create_client(transport=echo(seen), resolver=fake_resolver) as client:
        await client.get("https://remote.example/")
    assert seen[0].headers["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("Entraide/0.")


async def test_outgoing_post_is_signed_like_mastodon_expects(rsa_key: rsa.RSAPrivateKey) -> None:
    seen: list[httpx.Request] = []
    auth = SigningAuth(KEY_ID, rsa_key, clock=lambda: NOW)
    async with create_client(transport=echo(seen), resolver=fake_resolver, auth=auth) as client:
        await deliver(client, "https://remote.example/inbox", {"type": "Follow"})
    request = seen[0]
    sig = request.headers["signature"]
    assert 'algorithm="rsa-sha256"' in sig
    assert 'headers="(request-target) host date digest content-type"' in sig
    assert request.headers["digest"].startswith("SHA-256=")
    assert request.headers["date"] == "Sat, 01 Mar 2025 12:00:00 GMT"

    async def resolve(key_id: str, refresh: bool) -> PublicKeyInfo:
        return PublicKeyInfo(key_id, "https://node.example/actor", rsa_key.public_key())

    assert (await verify_request(HttpRequest.from_httpx(request), resolve, now=NOW)).owner


async def test_rfc9421_chosen_per_host(rsa_key: rsa.RSAPrivateKey) -> None:
    seen: list[httpx.Request] = []
    auth = SigningAuth(KEY_ID, rsa_key, rfc9421_hosts=lambda h: h == "modern.example", offload=True)
    async with create_client(transport=echo(seen), resolver=fake_resolver, auth=auth) as client:
        await deliver(client, "https://modern.example/inbox", {"type": "Follow"})
        await deliver(client, "https://legacy.example/inbox", {"type": "Follow"})
    assert "signature-input" in seen[0].headers and "content-digest" in seen[0].headers
    assert "signature-input" not in seen[1].headers and "digest" in seen[1].headers
