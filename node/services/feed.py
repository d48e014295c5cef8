"""The nearby feed: visible actions within a radius, newest first or nearest first.

It is served from indexes, never a table scan (see docs in :func:`nearby`):

* the disc is covered by H3 cells (``geo.covering_cells``) at resolution 9, 7 or 5 (the
  finest that needs at most ~200 cells), queried with ``cell IN (…)`` on the
  ``(cell, status, created_at)`` indexes;
* ``order=recent`` reads time slices going back from the cursor (or now): one query per slice,
  ``lower < created_at ≤ upper`` seeks each cell's index range, widening ×4 until a page is
  full. A per-area hint remembers how far back the last page reached, so a steady feed costs one
  query reading about ``limit`` × (covering area / disc area) rows, whatever the table holds;
* ``order=distance`` searches growing discs (0.25 km, doubling, up to the radius) and stops at the
  first one that holds a full page: its cost is the number of rows in that disc, bounded for
  evenly spread data but growing with density inside the first disc (the documented limit);
* the exact great-circle filter runs in SQL as a squared chord of unit vectors (arithmetic only,
  so it is the same on SQLite and PostgreSQL), distances shown are computed from public points.

Pagination is keyset: the cursor is the base64 of the last row's sort key (``created_at``, id) or
(squared chord, id). A cursor that does not decode is a 400.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from tortoise.backends.base.client import BaseDBAsyncClient

from node import clock
from node.errors import BadRequest, Unprocessable
from node.models import Action, ActionCategory, ActionKind, ActionStatus, Member, Visibility
from node.services import geo
from node.services.actions import actions_version, viewer_association_ids

DEFAULT_RADIUS_KM = 10.0
MAX_RADIUS_KM = 40.0
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
FIRST_RING_KM = 0.25
_INDEX_COLUMN = {5: "h3_r5", 7: "h3_r7", 9: "h3_cell"}

Order = Literal["recent", "distance"]


@dataclass(frozen=True, slots=True)
class FeedAction:
    """What the feed shows of an action, read by one SQL query with its author's pseudonym and
    its association's name (no ORM objects: building them cost more than the query itself).
    ``lat``/``lon`` (the exact point) are read only for an authenticated viewer's own actions;
    ``status`` is the stored one (see :attr:`shown_status`)."""

    id: uuid.UUID
    kind: ActionKind
    category: ActionCategory
    title: str
    description: str
    status: ActionStatus
    visibility: Visibility
    public_lat: float
    public_lon: float
    h3_cell: str
    author_id: uuid.UUID | None
    author_pseudonym: str | None
    remote_author_name: str | None
    on_behalf_of_id: uuid.UUID | None
    on_behalf_of_pseudonym: str | None
    association_id: uuid.UUID | None
    association_name: str | None
    auto_accept: bool
    starts_at: datetime | None
    ends_at: datetime | None
    place_name: str | None
    capacity: int | None
    expires_at: datetime
    created_at: datetime
    updated_at: datetime
    origin_domain: str | None
    remote_url: str | None
    ap_id: str | None
    lat: float | None
    lon: float | None

    def shown_status(self, now: datetime) -> ActionStatus:
        """As ``actions.effective_status``: an open action past ``expires_at`` is expired."""
        if self.status == ActionStatus.OPEN and self.expires_at <= now:
            return ActionStatus.EXPIRED
        return self.status


@dataclass(frozen=True, slots=True)
class FeedItem:
    action: FeedAction
    distance_km: float


@dataclass(slots=True)
class FeedPage:
    items: list[FeedItem] = field(default_factory=list)
    next_cursor: str | None = None


# --- cursors ------------------------------------------------------------------------------------


def _encode_cursor(payload: dict[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, order: Order) -> tuple[Any, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
        if not isinstance(payload, dict) or payload.get("o") != order:
            raise ValueError("cursor of another order")
        ident = uuid.UUID(payload["i"])
        if order == "recent":
            key: Any = datetime.fromisoformat(payload["k"])
            if key.tzinfo is None:
                raise ValueError("naive time")
        else:
            key = float(payload["k"])
            if not math.isfinite(key) or key < 0:
                raise ValueError("bad distance")
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError) as exc:
        raise BadRequest("The cursor is not valid; start again without it.") from exc
    return key, ident


# --- SQL ----------------------------------------------------------------------------------------


class _Sql:
    """Numbered placeholders (``?N`` on SQLite, ``$N`` on PostgreSQL) and their values."""

    def __init__(self, connection: BaseDBAsyncClient) -> None:
        self.pg = connection.capabilities.dialect == "postgres"
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        if isinstance(value, uuid.UUID) and not self.pg:
            value = str(value)
        elif isinstance(value, datetime) and not self.pg:
            value = value.isoformat(" ")  # how Tortoise stores datetimes in SQLite
        self.values.append(value)
        return f"${len(self.values)}" if self.pg else f"?{len(self.values)}"


# The columns a feed item needs, with the author's and the association's names (LEFT JOINs on
# primary keys: one index lookup per row; SQLite scans instead a table it knows to hold a
# handful of rows, e.g. the single member of a test or benchmark database).
_COLUMNS = (
    "a.id, a.kind, a.category, a.title, a.description, a.status, a.visibility, a.public_lat, "
    "a.public_lon, a.h3_cell, a.author_id, mem_author.pseudonym AS author_pseudonym, "
    "a.remote_author_name, a.on_behalf_of_id, mem_behalf.pseudonym AS on_behalf_of_pseudonym, "
    "a.association_id, org.name AS association_name, a.auto_accept, a.starts_at, a.ends_at, "
    "a.place_name, a.capacity, a.expires_at, a.created_at, a.updated_at, a.origin_domain, "
    "a.remote_url, a.ap_id"
)
_JOINS = (
    "LEFT JOIN member mem_author ON mem_author.id = a.author_id "
    "LEFT JOIN member mem_behalf ON mem_behalf.id = a.on_behalf_of_id "
    "LEFT JOIN association org ON org.id = a.association_id"
)


def _columns(q: _Query, p: _Sql) -> str:
    """The selected columns; the exact point only for the viewer's own actions (else NULL)."""
    if q.viewer_id is None:
        return f"{_COLUMNS}, NULL AS lat, NULL AS lon"
    mine = f"a.author_id = {p(q.viewer_id)}"
    exact = f"CASE WHEN {mine} THEN a.lat END AS lat, CASE WHEN {mine} THEN a.lon END AS lon"
    return f"{_COLUMNS}, {exact}"


