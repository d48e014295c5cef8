"""Deliveries, for node admins: inspect and retry them (API, web and CLI share these)."""

from __future__ import annotations

from typing import Any

from node import clock
from node.errors import NotFound, Unprocessable
from node.models import Delivery, DeliveryStatus

_ALIASES = {"failed": DeliveryStatus.ABANDONED}


def _status(value: str | None) -> DeliveryStatus | None:
    if value is None or value == "":
        return None
    if value in _ALIASES:
        return _ALIASES[value]
    try:
        return DeliveryStatus(value)
    except ValueError:
        raise Unprocessable.field("status", f"unknown status {value!r}") from None


def delivery_dict(row: Delivery) -> dict[str, Any]:
    activity = row.activity
    return {
        "id": row.id,
        "activity_id": activity.ap_id,
        "activity_type": activity.type,
        "inbox_url": row.inbox_url,
        "host": row.host,
        "status": str(row.status),
        "attempts": row.attempts,
        "next_attempt_at": row.next_attempt_at,
        "last_status": row.last_status,
        "last_error": row.last_error,
        "created_at": row.created_at,
        "delivered_at": row.delivered_at,
    }


async def list_deliveries(status: str | None, limit: int = 50) -> list[dict[str, Any]]:
    query = Delivery.all()
    wanted = _status(status)
    if wanted is not None:
        query = query.filter(status=wanted)
    rows = await query.order_by("-id").limit(limit).select_related("activity")
    return [delivery_dict(row) for row in rows]


async def delivery_counts() -> dict[str, int]:
    return {str(s): await Delivery.filter(status=s).count() for s in DeliveryStatus}


async def retry_delivery(delivery_id: int) -> dict[str, Any]:
    """Queue a delivery again, now; its attempts start over. Delivered rows cannot be retried."""
    row = await Delivery.get_or_none(id=delivery_id).select_related("activity")
    if row is None:
        raise NotFound(f"No delivery {delivery_id}.")
    if row.status == DeliveryStatus.DELIVERED:
        raise Unprocessable(f"Delivery {delivery_id} was already delivered.")
    await Delivery.filter(id=row.id).update(
        status=DeliveryStatus.QUEUED, attempts=0, next_attempt_at=clock.now(), claimed_until=None
    )
    await row.refresh_from_db()
    return delivery_dict(row)
