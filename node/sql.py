"""The inbox's hot statements as plain SQL through Tortoise's connection (the active node's, and
the current transaction's when there is one).

Each runs for every inbound request or inbox row, where building the query with the ORM cost
more than running it (DESIGN §7: raw SQL through Tortoise ≈ 3× the ORM). Everything else stays
on the ORM. Statements are written with ``?`` placeholders, numbered (``$1``…) for PostgreSQL;
values go through the model fields' own ``to_db_value`` so rows look as if the ORM wrote them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from node.models import (
    Action,
    AllowedDomain,
    DomainBlock,
    FederationPolicy,
    InboxItem,
    InboxStatus,
    Partnership,
    PartnershipDirection,
    PartnershipScopeOffer,
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


# --- policy, blocks, partners (loaded into node.caches) ---------------------------------


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
    """Accepted partnerships: active domain → the scopes we take from it. Those include what we
    asked it to share more and it has not answered yet: we consented already, and its Accept
    may reach us after the first things it sends under them (deliveries go in parallel)."""
    table = Partnership._meta.db_table
    offers = PartnershipScopeOffer._meta.db_table
    rows = await query(
        Partnership,
        f"SELECT active_domain, scopes FROM {table} WHERE status = ? AND active_domain IS NOT NULL",
        [PartnershipStatus.ACCEPTED.value],
    )
    out = {
        str(r["active_domain"]).lower(): [s for s in str(r["scopes"]).split(",") if s] for r in rows
    }
    asked = await query(
        Partnership,
        f"SELECT p.active_domain, o.scopes FROM {offers} o JOIN {table} p"
        " ON o.partnership_id = p.id WHERE o.status = ? AND o.direction = ? AND p.status = ?"
        " AND p.active_domain IS NOT NULL",
        [
            PartnershipStatus.PENDING.value,
            PartnershipDirection.OUTGOING.value,
            PartnershipStatus.ACCEPTED.value,
        ],
    )
    for r in asked:
        domain = str(r["active_domain"]).lower()
        out[domain] = sorted({*out.get(domain, []), *str(r["scopes"]).split(",")} - {""})
    return out


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


# --- remote actions --------------------------------------------------------------------------

# Refreshed by an update of a row we have: everything the origin says, not who owns it (that
# never changes: the WHERE below refuses another owner) nor when we first stored it.
_REFRESHED = (
    "kind",
    "category",
    "title",
    "description",
    "status",
    "lat",
    "lon",
    "public_lat",
    "public_lon",
    "h3_cell",
    "h3_r7",
    "h3_r5",
    "unit_x",
    "unit_y",
    "unit_z",
    "starts_at",
    "ends_at",
    "place_name",
    "expires_at",
    "remote_url",
    "remote_author_name",
    "remote_updated_at",
    "updated_at",
)
_INSERTED = (
    "id",
    "ap_id",
    "origin_domain",
    "remote_actor_iri",
    "visibility",
    "auto_accept",
    "created_at",
    *_REFRESHED,
)


def utc(value: datetime | None) -> datetime | None:
    """``value`` in UTC (naive taken as UTC), so SQLite's text datetimes compare in order."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


async def upsert_remote_action(values: dict[str, Any]) -> uuid.UUID | None:
    """Insert a remote action, or refresh the row with its ``ap_id`` when that row has the same
    owner (``remote_actor_iri`` and ``origin_domain``) and is not newer (its
    ``remote_updated_at`` NULL, the new one NULL, or not after the new one): ONE statement.
    The row's id, or None when a row exists that may not be refreshed (the caller finds why).

    ``values`` holds every column of ``_INSERTED`` except ``id``, datetimes in UTC, enums as
    their values."""
    db = Action._meta.db
    sqlite = db.capabilities.dialect == "sqlite"
    new_id = uuid.uuid4()
    row = {**values, "id": str(new_id) if sqlite else new_id}
    table = Action._meta.db_table
    known, new = f"{table}.remote_updated_at", "excluded.remote_updated_at"
    if sqlite:  # stored as text: compare instants, whatever offset older rows were written with
        known, new = f"julianday({known})", f"julianday({new})"
    statement = (
        f"INSERT INTO {table} ({', '.join(_INSERTED)}) VALUES ({', '.join('?' * len(_INSERTED))}) "
        f"ON CONFLICT (ap_id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in _REFRESHED)
        + f" WHERE {table}.remote_actor_iri = excluded.remote_actor_iri"
        f" AND {table}.origin_domain = excluded.origin_domain"
        f" AND ({table}.remote_updated_at IS NULL OR excluded.remote_updated_at IS NULL"
        f" OR {known} <= {new}) RETURNING id"
    )
    rows = await query(Action, statement, [row[c] for c in _INSERTED])
    if not rows:
        return None
    found = rows[0]["id"]
    return found if isinstance(found, uuid.UUID) else uuid.UUID(str(found))


async def remote_action_owner(ap_id: str) -> dict[str, Any] | None:
    """Owner of the row with ``ap_id`` (when the upsert refused to touch it)."""
    table = Action._meta.db_table
    rows = await query(
        Action,
        f"SELECT id, origin_domain, remote_actor_iri FROM {table} WHERE ap_id = ?",
        [ap_id],
    )
    return rows[0] if rows else None