@dataclass(frozen=True, slots=True)
class _Query:
    lat: float
    lon: float
    radius_km: float
    kind: ActionKind | None
    category: ActionCategory | None
    status: ActionStatus
    viewer_id: uuid.UUID | None
    association_ids: tuple[uuid.UUID, ...]


def _filters(q: _Query, p: _Sql) -> tuple[str, str]:
    """The WHERE conditions shared by every cell, and the squared-chord expression."""
    conditions = []
    if q.status == ActionStatus.OPEN:
        conditions.append(f"a.status = {p('open')} AND a.expires_at > {p(clock.now())}")
    elif q.status == ActionStatus.EXPIRED:
        conditions.append(
            f"a.status IN ({p('open')}, {p('expired')}) "
            f"AND (a.status = {p('expired')} OR a.expires_at <= {p(clock.now())})"
        )
    else:
        conditions.append(f"a.status = {p(q.status.value)}")
    if q.kind is not None:
        conditions.append(f"a.kind = {p(q.kind.value)}")
    if q.category is not None:
        conditions.append(f"a.category = {p(q.category.value)}")
    if q.viewer_id is None:
        conditions.append(f"a.visibility = {p(Visibility.PUBLIC.value)}")
    else:
        visible = [
            f"a.visibility IN ({p(Visibility.PUBLIC.value)}, {p(Visibility.NODE.value)})",
            f"a.author_id = {p(q.viewer_id)}",
        ]
        if q.association_ids:
            ids = ", ".join(p(i) for i in q.association_ids)
            scoped = p(Visibility.ASSOCIATION.value)
            visible.append(f"(a.visibility = {scoped} AND a.association_id IN ({ids}))")
        conditions.append("(" + " OR ".join(visible) + ")")
    x, y, z = (p(v) for v in geo.unit_vector(q.lat, q.lon))
    chord2 = (
        f"((a.unit_x - {x}) * (a.unit_x - {x}) + (a.unit_y - {y}) * (a.unit_y - {y})"
        f" + (a.unit_z - {z}) * (a.unit_z - {z}))"
    )
    return " AND ".join(conditions), chord2


