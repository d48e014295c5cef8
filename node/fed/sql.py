"""The inbox's hot statements as plain SQL through Tortoise's connection (the active node's, and
the current transaction's when there is one).

Each runs for every inbound request or inbox row, where building the query with the ORM cost
more than running it (DESIGN §7: raw SQL through Tortoise ≈ 3× the ORM). Everything else stays
on the ORM. Statements are written with ``?`` placeholders, numbered (``$1``…) for PostgreSQL;
values go through the model fields' own ``to_db_value`` so rows look as if the ORM wrote them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from node.models import (
    AllowedDomain,
    DomainBlock,
    FederationPolicy,
    InboxItem,
    InboxStatus,
    Partnership,
    PartnershipStatus,
)

M = TypeVar("M", bound=Model)
_MARK = re.compile(r"\?")


def _prepare(db: BaseDBAsyncClient, statement: str) -> str:
    if db.capabilities.dialect == "sqlite":
        return statement
    numbers = iter(range(1, 1000))
    return _MARK.sub(lambda _: f"${next(numbers)}", statement)


async def query(
    model: type[Model], statement: str, values: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    """Rows of ``statement`` on ``model``'s connection, as dicts."""
    db = model._meta.db
    # execute_query_dict: Tortoise's asyncpg execute_query drops RETURNING rows of DML.
    return await db.execute_query_dict(_prepare(db, statement), list(values))


def rows_to_models(model: type[M], rows: list[dict[str, Any]]) -> list[M]:
    return [model._init_from_db(**row) for row in rows]


def _db_value(model: type[Model], name: str, value: Any) -> Any:
    return model._meta.fields_map[name].to_db_value(value, model)


# --- policy, blocks, partners (loaded into node.fed.cache) ---------------------------------


async def blocked_domains() -> list[str]:
    table = DomainBlock._meta.db_table
    return [str(r["domain"]) for r in await query(DomainBlock, f"SELECT domain FROM {table}")]


async def policy() -> tuple[bool, list[str]]:
    policy_table = FederationPolicy._meta.db_table
    rows = await query(
        FederationPolicy, f"SELECT allowlist_mode FROM {policy_table} WHERE id = ?", [1]
    )
    mode = bool(rows[0]["allowlist_mode"]) if rows else False
    allowed_table = AllowedDomain._meta.db_table
    allowed = await query(AllowedDomain, f"SELECT domain FROM {allowed_table}")
    return mode, [str(r["domain"]) for r in allowed]


async def partners() -> dict[str, list[str]]:
    """Accepted partnerships: active domain → scopes."""
    table = Partnership._meta.db_table
    rows = await query(
        Partnership,
        f"SELECT active_domain, scopes FROM {table} WHERE status = ? AND active_domain IS NOT NULL",
        [PartnershipStatus.ACCEPTED.value],
    )
    return {
        str(r["active_domain"]).lower(): [s for s in str(r["scopes"]).split(",") if s] for r in rows
    }


# --- inbox rows ------------------------------------------------------------------------------


async def insert_inbox_item(
    *,
    activity_id: str,
    actor_iri: str,
    type: str,
    object_type: str | None,
    body: dict[str, Any],
    raw: bytes | None = None,
    now: datetime,
) -> bool:
    """Store a verified activity, queued; False when its id was already received (the unique
    ``activity_id`` decides, no query before). ``raw``, the UTF-8 JSON text ``body`` was parsed
    from, is stored as it came instead of serializing ``body`` again."""
    text: str | None = None
    if raw is not None:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = None
    if text is None:
        text = _db_value(InboxItem, "body", body)
    table = InboxItem._meta.db_table
    rows = await query(
        InboxItem,
        f"INSERT INTO {table} (activity_id, actor_iri, type, object_type, body, status, "
        "attempts, next_attempt_at, received_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?) "
        "ON CONFLICT (activity_id) DO NOTHING RETURNING id",
        [
            activity_id,
            actor_iri,
            type,
            object_type,
            text,
            InboxStatus.QUEUED.value,
            now,
            now,
        ],
    )
    return bool(rows)


async def renew_lease(ids: Sequence[int], until: datetime) -> None:
    table = InboxItem._meta.db_table
    marks = ", ".join("?" * len(ids))
    await query(
        InboxItem, f"UPDATE {table} SET claimed_until = ? WHERE id IN ({marks})", [until, *ids]
    )


async def finish_inbox_items(
    ids: Sequence[int], status: InboxStatus, reason: str | None, now: datetime
) -> None:
    """Mark rows ``done``/``ignored``/``failed`` (their lease released)."""
    if not ids:
        return
    table = InboxItem._meta.db_table
    marks = ", ".join("?" * len(ids))
    await query(
        InboxItem,
        f"UPDATE {table} SET status = ?, processed_at = ?, claimed_until = NULL, "
        f"last_error = ? WHERE id IN ({marks})",
        [status.value, now, reason[:1000] if reason else None, *ids],
    )
