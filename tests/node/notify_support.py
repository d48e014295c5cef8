"""Real parts for the notification tests: a Web Push service on loopback that checks the VAPID
token and decrypts payloads with the subscription's private key (``http_ece``), and browser-like
subscriptions with a real P-256 key pair. No tests here."""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, field
from typing import Any

import http_ece
from aiohttp import web
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from bench.procs import free_port


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Device:
    """What a browser keeps for one push subscription: its key pair and auth secret."""

    name: str
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def subscription(self, base: str) -> dict[str, Any]:
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": f"{base}/push/{self.name}",
            "keys": {"p256dh": b64url(point), "auth": b64url(self.auth)},
        }


@dataclass
class Received:
    device: str
    headers: dict[str, str]
    payload: dict[str, Any]
    vapid_claims: dict[str, Any]


def verify_vapid(header: str, public_key: str) -> dict[str, Any]:
    """``Authorization: vapid t=<JWT>,k=<key>`` (RFC 8292 §3): an ES256 JWT signed by ``k``,
    which must be the node's published key."""
    scheme, _, params = header.partition(" ")
    assert scheme == "vapid", header
    values = dict(part.split("=", 1) for part in params.split(","))
    assert values["k"] == public_key
    head, body, signature = values["t"].split(".")
    raw = unb64url(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(values["k"]))
    try:
        key.verify(der, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as error:  # pragma: no cover - the assertion message matters
        raise AssertionError("bad VAPID signature") from error
    claims: dict[str, Any] = json.loads(unb64url(body))
    return claims


class PushService:
    """A push service on 127.0.0.1: devices whose name is in ``gone`` answer 410."""

    def __init__(self) -> None:
        self.devices: dict[str, Device] = {}
        self.received: list[Received] = []
        self.gone: set[str] = set()
        self.failing: set[str] = set()
        self.public_key = ""
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._runner: web.AppRunner | None = None

    def device(self, name: str) -> Device:
        self.devices[name] = Device(name)
        return self.devices[name]

    async def _route(self, request: web.Request) -> web.Response:
        return await self._push(request)  # looked up per request: tests may wrap it

    async def _push(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name in self.gone:
            return web.Response(status=410)
        if name in self.failing:
            return web.Response(status=503)
        device = self.devices[name]
        body = await request.read()
        assert request.headers["Content-Encoding"] == "aes128gcm"
        plain = http_ece.decrypt(
            body, private_key=device.key, auth_secret=device.auth, version="aes128gcm"
        )
        claims = verify_vapid(request.headers["Authorization"], self.public_key)
        self.received.append(Received(name, dict(request.headers), json.loads(plain), claims))
        return web.Response(status=201)

    async def __aenter__(self) -> PushService:
        app = web.Application()
        app.router.add_post("/push/{name}", self._route)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()