def recent_resolution(radius_km: float) -> int:
    """The finest resolution covering the disc with at most ~200 cells: tight coverings read
    few rows outside the disc, and one index seek per cell stays cheap."""
    for res in (9, 7):
        if geo.estimated_cells(radius_km, res) <= 200:
            return res
    return 5


def ring_resolution(radius_km: float) -> int:
    """The finest resolution covering a search disc with at most ~60 cells."""
    for res in (9, 7):
        if geo.estimated_cells(radius_km, res) <= 60:
            return res
    return 5


def _recent_sql(
    q: _Query,
    connection: BaseDBAsyncClient,
    *,
    cells: list[str],
    column: str,
    upper: tuple[datetime, uuid.UUID | None] | None,
    lower: datetime | None,
    n: int,
) -> tuple[str, list[Any]]:
    """One time slice: rows with ``lower < created_at ≤ upper`` (and below the cursor's id when
    ``upper`` carries one), newest first."""
    p = _Sql(connection)
    where, chord2 = _filters(q, p)
    where += f" AND {chord2} <= {p(geo.chord2_for_km(q.radius_km))}"
    if upper is not None:
        t = p(upper[0])
        where += f" AND a.created_at <= {t}"
        if upper[1] is not None:
            where += f" AND (a.created_at < {t} OR a.id < {p(upper[1])})"
    if lower is not None:
        where += f" AND a.created_at > {p(lower)}"
    in_cells = ", ".join(p(cell) for cell in cells)
    sql = (
        f"SELECT {_columns(q, p)} FROM action a {_JOINS} WHERE a.{column} IN ({in_cells}) "
        f"AND {where} ORDER BY a.created_at DESC, a.id DESC LIMIT {p(n)}"
    )
    return sql, p.values


# Per area and filters, how far back in time a page reached last time: the first slice of the
# next query starts there, so a steady feed costs one query. Only a hint, safe to lose.
_span_hints: dict[tuple[Any, ...], float] = {}
FIRST_SPAN_S = 3600.0
SPAN_GROWTH = 4.0
MAX_SPAN_S = 400 * 86400.0


def _as_datetime(value: Any) -> datetime:
    """A stored time as an aware datetime: asyncpg gives datetimes, SQLite the ISO text Tortoise
    wrote (``datetime.fromisoformat`` reads it in well under a microsecond; Tortoise's own
    parser costs ~19 µs a row)."""
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _maybe_datetime(value: Any) -> datetime | None:
    return None if value is None else _as_datetime(value)


def _maybe_uuid(value: Any) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(value)


def _feed_action(row: dict[str, Any]) -> FeedAction:
    lat, lon = row["lat"], row["lon"]
    capacity = row["capacity"]
    return FeedAction(
        id=row["id"] if isinstance(row["id"], uuid.UUID) else uuid.UUID(row["id"]),
        kind=ActionKind(row["kind"]),
        category=ActionCategory(row["category"]),
        title=row["title"],
        description=row["description"],
        status=ActionStatus(row["status"]),
        visibility=Visibility(row["visibility"]),
        public_lat=float(row["public_lat"]),
        public_lon=float(row["public_lon"]),
        h3_cell=row["h3_cell"],
        author_id=_maybe_uuid(row["author_id"]),
        author_pseudonym=row["author_pseudonym"],
        remote_author_name=row["remote_author_name"],
        on_behalf_of_id=_maybe_uuid(row["on_behalf_of_id"]),
        on_behalf_of_pseudonym=row["on_behalf_of_pseudonym"],
        association_id=_maybe_uuid(row["association_id"]),
        association_name=row["association_name"],
        auto_accept=bool(row["auto_accept"]),
        starts_at=_maybe_datetime(row["starts_at"]),
        ends_at=_maybe_datetime(row["ends_at"]),
        place_name=row["place_name"],
        capacity=int(capacity) if capacity is not None else None,
        expires_at=_as_datetime(row["expires_at"]),
        created_at=_as_datetime(row["created_at"]),
        updated_at=_as_datetime(row["updated_at"]),
        origin_domain=row["origin_domain"],
        remote_url=row["remote_url"],
        ap_id=row["ap_id"],
        lat=float(lat) if lat is not None else None,
        lon=float(lon) if lon is not None else None,
    )


