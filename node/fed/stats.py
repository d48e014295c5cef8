"""Aggregate usage figures for NodeInfo (DESIGN §5: counts only, never a person)."""

from __future__ import annotations

from datetime import timedelta

from node import clock
from node.models import Action, Member, Visibility


async def usage() -> dict[str, int]:
    now = clock.now()
    users = await Member.filter(phone_verified_at__isnull=False).count()
    month = (
        await Action.filter(created_at__gte=now - timedelta(days=30))
        .distinct()
        .values_list("author_id", flat=True)
    )
    half = (
        await Action.filter(created_at__gte=now - timedelta(days=182))
        .distinct()
        .values_list("author_id", flat=True)
    )
    posts = await Action.filter(visibility=Visibility.PUBLIC).count()
    return {
        "users": users,
        "active_month": len(set(month)),
        "active_halfyear": len(set(half)),
        "posts": posts,
    }
