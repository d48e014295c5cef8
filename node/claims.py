"""Claiming due rows safely from several workers (threads of one process or many processes).

A row is due when it is queued and its ``next_attempt_at`` has come, or when a worker claimed it
and its lease (``claimed_until``) ran out — that worker died mid-step, so the work is taken over
(nothing is lost when a worker is killed). Claiming stamps a fresh ``claim_token``:

* PostgreSQL: the candidates are selected ``FOR UPDATE SKIP LOCKED`` inside a transaction, so
  concurrent workers take disjoint batches without waiting on each other;
* SQLite (one writer at a time): a single ``UPDATE … WHERE id IN (…) AND <still due>`` is atomic;
  a row another worker claimed in between is no longer due and is not taken twice.

Either way the worker then reads back exactly the rows carrying its token.

Without extra conditions (the inbox), :func:`claim` is one plain SQL statement instead: an
``UPDATE … WHERE id IN (SELECT … LIMIT n [FOR UPDATE SKIP LOCKED]) RETURNING *`` — the same
rows, the same guarantees (a single statement is atomic on SQLite; on PostgreSQL the locked
candidates are skipped), one round trip instead of three.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeVar
from uuid import uuid4

from tortoise.expressions import F, Q
from tortoise.models import Model
from tortoise.transactions import in_transaction

from node.sql import query, rows_to_models

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
    if extra is None:
        return await _claim_sql(
            model,
            now=now,
            lease=lease,
            queued=queued,
            working=working,
            limit=limit,
            postgres=postgres,
        )
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


async def _claim_sql(
    model: type[M],
    *,
    now: datetime,
    lease: timedelta,
    queued: str,
    working: str,
    limit: int,
    postgres: bool,
) -> list[M]:

    table = model._meta.db_table
    lock = " FOR UPDATE SKIP LOCKED" if postgres else ""
    rows = await query(
        model,
        f"UPDATE {table} SET status = ?, claimed_until = ?, claim_token = ?, "
        f"attempts = attempts + 1 WHERE id IN (SELECT id FROM {table} "
        "WHERE (status = ? AND next_attempt_at <= ?) OR (status = ? AND claimed_until < ?) "
        f"ORDER BY next_attempt_at LIMIT ?{lock}) RETURNING *",
        [str(working), now + lease, str(uuid4()), str(queued), now, str(working), now, limit],
    )
    return sorted(rows_to_models(model, rows), key=lambda row: row.pk)
