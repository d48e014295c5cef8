"""Geometry of places: jitter, H3 cells, distances and the cells that cover a disc.

An action's exact point is kept for its author only; what everyone else sees is a point moved
uniformly at random within :data:`JITTER_RADIUS_M` (DESIGN §5), indexed by H3 cells of that public
point. The nearby feed filters by those cells (an index lookup) and then by the exact great-circle
distance, written as a chord of the unit sphere so that SQL can compute it with arithmetic only
(SQLite has no trigonometry): for two points at angular distance θ, the squared chord between
their unit vectors is ``2 − 2·cos θ``, which grows with θ, so ``chord² ≤ c²`` is exactly
``haversine ≤ r``.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from functools import lru_cache

import h3

EARTH_RADIUS_KM = 6371.0088
JITTER_RADIUS_M = 125.0
PUBLIC_RESOLUTION = 9  # ~0.1 km² cells, the precision shown to the public
INDEX_RESOLUTIONS = (5, 7, 9)  # the feed can query by h3_r5, h3_r7 or h3_cell
MAX_COVERING_CELLS = 400

_rng = secrets.SystemRandom()


@dataclass(frozen=True, slots=True)
class PublicPlace:
    """The published version of a point: jittered, with its H3 cells and unit vector."""

    lat: float
    lon: float
    h3_cell: str
    h3_r7: str
    h3_r5: str
    unit_x: float
    unit_y: float
    unit_z: float


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    p, lam = math.radians(lat), math.radians(lon)
    return (math.cos(p) * math.cos(lam), math.cos(p) * math.sin(lam), math.sin(p))


def chord2_for_km(km: float) -> float:
    """The squared unit-sphere chord that corresponds to a great-circle distance."""
    theta = min(km / EARTH_RADIUS_KM, math.pi)
    return (2 * math.sin(theta / 2)) ** 2


def km_for_chord2(chord2: float) -> float:
    half = min(1.0, math.sqrt(max(chord2, 0.0)) / 2)
    return 2 * EARTH_RADIUS_KM * math.asin(half)


def destination(lat: float, lon: float, bearing_rad: float, km: float) -> tuple[float, float]:
    """The point ``km`` away from (lat, lon) along ``bearing_rad`` (from north, clockwise)."""
    delta = km / EARTH_RADIUS_KM
    p1, l1 = math.radians(lat), math.radians(lon)
    sin_p2 = math.sin(p1) * math.cos(delta) + math.cos(p1) * math.sin(delta) * math.cos(bearing_rad)
    p2 = math.asin(max(-1.0, min(1.0, sin_p2)))
    l2 = l1 + math.atan2(
        math.sin(bearing_rad) * math.sin(delta) * math.cos(p1),
        math.cos(delta) - math.sin(p1) * sin_p2,
    )
    lon2 = (math.degrees(l2) + 540.0) % 360.0 - 180.0
    return math.degrees(p2), lon2


def jitter(lat: float, lon: float, radius_m: float = JITTER_RADIUS_M) -> tuple[float, float]:
    """A point uniformly distributed in the disc of ``radius_m`` around (lat, lon)."""
    distance_km = radius_m / 1000.0 * math.sqrt(_rng.random())
    return destination(lat, lon, _rng.uniform(0.0, 2 * math.pi), distance_km)


def index_point(lat: float, lon: float) -> PublicPlace:
    """H3 cells and unit vector of an already public point."""
    x, y, z = unit_vector(lat, lon)
    return PublicPlace(
        lat=lat,
        lon=lon,
        h3_cell=h3.latlng_to_cell(lat, lon, PUBLIC_RESOLUTION),
        h3_r7=h3.latlng_to_cell(lat, lon, 7),
        h3_r5=h3.latlng_to_cell(lat, lon, 5),
        unit_x=x,
        unit_y=y,
        unit_z=z,
    )


def publish(lat: float, lon: float) -> PublicPlace:
    """Jitter an exact point and index the result: what an action shows to everyone else."""
    return index_point(*jitter(lat, lon))


@lru_cache(maxsize=65536)
def _circumradius_km(cell: str) -> float:
    """Largest distance from a cell's centre to its vertices (a bound on any point's)."""
    clat, clon = h3.cell_to_latlng(cell)
    return max(haversine_km(clat, clon, vlat, vlon) for vlat, vlon in h3.cell_to_boundary(cell))


def covering_cells(lat: float, lon: float, radius_km: float, resolution: int) -> list[str]:
    """Every cell of ``resolution`` that may hold a point within ``radius_km`` of (lat, lon).

    Candidates come from a ``grid_disk`` wide enough for the local cell size; a cell is dropped
    only when its centre is farther than the radius plus its circumradius (5% margin for the
    curvature of cell edges), so no intersecting cell is ever missed.
    """
    centre = h3.latlng_to_cell(lat, lon, resolution)
    circ = _circumradius_km(centre)
    # In a hex grid, ring k lies at least 1.5·k·circumradius from the centre; cells vary slowly
    # in size over a few dozen km, 0.8 covers that variation.
    reach = radius_km + 1.05 * circ
    k = math.ceil(reach / (1.5 * circ * 0.8)) + 1
    cells = []
    for cell in h3.grid_disk(centre, k):
        clat, clon = h3.cell_to_latlng(cell)
        if haversine_km(lat, lon, clat, clon) <= radius_km + 1.05 * _circumradius_km(cell):
            cells.append(cell)
    return sorted(cells)


def estimated_cells(radius_km: float, resolution: int) -> float:
    """Rough number of cells of ``resolution`` covering a disc (without computing them)."""
    circ = float(h3.average_hexagon_edge_length(resolution, unit="km"))
    area = float(h3.average_hexagon_area(resolution, unit="km^2"))
    return math.pi * (radius_km + circ) ** 2 / area
