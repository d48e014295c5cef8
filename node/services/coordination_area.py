"""Which area the coordination view shows when nobody gave it a point.

A volunteer who opens "who came by recently?" from a round wants that round's streets; one who
opens it from the menu during a round, the round they are on; anyone else, the node's whole
area (up to :data:`NODE_RADIUS_M`). A fixed 1 km around the node's centre said "0 visits" while
the teams' visits were 2.5 km away. The page says which of these it shows.

A round's area is where its encounters were recorded (the mean of their H3 cells' centres);
before its first encounter, its area's name in the node's gazetteer ("Gare du Nord"); else the
node's area.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import h3

from node.models import Encounter, Member, Round, RoundStatus
from node.services.gazetteer import node_gazetteer
from node.settings import Settings

ROUND_RADIUS_M = 1000.0
# The largest area the view covers: 5 km is ~900 cells of resolution 9 to look up.
NODE_RADIUS_M = 5000.0


@dataclass(frozen=True)
class ShownArea:
    kind: Literal["point", "round", "node"]
    lat: float
    lon: float
    radius_m: float
    name: str = ""  # the round's area, or the node's name


async def current_round(member: Member) -> Round | None:
    """The round ``member`` is on now (the latest started one of their teams)."""
    return (
        await Round.filter(team__member_id=member.id, status=RoundStatus.STARTED)
        .order_by("-started_at")
        .first()
    )


async def round_centre(round_: Round, settings: Settings) -> tuple[float, float] | None:
    cells = set(await Encounter.filter(round_id=round_.id).values_list("cell", flat=True))
    if cells:
        points = [h3.cell_to_latlng(str(cell)) for cell in cells]
        return (
            sum(p[0] for p in points) / len(points),
            sum(p[1] for p in points) / len(points),
        )
    named = node_gazetteer(settings).find(round_.area)
    return (named.lat, named.lon) if named else None


async def default_area(settings: Settings, round_: Round | None) -> ShownArea:
    """The round's area when it has one, else the node's area."""
    if round_ is not None:
        centre = await round_centre(round_, settings)
        if centre is not None:
            return ShownArea("round", centre[0], centre[1], ROUND_RADIUS_M, round_.area)
    radius = min(settings.area_radius_km * 1000, NODE_RADIUS_M)
    return ShownArea("node", settings.area_lat, settings.area_lon, radius, settings.node_name)
