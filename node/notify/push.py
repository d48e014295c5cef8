"""Sending Web Push messages: RFC 8291 encryption (``pywebpush``, ``aes128gcm`` of RFC 8188),
RFC 8292 VAPID authorization (``py_vapid``), RFC 8030 delivery over the node's guarded HTTP
client (no private or loopback push service unless the node allows private addresses).

A push service answers 201 when it accepted the message; 404 and 410 mean the subscription is
gone for good (RFC 8030 §7.3: the device unsubscribed) and the row is deleted; 429 and 5xx
are worth retrying; other 4xx are not.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from email.utils import parseaddr
from enum import Enum
from urllib.parse import urlsplit

import httpx
from py_vapid import Vapid02
from pywebpush import WebPusher

from federation import create_client
from federation.errors import ResponseTooLarge, SSRFBlocked
from node.keys import ensure_vapid_key
from node.models import PushSubscription
from node.state import NodeState

# How long a push service keeps a message for an offline device (RFC 8030 §5.2).
TTL_SECONDS = 24 * 3600
# VAPID tokens are valid up to 24 h (RFC 8292 §2); one is signed per push service and reused.
_TOKEN_LIFETIME = 12 * 3600


class PushResult(Enum):
    SENT = "sent"
    GONE = "gone"  # 404/410: delete the subscription
    RETRY = "retry"  # network error, 429, 5xx
    REFUSED = "refused"  # other 4xx: this message will never be accepted


@dataclass(frozen=True, slots=True)
class PushMessage:
    title: str
    body: str
    url: str
    topic: str  # at most 32 base64url characters: a resent message replaces the first
    urgent: bool = False

    def payload(self) -> bytes:
        data = {"title": self.title, "body": self.body, "url": self.url, "tag": self.topic}
        return json.dumps(data, ensure_ascii=False).encode()


@dataclass
class PushSender:
    """One per worker batch: signs VAPID tokens once per push service, reuses connections."""

    node: NodeState
    client: httpx.AsyncClient = field(init=False)
    _vapid: Vapid02 = field(init=False)
    _tokens: dict[str, tuple[float, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        settings = self.node.settings
        self._vapid = Vapid02.from_pem(ensure_vapid_key(settings).read_bytes())
        allow = settings.federation_allow_private
        self.client = create_client(
            timeout=10.0,
            allow_private=allow,
            allow_loopback=allow,
            max_response_bytes=64_000,
            transport=self.node.http_transport,
        )

    async def __aenter__(self) -> PushSender:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()

    def _authorization(self, endpoint: str) -> str:
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        now = time.time()
        cached = self._tokens.get(audience)
        if cached is None or cached[0] < now + 600:
            expires = int(now) + _TOKEN_LIFETIME
            claims = {"aud": audience, "exp": expires, "sub": self._contact()}
            header = self._vapid.sign(claims)["Authorization"]
            cached = (float(expires), header)
            self._tokens[audience] = cached
        return cached[1]

    def _contact(self) -> str:
        """Who the push service may contact (RFC 8292 §2.1: an https or mailto URI)."""
        settings = self.node.settings
        if settings.base_url.startswith("https://"):
            return settings.base_url
        return f"mailto:{parseaddr(settings.mail_from)[1] or 'no-reply@localhost'}"

    async def send(self, subscription: PushSubscription, message: PushMessage) -> PushResult:
        info = {
            "endpoint": subscription.endpoint,
            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
        }
        body = WebPusher(info).encode(message.payload(), "aes128gcm")["body"]
        headers = {
            "Authorization": self._authorization(subscription.endpoint),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(TTL_SECONDS),
            "Urgency": "high" if message.urgent else "normal",
            "Topic": message.topic,
        }
        try:
            response = await self.client.post(subscription.endpoint, content=body, headers=headers)
        except SSRFBlocked:
            return PushResult.REFUSED
        except (httpx.HTTPError, ResponseTooLarge):
            return PushResult.RETRY
        status = response.status_code
        if 200 <= status < 300:
            return PushResult.SENT
        if status in (404, 410):
            return PushResult.GONE
        if status == 429 or status >= 500:
            return PushResult.RETRY
        return PushResult.REFUSED
