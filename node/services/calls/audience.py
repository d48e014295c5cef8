"""Who a call reaches: the H3 cells of its area, and the members whose area is in them.

An area arrives as a disc or as a list of cells. Either way it is stored as cells of ONE
resolution (5, 7 or 8: the finest whose covering stays under :data:`MAX_CELLS`), and a member's
area keeps its cell at each of those resolutions, so targeting is an equality lookup on an
indexed column whatever the call's size: its cost grows with the members inside the area, not
with the node's population.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

import h3

from node import clock, sql
from node.errors import Unprocessable
from node.models import Call, CallCell, Member, MemberArea
from node.services import geo
from node.services.inputs.calls import MAX_CELLS, AreaIn
from node.settings import Settings

RESOLUTIONS = (8, 7, 5)  # finest first
COLUMN = {8: "h3_r8", 7: "h3_r7", 5: "h3_r5"}


@dataclass(frozen=True, slots=True)
class Audience:
    resolution: int
    cells: tuple[str, ...]


def _inside_node(settings: Settings, cell: str) -> bool:
    """A cell lies in the node's area when its centre is within the node's radius (plus the
    cell's own size: a cell straddling the edge is in)."""
    lat, lon = h3.cell_to_latlng(cell)
    edge = float(h3.average_hexagon_edge_length(h3.get_resolution(cell), unit="km"))
    distance = geo.haversine_km(settings.area_lat, settings.area_lon, lat, lon)
    return distance <= settings.area_radius_km + edge


def check_cells(settings: Settings, cells: Sequence[str], field: str = "area.cells") -> Audience:
    """Cells given by a client or a partner: valid H3, one allowed resolution, at most
    :data:`MAX_CELLS`, all inside the node's area. 422 otherwise."""
    clean = sorted({cell.strip().lower() for cell in cells})
    if not clean or len(clean) > MAX_CELLS:
        raise Unprocessable.field(field, f"give between 1 and {MAX_CELLS} H3 cells")
    if not all(h3.is_valid_cell(cell) for cell in clean):
        raise Unprocessable.field(field, "not a valid H3 cell")
    resolutions = {h3.get_resolution(cell) for cell in clean}
    if len(resolutions) != 1 or next(iter(resolutions)) not in RESOLUTIONS:
        raise Unprocessable.field(field, "cells must all be of resolution 5, 7 or 8")
    if not all(_inside_node(settings, cell) for cell in clean):
        raise Unprocessable.field(field, "the area must be inside the node's area")
    return Audience(resolution=resolutions.pop(), cells=tuple(clean))


def audience_for(settings: Settings, area: AreaIn) -> Audience:
    """The cells of an area given as a disc or as cells (422 for neither, both, or too big)."""
    disc = (area.lat, area.lon, area.radius_km)
    if area.cells is not None:
        if any(value is not None for value in disc):
            raise Unprocessable.field("area", "give either cells or lat, lon and radius_km")
        return check_cells(settings, area.cells)
    if area.lat is None or area.lon is None or area.radius_km is None:
        raise Unprocessable.field("area", "give lat, lon and radius_km, or cells")
    for resolution in RESOLUTIONS:
        if geo.estimated_cells(area.radius_km, resolution) <= MAX_CELLS:
            cells = geo.covering_cells(area.lat, area.lon, area.radius_km, resolution)
            if len(cells) <= MAX_CELLS:
                break
    else:  # pragma: no cover - MAX_RADIUS_KM keeps resolution 5 under the bound
        raise Unprocessable.field("area.radius_km", "the area is too large")
    return check_cells(settings, cells, field="area")


async def save_cells(call: Call, audience: Audience) -> None:
    await CallCell.bulk_create([CallCell(call=call, cell=cell) for cell in audience.cells])


async def call_cells(call: Call) -> list[str]:
    cells = await CallCell.filter(call_id=call.id).order_by("cell").values_list("cell", flat=True)
    return [str(cell) for cell in cells]


async def members_in(resolution: int, cells: Sequence[str]) -> list[UUID]:
    """Members of this node whose area lies in ``cells`` (all of resolution ``resolution``).

    Plain SQL: for 10,000 members in an area the ORM's row handling cost more than the indexed
    lookup itself (``bench/bench_calls.py``)."""
    if not cells:
        return []
    column = COLUMN[resolution]  # one of three constant names, never from the input
    marks = ", ".join("?" for _ in cells)
    statement = f'SELECT "member_id" FROM "member_area" WHERE "{column}" IN ({marks})'
    rows = await sql.query(MemberArea, statement, list(cells))
    return [_uuid(row["member_id"]) for row in rows]


def _uuid(value: object) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


async def set_member_area(member: Member, lat: float, lon: float) -> MemberArea:
    """Where ``member`` wants to hear about calls. Only the cells are kept, not the point."""
    values = {
        "h3_r8": h3.latlng_to_cell(lat, lon, 8),
        "h3_r7": h3.latlng_to_cell(lat, lon, 7),
        "h3_r5": h3.latlng_to_cell(lat, lon, 5),
        "updated_at": clock.now(),
    }
    row, created = await MemberArea.get_or_create(member_id=member.id, defaults=values)
    if not created:
        row.update_from_dict(values)
        await row.save()
    return row


async def member_cells(member_id: UUID) -> list[str]:
    row = await MemberArea.get_or_none(member_id=member_id)
    return [] if row is None else [row.h3_r8, row.h3_r7, row.h3_r5]
