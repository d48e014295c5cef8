"""Claiming due rows safely from several workers (threads of one process or many processes).

A row is due when it is queued and its ``next_attempt_at`` has come, or when a worker claimed it
and its lease (``claimed_until``) ran out — that worker died mid-step, so the work is taken over
(nothing is lost when a worker is killed). Claiming stamps a fresh ``claim_token``:

* PostgreSQL: the candidates are selected ``FOR UPDATE SKIP LOCKED`` inside a transaction, so
  concurrent workers take disjoint batches without waiting on each other;
* SQLite (one writer at a time): a single ``UPDATE … WHERE id IN (…) AND <still due>`` is atomic;
  a row another worker claimed in between is no longer due and is not taken twice.

Either way the worker then reads back exactly the rows carrying its token.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeVar
from uuid import uuid4

from tortoise.expressions import F, Q
from tortoise.models import Model
from tortoise.transactions import in_transaction

M = TypeVar("M", bound=Model)


def due(now: datetime, queued: str, working: str) -> Q:
    return Q(status=queued, next_attempt_at__lte=now) | Q(status=working, claimed_until__lt=now)


async def claim(
    model: type[M],
    *,
    now: datetime,
    lease: timedelta,
    queued: str,
    working: str,
    limit: int,
    postgres: bool,
    extra: Q | None = None,
) -> list[M]:
    """Claim up to ``limit`` due rows of ``model``: status → ``working``, ``attempts`` + 1."""
    condition = due(now, queued, working)
    if extra is not None:
        condition &= extra
    token = str(uuid4())
    values: dict[str, Any] = {
        "status": working,
        "claimed_until": now + lease,
        "claim_token": token,
        "attempts": F("attempts") + 1,
    }
    if postgres:
        async with in_transaction():
            # A model query: Tortoise 1.1 drops FOR UPDATE from values_list() queries.
            locked = await (
                model.filter(condition)
                .order_by("next_attempt_at")
                .limit(limit)
                .select_for_update(skip_locked=True)
                .only("id")
            )
            if not locked:
                return []
            await model.filter(id__in=[row.pk for row in locked]).update(**values)
    else:
        ids = (
            await model.filter(condition)
            .order_by("next_attempt_at")
            .limit(limit)
            .values_list("id", flat=True)
        )
        if not ids:
            return []
        await model.filter(condition, id__in=list(ids)).update(**values)
    return await model.filter(claim_token=token).order_by("id")
