"""Geometry: jitter stays within 125 m, cell coverings miss nothing, chord ⇔ haversine."""

from __future__ import annotations

import math
import random

import h3
import pytest

from node.services import geo


def test_jitter_stays_within_radius_and_spreads() -> None:
    lat, lon = 48.8566, 2.3522
    distances = []
    for _ in range(2000):
        plat, plon = geo.jitter(lat, lon)
        distances.append(geo.haversine_km(lat, lon, plat, plon) * 1000)
    assert max(distances) <= geo.JITTER_RADIUS_M + 0.01
    # Uniform in a disc: half the points lie beyond r/√2 (≈ 88 m); none sit on the exact point.
    beyond = sum(d > geo.JITTER_RADIUS_M / math.sqrt(2) for d in distances) / len(distances)
    assert 0.42 < beyond < 0.58
    assert min(distances) > 0


def test_jitter_near_the_antimeridian_keeps_longitudes_valid() -> None:
    for _ in range(200):
        plat, plon = geo.jitter(0.0, 179.9999)
        assert -180 <= plon <= 180 and -90 <= plat <= 90


def test_publish_indexes_the_public_point() -> None:
    public = geo.publish(45.75, 4.85)
    assert public.h3_cell == h3.latlng_to_cell(public.lat, public.lon, 9)
    assert public.h3_r7 == h3.latlng_to_cell(public.lat, public.lon, 7)
    assert public.h3_r5 == h3.latlng_to_cell(public.lat, public.lon, 5)
    assert math.isclose(public.unit_x**2 + public.unit_y**2 + public.unit_z**2, 1.0)


@pytest.mark.parametrize(("radius_km", "resolution"), [(0.5, 9), (3, 7), (10, 7), (10, 5), (40, 5)])
def test_covering_cells_contain_every_point_of_the_disc(radius_km: float, resolution: int) -> None:
    rng = random.Random(1)
    lat, lon = 48.8566, 2.3522
    cells = set(geo.covering_cells(lat, lon, radius_km, resolution))
    for _ in range(3000):
        # Points near the rim are where a covering would fail: bias towards it.
        d = radius_km * math.sqrt(rng.uniform(0.8, 1.0))
        plat, plon = geo.destination(lat, lon, rng.uniform(0, 2 * math.pi), d)
        assert h3.latlng_to_cell(plat, plon, resolution) in cells


def test_covering_is_small() -> None:
    assert len(geo.covering_cells(48.85, 2.35, 10, 5)) < 20
    assert len(geo.covering_cells(48.85, 2.35, 2, 7)) < 25


def test_chord_matches_haversine() -> None:
    rng = random.Random(2)
    for _ in range(500):
        a = (rng.uniform(-60, 60), rng.uniform(-180, 180))
        b = geo.destination(*a, rng.uniform(0, 6.3), rng.uniform(0, 50))
        ua, ub = geo.unit_vector(*a), geo.unit_vector(*b)
        chord2 = sum((p - q) ** 2 for p, q in zip(ua, ub, strict=True))
        assert math.isclose(geo.km_for_chord2(chord2), geo.haversine_km(*a, *b), abs_tol=1e-6)
        assert math.isclose(chord2, geo.chord2_for_km(geo.haversine_km(*a, *b)), abs_tol=1e-12)