async def _recent_rows(
    q: _Query,
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
    column = _INDEX_COLUMN[res]
    centre = geo.index_point(q.lat, q.lon).h3_r5
    hint_key = (centre, round(q.radius_km), q.kind, q.category, q.status, bool(q.viewer_id))
    reference = after[0] if after is not None else clock.now()
    span = _span_hints.get(hint_key, FIRST_SPAN_S)
    upper: tuple[datetime, uuid.UUID | None] | None = after
    rows: list[dict[str, Any]] = []
    while True:
        lower = reference - timedelta(seconds=span) if span < MAX_SPAN_S else None
        sql, values = _recent_sql(
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
        newest = _as_datetime(rows[0]["created_at"])
        kth = _as_datetime(rows[limit - 1]["created_at"])
        reach = (reference - newest).total_seconds() + 1.5 * (newest - kth).total_seconds()
        if len(_span_hints) > 10_000:
            _span_hints.clear()
        _span_hints[hint_key] = max(60.0, reach)
    return rows


def _ring_sql(
    q: _Query,
    connection: BaseDBAsyncClient,
    ring_km: float,
    after: tuple[float, uuid.UUID] | None,
    n: int,
) -> tuple[str, list[Any]]:
    p = _Sql(connection)
    where, chord2 = _filters(q, p)
    where += f" AND {chord2} <= {p(geo.chord2_for_km(ring_km))}"
    if after is not None:
        k, i = p(after[0]), p(after[1])
        where += f" AND ({chord2} > {k} OR ({chord2} = {k} AND a.id > {i}))"
    res = ring_resolution(ring_km)
    cells = ", ".join(p(c) for c in geo.covering_cells(q.lat, q.lon, ring_km, res))
    sql = (
        f"SELECT {_columns(q, p)}, {chord2} AS d2 FROM action a {_JOINS} "
        f"WHERE a.{_INDEX_COLUMN[res]} IN ({cells}) AND {where} ORDER BY d2, a.id LIMIT {p(n)}"
    )
    return sql, p.values


def _rings(radius_km: float, start_km: float) -> list[float]:
    rings, ring = [], max(FIRST_RING_KM, start_km)
    while ring < radius_km:
        rings.append(ring)
        ring *= 2
    rings.append(radius_km)
    return rings


# --- the feed -----------------------------------------------------------------------------------


async def _query(
    lat: float,
    lon: float,
    radius_km: float,
    viewer: Member | None,
    kind: ActionKind | str | None,
    category: ActionCategory | str | None,
    status: ActionStatus | str,
    limit: int,
) -> _Query:
    if not -90.0 <= lat <= 90.0:
        raise Unprocessable.field("lat", "must be between -90 and 90")
    if not -180.0 <= lon <= 180.0:
        raise Unprocessable.field("lon", "must be between -180 and 180")
    if not 0.0 < radius_km <= MAX_RADIUS_KM:
        raise Unprocessable.field("radius_km", f"must be more than 0 and at most {MAX_RADIUS_KM}")
    if not 1 <= limit <= MAX_LIMIT:
        raise Unprocessable.field("limit", f"must be 1 to {MAX_LIMIT}")
    return _Query(
        lat=lat,
        lon=lon,
        radius_km=radius_km,
        kind=ActionKind(kind) if kind is not None else None,
        category=ActionCategory(category) if category is not None else None,
        status=ActionStatus(status),
        viewer_id=viewer.id if viewer is not None else None,
        association_ids=tuple(await viewer_association_ids(viewer)),
    )


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
) -> FeedPage:
    """One page of the actions visible to ``viewer`` within ``radius_km`` of (lat, lon)."""
    q = await _query(lat, lon, radius_km, viewer, kind, category, status, limit)
    connection = Action._meta.db
    if order == "recent":
        after_t = _decode_cursor(cursor, "recent") if cursor else None
        rows = await _recent_rows(q, connection, after_t, limit)
    elif order == "distance":
        after_d = _decode_cursor(cursor, "distance") if cursor else None
        start = geo.km_for_chord2(after_d[0]) * 1.25 if after_d else 0.0
        rows = []
        for ring in _rings(radius_km, start):
            sql, values = _ring_sql(q, connection, ring, after_d, limit + 1)
            rows = await connection.execute_query_dict(sql, values)
            if len(rows) > limit:
                break
    else:
        raise Unprocessable.field("order", "must be recent or distance")
    return _page(q, rows, limit, order)


def _page(q: _Query, rows: list[dict[str, Any]], limit: int, order: Order) -> FeedPage:
    items = []
    for row in rows[:limit]:
        action = _feed_action(row)
        distance = geo.haversine_km(q.lat, q.lon, action.public_lat, action.public_lon)
        items.append(FeedItem(action, distance))
    page = FeedPage(items=items)
    if len(rows) > limit and items:
        last = rows[limit - 1]
        if order == "recent":
            key: Any = _as_datetime(last["created_at"]).isoformat()
        else:
            key = float(last["d2"])
        page.next_cursor = _encode_cursor({"o": order, "k": key, "i": str(last["id"])})
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
    q = await _query(lat, lon, radius_km, viewer, None, None, ActionStatus.OPEN, limit)
    connection = Action._meta.db
    if order == "recent":
        res = recent_resolution(radius_km)
        sql, values = _recent_sql(
            q,
            connection,
            cells=geo.covering_cells(lat, lon, radius_km, res),
            column=_INDEX_COLUMN[res],
            upper=None,
            lower=clock.now() - timedelta(seconds=FIRST_SPAN_S),
            n=limit + 1,
        )
    else:
        sql, values = _ring_sql(q, connection, min(ring_km, radius_km), None, limit + 1)
    if connection.capabilities.dialect == "postgres":
        rows = await connection.execute_query_dict(f"EXPLAIN {sql}", values)
        return [str(row["QUERY PLAN"]) for row in rows]
    rows = await connection.execute_query_dict(f"EXPLAIN QUERY PLAN {sql}", values)
    return [str(row["detail"]) for row in rows]


# --- the response cache -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CachedFeed:
    body: bytes
    etag: str
    version: int
    expires: datetime


class FeedCache:
    """Anonymous feed responses of one node (held on its ``NodeState``), by normalised query.

    An entry is served until ``ttl_s`` has passed (on :mod:`node.clock`) or until an action of
    this node's database changes in this process (``actions.actions_version()``, bumped by every
    write path of the actions services), whichever comes first. Other processes serving the same
    database (more workers, ``entraide worker``) see a change within ``ttl_s``. Entries are
    bounded by total body size."""

    def __init__(self, ttl_s: float = 10.0, max_bytes: int = 4 * 1024 * 1024) -> None:
        self.ttl_s = ttl_s
        self.max_bytes = max_bytes
        self._entries: dict[tuple[Any, ...], CachedFeed] = {}
        self._bytes = 0

    def get(self, key: tuple[Any, ...]) -> CachedFeed | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.version != actions_version() or clock.now() >= entry.expires:
            self._drop(key)
            return None
        return entry

    def put(self, key: tuple[Any, ...], body: bytes, version: int) -> CachedFeed:
        """Store ``body``, computed from the database as it was at ``version`` (read *before*
        the query, so a write that lands meanwhile makes the entry stale at once)."""
        digest = hashlib.blake2b(body, digest_size=12).hexdigest()
        entry = CachedFeed(
            body=body,
            etag=f'"{digest}"',
            version=version,
            expires=clock.now() + timedelta(seconds=self.ttl_s),
        )
        if len(body) > self.max_bytes // 8:
            return entry  # too big to keep
        self._drop(key)
        while self._entries and self._bytes + len(body) > self.max_bytes:
            self._drop(next(iter(self._entries)))  # the oldest
        self._entries[key] = entry
        self._bytes += len(body)
        return entry

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self, key: tuple[Any, ...]) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry.body)
