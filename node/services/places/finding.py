"""Places near a point, nearest first: an index lookup on the H3 cells that cover the disc,
then the exact distance, then the filters that need the row (audience, open now).

Resolution 7 cells (about 5 km² each) serve a walk or a bus ride; beyond 10 km, resolution 5
keeps the list of cells short. Partners' places are found the same way, marked with their node.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from node import clock
from node.models import Place
from node.services import geo
from node.services.inputs.places import PlaceQuery
from node.services.places.hours import HoursNow, Now, hours_now

if TYPE_CHECKING:
    from node.state import NodeState

FINE_UP_TO_KM = 10.0


@dataclass(frozen=True, slots=True)
class FoundPlace:
    place: Place
    distance_km: float
    now: HoursNow


async def find_places(
    node: NodeState, query: PlaceQuery, *, at: datetime | None = None
) -> list[FoundPlace]:
    """Places within ``query.radius_km`` of the point, nearest first, at most ``query.limit``."""
    moment = at or clock.now()
    settings = node.settings
    if query.radius_km <= FINE_UP_TO_KM:
        column, resolution = "h3_r7", 7
    else:
        column, resolution = "h3_r5", 5
    cells = geo.covering_cells(query.lat, query.lon, query.radius_km, resolution)
    rows = Place.filter(**{f"{column}__in": cells}, hidden_at__isnull=True)
    found: list[FoundPlace] = []
    # Categories and audiences are JSON lists, whose containment operators differ between SQLite
    # and PostgreSQL: they are checked on the rows the cells let through.
    for place in await rows:
        if query.category and query.category not in place.categories:
            continue
        if (
            query.audience
            and query.audience not in place.audiences
            and "unconditional" not in (place.audiences)
        ):
            continue
        distance = geo.haversine_km(query.lat, query.lon, place.lat, place.lon)
        if distance > query.radius_km:
            continue
        now = hours_now(place, moment, tz=settings.timezone, country=settings.country)
        if query.open_now and (now.state != Now.OPEN or now.full_tonight):
            continue
        found.append(FoundPlace(place, distance, now))
    found.sort(key=lambda item: (item.distance_km, item.place.name))
    return found[: query.limit]
