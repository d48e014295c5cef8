"""Nearby feed latency: p50/p99 of ``services.feed.nearby`` on 10k and 100k actions (SQLite)
and 1M (PostgreSQL), and the growth ratio p50(100k)/p50(10k) (goal ≤ 1.5).

    .venv/bin/python -m bench.bench_feed [--queries 300] [--pg-url postgres://…] [--pg-rows 1000000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from bench.seed import PARIS, seed_postgres, seed_sqlite
from node.db import Database, migrate
from node.settings import Settings


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _measure(database_url: str, data_dir: Path, queries: int, order: str) -> dict[str, float]:
    from node.services.feed import nearby

    settings = Settings(database_url=database_url, data_dir=data_dir, secret_key="bench")
    db = Database(settings)
    await db.open()
    rng = random.Random(3)
    latencies = []
    try:
        with db.activate():
            for i in range(queries + 20):
                lat = PARIS[0] + rng.uniform(-0.08, 0.08)
                lon = PARIS[1] + rng.uniform(-0.12, 0.12)
                started = time.perf_counter()
                page = await nearby(lat=lat, lon=lon, radius_km=10, viewer=None, order=order)
                elapsed = time.perf_counter() - started
                if i >= 20:  # warm-up excluded
                    latencies.append(elapsed * 1000)
                if not page.items:
                    raise SystemExit("the feed returned nothing: the seed does not match the query")
    finally:
        await db.close()
    return {"p50": statistics.median(latencies), "p99": _pct(latencies, 0.99)}


async def _sqlite_case(rows: int, queries: int, order: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        await migrate(f"sqlite://{path}")
        seed_sqlite(str(path), rows)
        return await _measure(f"sqlite://{path}", Path(tmp), queries, order)


async def _pg_case(url: str, rows: int, queries: int, order: str) -> dict[str, float]:
    from urllib.parse import urlsplit, urlunsplit

    import asyncpg

    parts = urlsplit(url)
    dbname = parts.path.lstrip("/")
    admin = await asyncpg.connect(urlunsplit(parts._replace(scheme="postgresql", path="/postgres")))
    await admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{dbname}"')
    await admin.close()
    await migrate(url)
    await seed_postgres(url, rows)
    with tempfile.TemporaryDirectory() as tmp:
        return await _measure(url, Path(tmp), queries, order)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--order", choices=["recent", "distance"], default="recent")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "ENTRAIDE_BENCH_PG_URL", "postgres://postgres:postgres@127.0.0.1:5432/entraide_bench"
        ),
    )
    parser.add_argument("--pg-rows", type=int, default=1_000_000)
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()

    results = {}
    for rows in (10_000, 100_000):
        results[f"sqlite {rows:,}"] = await _sqlite_case(rows, args.queries, args.order)
    if not args.no_pg:
        results[f"postgres {args.pg_rows:,}"] = await _pg_case(
            args.pg_url, args.pg_rows, args.queries, args.order
        )
    print(f"nearby feed, radius 10 km, order={args.order}, {args.queries} queries per case")
    for name, figures in results.items():
        print(f"  {name:>20}: p50 {figures['p50']:.2f} ms   p99 {figures['p99']:.2f} ms")
    ratio = results["sqlite 100,000"]["p50"] / results["sqlite 10,000"]["p50"]
    print(f"  p50(100k)/p50(10k) on SQLite = {ratio:.2f}  (goal ≤ 1.5)")


if __name__ == "__main__":
    asyncio.run(main())
