"""Reading a page of the feed: time slices for ``order=recent``, growing discs for
``order=distance`` (see :mod:`node.services.feed`)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from node import clock
from node.caches import span_hints
from node.errors import Unprocessable
from node.models import Action, ActionCategory, ActionKind, ActionStatus, Member
from node.services import geo
from node.services.feed.cursors import Order, decode_cursor, encode_cursor
from node.services.feed.items import FeedItem, FeedPage, as_datetime, feed_action
from node.services.feed.query import (
    DEFAULT_LIMIT,
    DEFAULT_RADIUS_KM,
    FIRST_RING_KM,
    INDEX_COLUMN,
    NearbyQuery,
    nearby_query,
    recent_resolution,
    recent_sql,
    ring_sql,
    rings,
)

FIRST_SPAN_S = 3600.0
SPAN_GROWTH = 4.0
MAX_SPAN_S = 400 * 86400.0


async def _recent_rows(
    q: NearbyQuery,
    connection: BaseDBAsyncClient,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[dict[str, Any]]:
    """The newest ``limit + 1`` matching rows, read in time slices going back from the cursor
    (or now): each slice reads only the rows of the covering cells in its time range, and the
    slices widen ×4 until a page is full, so a page costs about ``limit`` rows of the area
    whatever the number of actions, and a sparse area a few cheap queries."""
    res = recent_resolution(q.radius_km)
    cells = geo.covering_cells(q.lat, q.lon, q.radius_km, res)
    column = INDEX_COLUMN[res]
    centre = geo.index_point(q.lat, q.lon).h3_r5
    hint_key = (centre, round(q.radius_km), q.kind, q.category, q.status, bool(q.viewer_id))
    reference = after[0] if after is not None else clock.now()
    # How far back in time a page of this area reached last time (per node, safe to lose): the
    # first slice starts there, so a steady feed costs one query.
    hints = span_hints()
    span = hints.get(hint_key, FIRST_SPAN_S)
    upper: tuple[datetime, uuid.UUID | None] | None = after
    rows: list[dict[str, Any]] = []
    while True:
        lower = reference - timedelta(seconds=span) if span < MAX_SPAN_S else None
        sql, values = recent_sql(
            q,
            connection,
            cells=cells,
            column=column,
            upper=upper,
            lower=lower,
            n=limit + 1 - len(rows),
        )
        rows.extend(await connection.execute_query_dict(sql, values))
        if len(rows) > limit or lower is None:
            break
        upper, span = (lower, None), span * SPAN_GROWTH
    if len(rows) > limit:
        # Next time, reach the same rows plus half again the time they span (not half of the
        # quiet gap before the newest one, which would read more rows as the area fills up).
        newest = as_datetime(rows[0]["created_at"])
        kth = as_datetime(rows[limit - 1]["created_at"])
        reach = (reference - newest).total_seconds() + 1.5 * (newest - kth).total_seconds()
        if len(hints) > 10_000:
            hints.clear()
        hints[hint_key] = max(60.0, reach)
    return rows


async def nearby(
    *,
    lat: float,
    lon: float,
    radius_km: float = DEFAULT_RADIUS_KM,
    viewer: Member | None,
    kind: ActionKind | str | None = None,
    category: ActionCategory | str | None = None,
    status: ActionStatus | str = ActionStatus.OPEN,
    order: Order = "recent",
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    local_only: bool = False,
) -> FeedPage:
    """One page of the actions visible to ``viewer`` within ``radius_km`` of (lat, lon);
    ``local_only``: this node's own, without its partners' (remote actions)."""
    q = await nearby_query(
        lat, lon, radius_km, viewer, kind, category, status, limit, local_only=local_only
    )
    connection = Action._meta.db
    if order == "recent":
        after_t = decode_cursor(cursor, "recent") if cursor else None
        rows = await _recent_rows(q, connection, after_t, limit)
    elif order == "distance":
        after_d = decode_cursor(cursor, "distance") if cursor else None
        start = geo.km_for_chord2(after_d[0]) * 1.25 if after_d else 0.0
        rows = []
        for ring in rings(radius_km, start):
            sql, values = ring_sql(q, connection, ring, after_d, limit + 1)
            rows = await connection.execute_query_dict(sql, values)
            if len(rows) > limit:
                break
    else:
        raise Unprocessable.field("order", "must be recent or distance")
    return _page(q, rows, limit, order)


def _page(q: NearbyQuery, rows: list[dict[str, Any]], limit: int, order: Order) -> FeedPage:
    items = []
    for row in rows[:limit]:
        action = feed_action(row)
        distance = geo.haversine_km(q.lat, q.lon, action.public_lat, action.public_lon)
        items.append(FeedItem(action, distance))
    page = FeedPage(items=items)
    if len(rows) > limit and items:
        last = rows[limit - 1]
        if order == "recent":
            key: Any = as_datetime(last["created_at"]).isoformat()
        else:
            key = float(last["d2"])
        page.next_cursor = encode_cursor({"o": order, "k": key, "i": str(last["id"])})
    return page


async def explain(
    *,
    lat: float,
    lon: float,
    radius_km: float = DEFAULT_RADIUS_KM,
    viewer: Member | None = None,
    order: Order = "recent",
    limit: int = DEFAULT_LIMIT,
    ring_km: float = FIRST_RING_KM,
) -> list[str]:
    """The database's plan for the feed query (``EXPLAIN QUERY PLAN`` / ``EXPLAIN``), one line
    per step; for tests and operators checking that the indexes are used. For
    ``order=distance`` it is the plan of the search disc of ``ring_km`` (the first by default)."""
    q = await nearby_query(lat, lon, radius_km, viewer, None, None, ActionStatus.OPEN, limit)
    connection = Action._meta.db
    if order == "recent":
        res = recent_resolution(radius_km)
        sql, values = recent_sql(
            q,
            connection,
            cells=geo.covering_cells(lat, lon, radius_km, res),
            column=INDEX_COLUMN[res],
            upper=None,
            lower=clock.now() - timedelta(seconds=FIRST_SPAN_S),
            n=limit + 1,
        )
    else:
        sql, values = ring_sql(q, connection, min(ring_km, radius_km), None, limit + 1)
    if connection.capabilities.dialect == "postgres":
        rows = await connection.execute_query_dict(f"EXPLAIN {sql}", values)
        return [str(row["QUERY PLAN"]) for row in rows]
    rows = await connection.execute_query_dict(f"EXPLAIN QUERY PLAN {sql}", values)
    return [str(row["detail"]) for row in rows]
