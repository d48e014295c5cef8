"""The guide's small map: the places around the searched point, drawn by the server as an SVG.

No tiles and no script: the network may be closed to tile servers, and a basic phone shows an
inline SVG. The point searched is the centre, the circle the search distance; each place is a
numbered dot at its place (the numbers are those of the list), green when it is open now. Over
a few kilometres an equirectangular projection around the centre is exact enough (the east-west
degree shrinks by the cosine of the latitude).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SIZE = 320  # the viewBox, in its own units
MARGIN = 14
KM_PER_DEGREE = 111.2
STEPS_KM = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0)


@dataclass(frozen=True, slots=True)
class MapPoint:
    number: int
    x: float
    y: float
    name: str
    open: bool
    partner: bool
    place_id: str


@dataclass(frozen=True, slots=True)
class GuideMap:
    size: int
    centre: float
    radius: float  # the search distance, in map units
    points: tuple[MapPoint, ...]
    scale_km: float  # the scale bar's length in kilometres...
    scale_length: float  # ...and in map units

    @property
    def scale_label(self) -> str:
        km = self.scale_km
        return f"{int(km * 1000)} m" if km < 1 else f"{km:g} km"


@dataclass(frozen=True, slots=True)
class Located:
    """What the map needs of a listed place."""

    name: str
    lat: float
    lon: float
    open: bool
    partner: bool
    place_id: str


def guide_map(lat: float, lon: float, radius_km: float, places: list[Located]) -> GuideMap:
    """The map of ``places`` (in list order) within ``radius_km`` of the point."""
    centre = SIZE / 2
    radius = centre - MARGIN
    per_km = radius / radius_km
    east = KM_PER_DEGREE * math.cos(math.radians(lat))
    points = []
    for number, place in enumerate(places, start=1):
        dx = (place.lon - lon) * east * per_km
        dy = (place.lat - lat) * KM_PER_DEGREE * per_km
        # A place a little beyond the circle (the list's distance is along the ground) stays
        # on the map, at its edge.
        distance = math.hypot(dx, dy)
        if distance > radius:
            dx, dy = dx * radius / distance, dy * radius / distance
        points.append(
            MapPoint(
                number=number,
                x=round(centre + dx, 1),
                y=round(centre - dy, 1),
                name=place.name,
                open=place.open,
                partner=place.partner,
                place_id=place.place_id,
            )
        )
    scale_km = max((s for s in STEPS_KM if s <= radius_km / 2), default=STEPS_KM[0])
    return GuideMap(
        size=SIZE,
        centre=centre,
        radius=round(radius, 1),
        points=tuple(points),
        scale_km=scale_km,
        scale_length=round(scale_km * per_km, 1),
    )
