"""Nearby feed latency: p50/p99 of ``services.feed.nearby`` on 10k and 100k actions (SQLite)
and 1M (PostgreSQL), and the growth ratio p50(100k)/p50(10k) (goal ≤ 1.5).

    .venv/bin/python -m bench.bench_feed [--queries 300] [--pg-url postgres://…] [--pg-rows 1000000]

The 10k and 100k databases are queried in alternation, with the same points, so that load from
other processes on the machine falls on both equally: the ratio is what travels.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.seed import PARIS, seed_postgres, seed_sqlite
from node.db import Database, migrate
from node.settings import Settings

WARM_UP = 20


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _points(n: int) -> list[tuple[float, float]]:
    rng = random.Random(3)
    return [
        (PARIS[0] + rng.uniform(-0.08, 0.08), PARIS[1] + rng.uniform(-0.12, 0.12)) for _ in range(n)
    ]


async def _open(stack: AsyncExitStack, database_url: str, data_dir: Path) -> Database:
    settings = Settings(database_url=database_url, data_dir=data_dir, secret_key="bench")
    db = Database(settings)
    await db.open()
    stack.push_async_callback(db.close)
    return db


async def _query(db: Database, lat: float, lon: float, order: str) -> float:
    from node.services.feed import nearby

    with db.activate():
        started = time.perf_counter()
        page = await nearby(lat=lat, lon=lon, radius_km=10, viewer=None, order=order)  # type: ignore[arg-type]
        elapsed = (time.perf_counter() - started) * 1000
    if not page.items:
        raise SystemExit("the feed returned nothing: the seed does not match the query")
    return elapsed


async def _interleaved(
    dbs: dict[str, Database], queries: int, order: str
) -> dict[str, dict[str, float]]:
    latencies: dict[str, list[float]] = {name: [] for name in dbs}
    names = list(dbs)
    for i, (lat, lon) in enumerate(_points(queries + WARM_UP)):
        turn = names if i % 2 == 0 else list(reversed(names))
        for name in turn:
            elapsed = await _query(dbs[name], lat, lon, order)
            if i >= WARM_UP:
                latencies[name].append(elapsed)
    return {
        name: {"p50": statistics.median(values), "p99": _pct(values, 0.99)}
        for name, values in latencies.items()
    }


async def _pg_database(url: str, rows: int) -> None:
    import asyncpg

    parts = urlsplit(url)
    dbname = parts.path.lstrip("/")
    admin = await asyncpg.connect(urlunsplit(parts._replace(scheme="postgresql", path="/postgres")))
    await admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{dbname}"')
    await admin.close()
    await migrate(url)
    await seed_postgres(url, rows)


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

    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        async with AsyncExitStack() as stack:
            dbs = {}
            for rows in (10_000, 100_000):
                path = Path(tmp) / f"bench{rows}.sqlite3"
                await migrate(f"sqlite://{path}")
                seed_sqlite(str(path), rows)
                dbs[f"sqlite {rows:,}"] = await _open(stack, f"sqlite://{path}", Path(tmp))
            results.update(await _interleaved(dbs, args.queries, args.order))
        if not args.no_pg:
            await _pg_database(args.pg_url, args.pg_rows)
            async with AsyncExitStack() as stack:
                db = await _open(stack, args.pg_url, Path(tmp))
                name = f"postgres {args.pg_rows:,}"
                results.update(await _interleaved({name: db}, args.queries, args.order))

    print(f"nearby feed, radius 10 km, order={args.order}, {args.queries} queries per case")
    for name, figures in results.items():
        print(f"  {name:>20}: p50 {figures['p50']:.2f} ms   p99 {figures['p99']:.2f} ms")
    ratio = results["sqlite 100,000"]["p50"] / results["sqlite 10,000"]["p50"]
    print(f"  p50(100k)/p50(10k) on SQLite = {ratio:.2f}  (goal ≤ 1.5)")


if __name__ == "__main__":
    asyncio.run(main())
