"""The solidarity guide: "open now near me" (2 km, nearest first, opening hours evaluated per
place in the node's timezone) on a node holding 5,000 places, and again on one holding 50,000
(45,000 more in other towns, 30 to 400 km away, as a national open-data import brings). The
goal: p50(50k) / p50(5k) ≤ 1.5 — the lookup is an index on the H3 cells covering the disc, so it
grows with the places near the point, not with the guide.

    .venv/bin/python bench/bench_places.py [--small 5000] [--large 50000] [--queries 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import h3  # noqa: E402

from node.app import create_app  # noqa: E402
from node.db import migrate  # noqa: E402
from node.models import Place  # noqa: E402
from node.services import geo  # noqa: E402
from node.services.inputs.places import PlaceQuery  # noqa: E402
from node.services.places.finding import find_places  # noqa: E402
from node.settings import Settings  # noqa: E402

CENTRE = (48.8566, 2.3522)
CITY_KM = 15.0
HOURS = (
    "Mo-Fr 09:00-12:30,14:00-17:00; PH off",
    "Mo-Su 20:00-08:00",
    "24/7",
    "Mo-Sa 08:00-19:00; Su off",
    "Tu,Th 10:00-16:00",
)
CATEGORIES = ("food", "shelter", "shower", "laundry", "health", "water")


def _point(rng: random.Random, low_km: float, high_km: float) -> tuple[float, float]:
    distance = math.sqrt(rng.uniform(low_km**2, high_km**2))
    return geo.destination(CENTRE[0], CENTRE[1], rng.uniform(0, 2 * math.pi), distance)


async def add_places(n: int, start: int, low_km: float, high_km: float, seed: int) -> None:
    rng = random.Random(seed)
    rows = []
    for i in range(start, start + n):
        lat, lon = _point(rng, low_km, high_km)
        rows.append(
            Place(
                id=uuid.uuid4(),
                source="bench",
                source_id=str(i),
                name=f"Lieu {i}",
                categories=[rng.choice(CATEGORIES)],
                lat=lat,
                lon=lon,
                h3_r7=h3.latlng_to_cell(lat, lon, 7),
                h3_r5=h3.latlng_to_cell(lat, lon, 5),
                opening_hours=rng.choice(HOURS),
                checked_on=date(2026, 11, 1),
            )
        )
    await Place.bulk_create(rows, batch_size=1000)


async def open_node(tmp: Path, name: str) -> Any:
    settings = Settings(
        base_url=f"http://{name}.bench.test",
        data_dir=tmp / name,
        secret_key="bench-" + "x" * 40,
        database_url=f"sqlite://{tmp / (name + '.sqlite3')}",
        worker_in_process=False,
    )
    await migrate(settings.database_url)
    node = create_app(settings).node
    await node.db.open()
    return node


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=5_000)
    parser.add_argument("--large", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-places-"))
    small, large = await open_node(tmp, "small"), await open_node(tmp, "large")
    with small.db.activate():
        await add_places(args.small, 0, 0.0, CITY_KM, seed=1)
    with large.db.activate():
        await add_places(args.small, 0, 0.0, CITY_KM, seed=1)  # the same city...
        await add_places(args.large - args.small, args.small, 30.0, 400.0, seed=2)  # ...and more
    rng = random.Random(3)
    points = [_point(rng, 0.0, CITY_KM - 3) for _ in range(args.queries)]
    times: dict[str, list[float]] = {"small": [], "large": []}
    found: dict[str, int] = {"small": 0, "large": 0}
    # Alternate the nodes query by query, so that a busy machine slows both alike.
    for lat, lon in points:
        query = PlaceQuery(lat=lat, lon=lon, radius_km=2.0, open_now=True, limit=50)
        for label, node in (("small", small), ("large", large)):
            with node.db.activate():
                start = time.perf_counter()
                rows = await find_places(node, query)
                times[label].append(time.perf_counter() - start)
                found[label] += len(rows)
    assert found["small"] == found["large"], found  # the far places never come back

    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    results = {
        "database": "sqlite",
        "places": {"small": args.small, "large": args.large},
        "queries": args.queries,
        "mean_places_found": round(found["small"] / args.queries, 1),
        "p50_ms": {k: round(statistics.median(v) * 1000, 2) for k, v in times.items()},
        "p99_ms": {k: round(pct(v, 0.99) * 1000, 2) for k, v in times.items()},
        "ratio_p50_large_small": round(
            statistics.median(times["large"]) / statistics.median(times["small"]), 3
        ),
        "goal_ratio_at_most": 1.5,
    }
    for node in (small, large):
        await node.db.close()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
