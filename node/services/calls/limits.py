"""Limits that protect people's attention.

- An association posts at most ``calls_per_association_day`` calls per 24 hours.
- The node's admins send at most ``urgent_calls_per_day`` urgent calls per 24 hours.
- A member is told about at most ``calls_per_member_week`` calls per 7 days from associations
  they do not follow (calls of followed associations and urgent calls always reach them; their
  preferences and quiet hours still hold).

Windows slide: they count the calls (or the notifications) of the last 24 hours or 7 days, so
``Retry-After`` says exactly when the oldest one leaves the window.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID

from tortoise.functions import Count

from node import clock
from node.errors import TooManyRequests
from node.models import Call, CallKind, Notification
from node.settings import Settings

DAY = timedelta(days=1)
WEEK = timedelta(days=7)
NEARBY_KINDS = ("call_nearby",)
_CHUNK = 1000


def _retry_after(oldest: datetime, window: timedelta) -> dict[str, str]:
    seconds = math.ceil((oldest + window - clock.now()).total_seconds())
    return {"Retry-After": str(max(1, seconds))}


async def check_association_day(settings: Settings, association_id: UUID) -> None:
    since = clock.now() - DAY
    recent = Call.filter(association_id=association_id, created_at__gte=since)
    limit = settings.calls_per_association_day
    if await recent.count() >= limit:
        oldest = await recent.order_by("created_at").first()
        assert oldest is not None
        raise TooManyRequests(
            f"This association already posted {limit} calls in the last 24 hours; "
            "people's attention is precious. Try again later.",
            headers=_retry_after(oldest.created_at, DAY),
        )


async def check_urgent(settings: Settings) -> None:
    since = clock.now() - DAY
    recent = Call.filter(kind=CallKind.URGENT, origin_domain__isnull=True, created_at__gte=since)
    limit = settings.urgent_calls_per_day
    if await recent.count() >= limit:
        oldest = await recent.order_by("created_at").first()
        assert oldest is not None
        raise TooManyRequests(
            f"The node already sent {limit} urgent calls in the last 24 hours. Try again later.",
            headers=_retry_after(oldest.created_at, DAY),
        )


async def under_weekly_cap(settings: Settings, member_ids: Sequence[UUID]) -> list[UUID]:
    """The members of ``member_ids`` told about fewer than ``calls_per_member_week`` calls
    (outside followed associations) in the last 7 days."""
    cap = settings.calls_per_member_week
    if cap == 0:
        return []
    since = clock.now() - WEEK
    full: set[UUID] = set()
    ids = list(member_ids)
    for start in range(0, len(ids), _CHUNK):
        rows = (
            await Notification.filter(
                member_id__in=ids[start : start + _CHUNK],
                kind__in=NEARBY_KINDS,
                created_at__gte=since,
            )
            .annotate(n=Count("id"))
            .group_by("member_id")
            .values_list("member_id", "n")
        )
        full.update(member for member, n in rows if int(n) >= cap)
    return [member for member in ids if member not in full]
