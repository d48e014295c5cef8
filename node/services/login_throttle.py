"""Failed log-ins per account: after 5 failures in 15 minutes, 10 in an hour or 20 in a day,
log-in with that number waits (429 with ``Retry-After``): a few dozen guesses a day instead of
the 14,400 the per-minute rate limit alone allows.

Anyone may fail on purpose to lock a known number out, so a *known device* is exempt: a browser
or app that logged in successfully to the account before holds a device token (an HMAC of the
member id under the node secret, OWASP's "device cookie"), and its attempts are neither counted
nor refused here (the per-client rate limit still applies). Failures are counted per number
whether or not it has an account: the answer reveals nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from uuid import UUID

from node.errors import TooManyRequests
from node.models import RateCounter
from node.services import ratelimit

WINDOWS = ((timedelta(minutes=15), 5), (timedelta(hours=1), 10), (timedelta(days=1), 20))
_DEVICE_SALT = b"entraide-known-device:"


def _key(phone: str, window: timedelta) -> str:
    return f"login-fail:{int(window.total_seconds())}:{phone}"


async def check(phone: str) -> None:
    """:class:`TooManyRequests` while ``phone`` (E.164) has too many recent failures."""
    waits = []
    for window, limit in WINDOWS:
        count, start = await ratelimit.peek(_key(phone, window), window)
        if count >= limit:
            waits.append(int(ratelimit.retry_after(start, window)))
    if waits:  # the longest wait: the shorter windows would only refuse again
        minutes = max(1, round(max(waits) / 60))
        raise TooManyRequests(
            f"Too many failed log-ins with this number; try again in {minutes} minutes, "
            "or from a device you logged in with before.",
            headers={"Retry-After": str(max(waits))},
        )


async def failed(phone: str) -> None:
    for window, _ in WINDOWS:
        await ratelimit.hit(_key(phone, window), window)


async def forgive(phone: str) -> None:
    """Forget the failures counted for ``phone``: its owner proved who they are (a new password
    through a reset), so the guesses made before no longer hold the account back."""
    await RateCounter.filter(key__in=[_key(phone, window) for window, _ in WINDOWS]).delete()


def device_token(member_id: UUID, secret: bytes) -> str:
    """A token this device shows at its next log-ins to the account (random part + HMAC)."""
    nonce = secrets.token_urlsafe(12)
    return f"{nonce}.{_mac(member_id, nonce, secret)}"


def is_known_device(token: str | None, member_id: UUID, secret: bytes) -> bool:
    if not token or token.count(".") != 1 or len(token) > 200:
        return False
    nonce, mac = token.split(".")
    return hmac.compare_digest(mac, _mac(member_id, nonce, secret))


def _mac(member_id: UUID, nonce: str, secret: bytes) -> str:
    message = _DEVICE_SALT + member_id.bytes + nonce.encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]
