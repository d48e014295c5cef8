"""The feed's SQL: one query per time slice (``order=recent``) or search disc
(``order=distance``) over the H3 cell indexes, with the visibility rules and the great-circle
filter as a squared chord of unit vectors (the same arithmetic on SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from node import clock
from node.errors import Unprocessable
from node.models import ActionCategory, ActionKind, ActionStatus, Member, Visibility
from node.services import blocks, geo
from node.services.actions import viewer_association_ids

DEFAULT_RADIUS_KM = 10.0
MAX_RADIUS_KM = 40.0
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
FIRST_RING_KM = 0.25
INDEX_COLUMN = {5: "h3_r5", 7: "h3_r7", 9: "h3_cell"}


class Sql:
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


def columns(q: NearbyQuery, p: Sql) -> str:
    """The selected columns; the exact point only for the viewer's own actions (else NULL)."""
    if q.viewer_id is None:
        return f"{_COLUMNS}, NULL AS lat, NULL AS lon"
    mine = f"a.author_id = {p(q.viewer_id)}"
    exact = f"CASE WHEN {mine} THEN a.lat END AS lat, CASE WHEN {mine} THEN a.lon END AS lon"
    return f"{_COLUMNS}, {exact}"


@dataclass(frozen=True, slots=True)
class NearbyQuery:
    lat: float
    lon: float
    radius_km: float
    kind: ActionKind | None
    category: ActionCategory | None
    status: ActionStatus
    viewer_id: uuid.UUID | None
    association_ids: tuple[uuid.UUID, ...]
    local_only: bool = False  # this node's actions only, none of its partners'
    # Members and remote actors the viewer blocked or who blocked them (node.services.blocks).
    hidden_author_ids: tuple[uuid.UUID, ...] = ()
    hidden_actor_iris: tuple[str, ...] = ()


def filters(q: NearbyQuery, p: Sql) -> tuple[str, str]:
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
    if q.local_only:
        conditions.append("a.origin_domain IS NULL")
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
    conditions.append("a.hidden_at IS NULL")  # hidden by the moderators
    if q.hidden_author_ids:
        ids = ", ".join(p(i) for i in q.hidden_author_ids)
        conditions.append(f"(a.author_id IS NULL OR a.author_id NOT IN ({ids}))")
    if q.hidden_actor_iris:
        iris = ", ".join(p(i) for i in q.hidden_actor_iris)
        conditions.append(f"(a.remote_actor_iri IS NULL OR a.remote_actor_iri NOT IN ({iris}))")
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


def recent_sql(
    q: NearbyQuery,
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
    p = Sql(connection)
    where, chord2 = filters(q, p)
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
        f"SELECT {columns(q, p)} FROM action a {_JOINS} WHERE a.{column} IN ({in_cells}) "
        f"AND {where} ORDER BY a.created_at DESC, a.id DESC LIMIT {p(n)}"
    )
    return sql, p.values


def ring_sql(
    q: NearbyQuery,
    connection: BaseDBAsyncClient,
    ring_km: float,
    after: tuple[float, uuid.UUID] | None,
    n: int,
) -> tuple[str, list[Any]]:
    p = Sql(connection)
    where, chord2 = filters(q, p)
    where += f" AND {chord2} <= {p(geo.chord2_for_km(ring_km))}"
    if after is not None:
        k, i = p(after[0]), p(after[1])
        where += f" AND ({chord2} > {k} OR ({chord2} = {k} AND a.id > {i}))"
    res = ring_resolution(ring_km)
    cells = ", ".join(p(c) for c in geo.covering_cells(q.lat, q.lon, ring_km, res))
    sql = (
        f"SELECT {columns(q, p)}, {chord2} AS d2 FROM action a {_JOINS} "
        f"WHERE a.{INDEX_COLUMN[res]} IN ({cells}) AND {where} ORDER BY d2, a.id LIMIT {p(n)}"
    )
    return sql, p.values


def rings(radius_km: float, start_km: float) -> list[float]:
    rings, ring = [], max(FIRST_RING_KM, start_km)
    while ring < radius_km:
        rings.append(ring)
        ring *= 2
    rings.append(radius_km)
    return rings


async def nearby_query(
    lat: float,
    lon: float,
    radius_km: float,
    viewer: Member | None,
    kind: ActionKind | str | None,
    category: ActionCategory | str | None,
    status: ActionStatus | str,
    limit: int,
    local_only: bool = False,
) -> NearbyQuery:
    if not -90.0 <= lat <= 90.0:
        raise Unprocessable.field("lat", "must be between -90 and 90")
    if not -180.0 <= lon <= 180.0:
        raise Unprocessable.field("lon", "must be between -180 and 180")
    if not 0.0 < radius_km <= MAX_RADIUS_KM:
        raise Unprocessable.field("radius_km", f"must be more than 0 and at most {MAX_RADIUS_KM}")
    if not 1 <= limit <= MAX_LIMIT:
        raise Unprocessable.field("limit", f"must be 1 to {MAX_LIMIT}")
    hidden = await blocks.hidden_for(viewer)
    return NearbyQuery(
        lat=lat,
        lon=lon,
        radius_km=radius_km,
        kind=ActionKind(kind) if kind is not None else None,
        category=ActionCategory(category) if category is not None else None,
        status=ActionStatus(status),
        viewer_id=viewer.id if viewer is not None else None,
        association_ids=tuple(await viewer_association_ids(viewer)),
        local_only=local_only,
        hidden_author_ids=tuple(sorted(hidden.member_ids, key=str)),
        hidden_actor_iris=tuple(sorted(hidden.actor_iris)),
    )
