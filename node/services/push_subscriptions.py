"""Web Push subscriptions: one per device, given by the browser's ``PushSubscription``
(``endpoint`` and the ``p256dh``/``auth`` keys of RFC 8291).

The endpoint is a URL of the browser vendor's push service, which the worker will POST to.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import urlsplit

from node import clock
from node.errors import Conflict, NotFound, Unprocessable
from node.models import Member, PushSubscription
from node.settings import Settings

MAX_PER_MEMBER = 10


def _b64url(field: str, value: str, size: int | None = None) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise Unprocessable.field(field, "must be base64url") from None
    if size is not None and len(raw) != size:
        raise Unprocessable.field(field, f"must be {size} bytes")
    return raw


def check_endpoint(settings: Settings, endpoint: str) -> str:
    """An https URL (RFC 8030 §8); plain http only where the node allows private addresses.
    Where it points is checked again when sending (the federation client's address guard)."""
    parts = urlsplit(endpoint)
    allowed = ("https", "http") if settings.federation_allow_private else ("https",)
    if parts.scheme not in allowed or not parts.hostname or parts.username is not None:
        raise Unprocessable.field("endpoint", "must be an https URL of a push service")
    return endpoint


async def subscribe(
    settings: Settings, member: Member, *, endpoint: str, p256dh: str, auth: str, label: str = ""
) -> tuple[PushSubscription, bool]:
    """Store the device's subscription (again: its keys are refreshed). Returns (row, created).
    The same endpoint for another member is a 409: one device, one account."""
    check_endpoint(settings, endpoint)
    point = _b64url("keys.p256dh", p256dh, 65)
    if point[0] != 4:
        raise Unprocessable.field("keys.p256dh", "must be an uncompressed P-256 point")
    _b64url("keys.auth", auth, 16)
    existing = await PushSubscription.get_or_none(endpoint=endpoint)
    if existing is not None:
        if existing.member_id != member.id:  # type: ignore[attr-defined]
            raise Conflict("This device is subscribed for another account.")
        existing.p256dh, existing.auth = p256dh, auth
        existing.label = label or existing.label
        await existing.save(update_fields=["p256dh", "auth", "label"])
        return existing, False
    if await PushSubscription.filter(member_id=member.id).count() >= MAX_PER_MEMBER:
        raise Conflict(f"At most {MAX_PER_MEMBER} devices; remove one first.")
    row = await PushSubscription.create(
        member=member,
        endpoint=endpoint,
        p256dh=p256dh,
        auth=auth,
        label=label,
        created_at=clock.now(),
    )
    return row, True


async def list_subscriptions(member: Member) -> list[PushSubscription]:
    return await PushSubscription.filter(member_id=member.id).order_by("id")


async def unsubscribe(member: Member, subscription_id: int) -> None:
    deleted = await PushSubscription.filter(id=subscription_id, member_id=member.id).delete()
    if not deleted:
        raise NotFound("No such device.")
