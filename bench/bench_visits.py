"""Coordination view latency: "visits within 1 km in the last 12 h" through
``services.visits.coordination_view``, on 100k and 1M stored visits, SQLite and PostgreSQL.

Visits are seeded at a constant rate (``--per-day``, 2,000 by default: a large city's teams and
its partners) over a 6 km disc around Paris, so a bigger table means a longer history, which is
how the table grows: coarse visits are kept. The query reads the ``(cell, visited_at)`` index
one range per covering cell, so its cost follows the visits in the window, not the table size.
Goal: p50(1M, PostgreSQL) / p50(100k, SQLite) ≤ 1.5.

    .venv/bin/python -m bench.bench_visits [--queries 300] [--pg-url postgres://…] [--no-pg]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import h3

from bench.seed import PARIS, _point
from node.db import Database, migrate
from node.settings import Settings

ITEMS = ["meal", "meal,hot_drink", "water", "blanket,sleeping_bag", "conversation", "hygiene_kit"]
ASSOCIATIONS = ["Maraude Nord", "Samu Social", "Croix-Rouge", "Emmaüs", "Restos du Cœur"]
COLUMNS = [
    "id",
    "cell",
    "visited_at",
    "items",
    "asleep",
    "association_name",
    "team_name",
    "origin",
    "remote_id",
    "created_at",
]
RADIUS_KM = 6.0


def visit_rows(n: int, per_day: int, now: datetime, seed: int = 11) -> Iterator[tuple[object, ...]]:
    """``n`` visits at ``per_day`` a day, the last one now; one in three from a partner node."""
    rng = random.Random(seed)
    step = timedelta(days=1) / per_day
    start = now - step * n
    for i in range(n):
        lat, lon = _point(rng, PARIS, RADIUS_KM)
        moment = start + step * (i + 1)
        moment = moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)
        remote = i % 3 == 0
        yield (
            uuid.UUID(int=rng.getrandbits(128), version=4),
            h3.latlng_to_cell(lat, lon, 9),
            moment,
            ITEMS[i % len(ITEMS)],
            i % 4 == 0,
            ASSOCIATIONS[i % len(ASSOCIATIONS)],
            "",
            "lyon.example" if remote else None,
            f"https://lyon.example/visits/{i}" if remote else None,
            moment,
        )


def seed_sqlite(path: str, n: int, per_day: int, now: datetime) -> None:
    conn = sqlite3.connect(path)
    placeholders = ", ".join("?" for _ in COLUMNS)
    conn.executemany(
        f"INSERT INTO outreach_visit ({', '.join(COLUMNS)}) VALUES ({placeholders})",
        (
            (str(r[0]), r[1], r[2].isoformat(sep=" "), r[3], int(r[4]), *r[5:8], r[8], str(r[9]))  # type: ignore[attr-defined]
            for r in visit_rows(n, per_day, now)
        ),
    )
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


async def seed_postgres(url: str, n: int, per_day: int, now: datetime) -> None:
    import asyncpg

    conn = await asyncpg.connect(urlunsplit(urlsplit(url)._replace(scheme="postgresql")))
    await conn.copy_records_to_table(
        "outreach_visit", records=visit_rows(n, per_day, now), columns=COLUMNS
    )
    await conn.execute("ANALYZE outreach_visit")
    await conn.close()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _measure(
    database_url: str, data_dir: Path, queries: int, now: datetime
) -> dict[str, float]:
    from node import clock
    from node.services.visits import coordination_view

    settings = Settings(database_url=database_url, data_dir=data_dir, secret_key="bench")
    db = Database(settings)
    db.clock.advance(now - db.clock.now())  # the seed's "now", whatever the time seeding took
    await db.open()
    rng = random.Random(5)
    latencies: list[float] = []
    found: list[int] = []
    try:
        with db.activate():
            for i in range(queries + 20):
                lat, lon = _point(rng, PARIS, RADIUS_KM - 1)
                until = clock.now()
                started = time.perf_counter()
                visits = await coordination_view(
                    lat=lat, lon=lon, radius_m=1000, since=until - timedelta(hours=12), until=until
                )
                elapsed = time.perf_counter() - started
                if i >= 20:  # warm-up excluded
                    latencies.append(elapsed * 1000)
                    found.append(len(visits))
    finally:
        await db.close()
    if not any(found):
        raise SystemExit("the view returned nothing: the seed does not match the query")
    return {
        "p50": statistics.median(latencies),
        "p99": _pct(latencies, 0.99),
        "visits": statistics.mean(found),
    }


async def _sqlite_case(rows: int, per_day: int, queries: int) -> dict[str, float]:
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        await migrate(f"sqlite://{path}")
        seed_sqlite(str(path), rows, per_day, now)
        return await _measure(f"sqlite://{path}", Path(tmp), queries, now)


async def _pg_case(url: str, rows: int, per_day: int, queries: int) -> dict[str, float]:
    import asyncpg

    parts = urlsplit(url)
    dbname = parts.path.lstrip("/")
    admin = await asyncpg.connect(urlunsplit(parts._replace(scheme="postgresql", path="/postgres")))
    await admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{dbname}"')
    await admin.close()
    await migrate(url)
    now = datetime.now(UTC)
    await seed_postgres(url, rows, per_day, now)
    with tempfile.TemporaryDirectory() as tmp:
        return await _measure(url, Path(tmp), queries, now)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--per-day", type=int, default=2000)
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "ENTRAIDE_BENCH_PG_URL",
            "postgres://postgres:postgres@127.0.0.1:5432/entraide_bench_visits",
        ),
    )
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--sqlite-1m", action="store_true", help="also 1M rows on SQLite")
    args = parser.parse_args()

    results: dict[str, dict[str, float]] = {}
    sqlite_sizes = (100_000, 1_000_000) if args.sqlite_1m else (100_000,)
    for rows in sqlite_sizes:
        results[f"sqlite {rows:,}"] = await _sqlite_case(rows, args.per_day, args.queries)
    if not args.no_pg:
        for rows in (100_000, 1_000_000):
            results[f"postgres {rows:,}"] = await _pg_case(
                args.pg_url, rows, args.per_day, args.queries
            )
    print(
        f"coordination view: visits within 1 km in the last 12 h, {args.per_day:,} visits/day, "
        f"{args.queries} queries per case"
    )
    for name, figures in results.items():
        print(
            f"  {name:>20}: p50 {figures['p50']:.2f} ms   p99 {figures['p99']:.2f} ms"
            f"   ({figures['visits']:.1f} visits per answer)"
        )
    base = results["sqlite 100,000"]["p50"]
    if "postgres 1,000,000" in results:
        ratio = results["postgres 1,000,000"]["p50"] / base
        print(f"  p50(1M, PostgreSQL)/p50(100k, SQLite) = {ratio:.2f}  (goal ≤ 1.5)")
        same = results["postgres 1,000,000"]["p50"] / results["postgres 100,000"]["p50"]
        print(f"  p50(1M)/p50(100k) on PostgreSQL = {same:.2f}")
    if "sqlite 1,000,000" in results:
        print(f"  p50(1M)/p50(100k) on SQLite = {results['sqlite 1,000,000']['p50'] / base:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
