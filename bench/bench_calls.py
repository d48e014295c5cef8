"""Calls for help: (1) a call to an area holding 10,000 members, from posting to every
notification row written (targeting, weekly allowance, preferences, rows), one transaction;
(2) the targeting query's p50 (members whose area is in the call's cells) with 10,000 members
on the node, all in the area, and again with 100,000 (90,000 more outside the area): the
ratio 100k / 10k, goal ≤ 1.5 (the lookup is an index equality on the member's cell of the
call's resolution, so it grows with the members inside, not with the node).

    .venv/bin/python bench/bench_calls.py [--inside 10000] [--total 100000] [--rounds 5]
        [--database-url postgres://…]
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
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import h3  # noqa: E402

from node import clock  # noqa: E402
from node.app import create_app  # noqa: E402
from node.db import migrate  # noqa: E402
from node.models import (  # noqa: E402
    Association,
    AssociationMembership,
    AssociationRole,
    AssociationStatus,
    Call,
    Member,
    MemberArea,
    Notification,
)
from node.services import geo  # noqa: E402
from node.services.calls import audience, posting  # noqa: E402
from node.services.inputs.calls import AreaIn, CallIn, ItemIn  # noqa: E402
from node.settings import Settings  # noqa: E402

CENTRE = (48.8566, 2.3522)
RADIUS_KM = 1.0


def _point(rng: random.Random, low_km: float, high_km: float) -> tuple[float, float]:
    distance = math.sqrt(rng.uniform(low_km**2, high_km**2))
    return geo.destination(CENTRE[0], CENTRE[1], rng.uniform(0, 2 * math.pi), distance)


async def add_members(n: int, start: int, low_km: float, high_km: float) -> None:
    rng = random.Random(start)
    now = clock.now()
    members, areas = [], []
    for i in range(start, start + n):
        member = Member(id=uuid.uuid4(), phone=f"+336{i:08d}", pseudonym=f"M{i}", created_at=now)
        lat, lon = _point(rng, low_km, high_km)
        members.append(member)
        areas.append(
            MemberArea(
                member_id=member.id,
                h3_r8=h3.latlng_to_cell(lat, lon, 8),
                h3_r7=h3.latlng_to_cell(lat, lon, 7),
                h3_r5=h3.latlng_to_cell(lat, lon, 5),
                updated_at=now,
            )
        )
    await Member.bulk_create(members, batch_size=1000)
    await MemberArea.bulk_create(areas, batch_size=1000)


def _call() -> CallIn:
    return CallIn(
        kind="donations",
        title="Grand froid : duvets",
        ends_at=clock.now() + timedelta(days=3),
        items=[ItemIn(label="Duvets", quantity=50)],
        # 0.9 km: every member placed within 0.8 km is in one of its cells.
        area=AreaIn(lat=CENTRE[0], lon=CENTRE[1], radius_km=RADIUS_KM),
    )


async def targeting_time(cells: audience.Audience, expect: int) -> float:
    start = time.perf_counter()
    found = await audience.members_in(cells.resolution, cells.cells)
    elapsed = time.perf_counter() - start
    assert len(found) == expect, (len(found), expect)
    return elapsed


async def open_node(tmp: Path, name: str, url: str) -> object:
    settings = Settings(
        base_url=f"http://{name}.bench.test",
        data_dir=tmp / name,
        secret_key="bench-" + "x" * 40,
        database_url=url or f"sqlite://{tmp / (name + '.sqlite3')}",
        worker_in_process=False,
        calls_per_association_day=100,
        calls_per_member_week=100,
    )
    await migrate(settings.database_url)
    node = create_app(settings).node
    await node.db.open()
    with node.db.activate():
        for model in (Notification, Call, MemberArea, AssociationMembership, Association):
            await model.all().delete()
        await Member.all().delete()
    return node


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inside", type=int, default=10_000)
    parser.add_argument("--total", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default="", help="PostgreSQL: the 10k node's database")
    parser.add_argument("--database-url-large", default="", help="PostgreSQL: the 100k node's")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-calls-"))
    small: Any = await open_node(tmp, "small", args.database_url)
    large: Any = await open_node(tmp, "large", args.database_url_large)
    with small.db.activate():
        coordinator = await Member.create(phone="+33700000000", phone_verified_at=clock.now())
        association = await Association.create(
            name="Chaleur", slug="chaleur", status=AssociationStatus.APPROVED
        )
        await AssociationMembership.create(
            association=association, member=coordinator, role=AssociationRole.COORDINATOR
        )
        await add_members(args.inside, 0, 0.0, 0.8)
        posting_times = []
        for _ in range(args.rounds):
            await Notification.all().delete()
            start = time.perf_counter()
            await posting.post_call(small, coordinator, _call(), association.id)
            written = await Notification.filter(kind="call_nearby").count()
            posting_times.append(time.perf_counter() - start)
            assert written == args.inside, (written, args.inside)
    with large.db.activate():
        await add_members(args.inside, 0, 0.0, 0.8)
        await add_members(args.total - args.inside, args.inside, 2.5, 9.0)
    cells = audience.audience_for(small.settings, _call().area)
    # Alternate the two nodes round by round, so that a busy machine slows both alike.
    small_times: list[float] = []
    large_times: list[float] = []
    for _ in range(args.rounds * 4):
        for node, times in ((small, small_times), (large, large_times)):
            with node.db.activate():
                times.append(await targeting_time(cells, args.inside))
    p50_small, p50_large = statistics.median(small_times), statistics.median(large_times)
    results = {
        "database": "postgres" if args.database_url.startswith("postgres") else "sqlite",
        "members_in_area": args.inside,
        "post_to_all_rows_s": round(statistics.median(posting_times), 3),
        "post_to_all_rows_range_s": [round(min(posting_times), 3), round(max(posting_times), 3)],
        "area_cells": len(cells.cells),
        "targeting_p50_ms": {
            f"{args.inside}": round(p50_small * 1000, 2),
            f"{args.total}": round(p50_large * 1000, 2),
        },
        "targeting_ratio": round(p50_large / p50_small, 3),
        "goal_ratio_at_most": 1.5,
    }
    for node in (small, large):
        await node.db.close()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
