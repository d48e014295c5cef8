"""Web interface figures: transfer weight of the home page and its server time.

* weight: the home page's HTML plus the CSS and JavaScript it links (map tiles excluded), as a
  browser that accepts gzip receives them; goal ≤ 150 KB;
* server time: p50/p90 of ``GET /`` in process (Quart's test client: no network, no client
  parsing), on SQLite with 10,000 open actions within the home page's radius (bench/seed.py).

Run: ``.venv/bin/python -m bench.bench_web [--actions 10000] [--requests 200]``.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import time
from pathlib import Path

from bench.seed import seed_sqlite
from node.app import create_app
from node.db import migrate
from node.services import feed
from node.settings import Settings

ASSETS = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/assets/[^"]+)"')
GOAL_KB = 150


async def main(actions: int, requests: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        await migrate(f"sqlite://{path}")
        seed_sqlite(str(path), actions)  # a 30 km disc around Paris
        settings = Settings(
            data_dir=Path(tmp),
            database_url=f"sqlite://{path}",
            secret_key="bench-secret-0123456789-0123456789-abcdef",
            area_radius_km=30,
            worker_in_process=False,
        )
        app = create_app(settings)
        async with app.test_app():
            client = app.test_client()
            gzip = {"Accept-Encoding": "gzip", "Accept-Language": "fr"}
            page = await client.get("/", headers=gzip)
            html_gz = await page.get_data()
            plain = await (await client.get("/")).get_data(as_text=True)
            assert "Café" in plain or "Action" in plain
            sizes = {"/ (HTML)": (len(html_gz), len(plain.encode()))}
            for asset in ASSETS.findall(plain):
                gz = await (await client.get(asset, headers=gzip)).get_data()
                raw = await (await client.get(asset)).get_data()
                sizes[asset.split("?")[0]] = (len(gz), len(raw))
            total = sum(gz for gz, _ in sizes.values())
            print(f"home page transfer weight (gzip), {actions} actions nearby:")
            for name, (gz, raw) in sizes.items():
                print(f"  {name:45} {gz / 1024:7.1f} KB  (uncompressed {raw / 1024:.1f} KB)")
            verdict = "within" if total / 1024 <= GOAL_KB else "OVER"
            print(f"  total {total / 1024:.1f} KB — goal ≤ {GOAL_KB} KB: {verdict}")

            for _ in range(20):
                await client.get("/", headers=gzip)
            times = []
            for _ in range(requests):
                start = time.perf_counter()
                response = await client.get("/", headers=gzip)
                await response.get_data()
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            p90 = times[int(len(times) * 0.9)]
            print(
                f"GET / server time over {requests} requests: p50 {statistics.median(times):.1f} ms"
                f", p90 {p90:.1f} ms (20 items listed, {actions} within the radius)"
            )
            feed_times = []
            with app.node.db.activate():
                for _ in range(50):
                    start = time.perf_counter()
                    await feed.nearby(
                        lat=settings.area_lat,
                        lon=settings.area_lon,
                        radius_km=settings.area_radius_km,
                        viewer=None,
                        limit=20,
                    )
                    feed_times.append((time.perf_counter() - start) * 1000)
            print(
                f"  of which the feed query (node.services.feed): p50 "
                f"{statistics.median(feed_times):.1f} ms"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actions", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.actions, args.requests))
