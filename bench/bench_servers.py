"""Feed requests/s over HTTP under Hypercorn, Uvicorn and Granian, each against a bare Quart route
returning a body of the same size on the same server in the same run (goal ≥ 40%), and the idle
resident memory of ``entraide serve`` (goal ≤ 120 MB).

    .venv/bin/python -m bench.bench_servers [--seconds 5] [--connections 32] [--rows 10000]

Needs ``wrk`` (Debian package). The load generator shares the machine's cores with the server,
so compare ratios, not absolute figures.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from bench.procs import free_port, python, start, stop, tree_rss_mb
from bench.seed import seed_sqlite
from node.db import migrate

FEED = "/api/v1/actions?lat=48.8566&lon=2.3522&radius_km=5&limit=20"


def wrk(url: str, seconds: int, connections: int) -> float:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses")
    if not match:
        raise RuntimeError(f"unexpected wrk output: {out}")
    return float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--servers", default="hypercorn,uvicorn,granian")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("bench_servers needs wrk: apt-get install wrk")

    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "entraide.sqlite3"
        asyncio.run(migrate(f"sqlite://{db_path}"))
        seed_sqlite(str(db_path), args.rows)
        env = {
            "ENTRAIDE_DATA_DIR": tmp,
            "ENTRAIDE_DATABASE_URL": f"sqlite://{db_path}",
            "ENTRAIDE_SECRET_KEY": "bench-secret",
            "ENTRAIDE_WORKER_IN_PROCESS": "false",
            "ENTRAIDE_LOG_LEVEL": "warning",
        }
        results: dict[str, tuple[float, float]] = {}
        body = b""
        for server in args.servers.split(","):
            port = free_port()
            node = start(
                [
                    python(),
                    "-m",
                    "bench.serve_target",
                    "--server",
                    server,
                    "--app",
                    "node",
                    "--port",
                    str(port),
                ],
                env,
                f"http://127.0.0.1:{port}/api/v1/node",
            )
            try:
                body = httpx.get(f"http://127.0.0.1:{port}{FEED}").content
                feed_rps = wrk(f"http://127.0.0.1:{port}{FEED}", args.seconds, args.connections)
            finally:
                stop(node)
            port = free_port()
            bare = start(
                [
                    python(),
                    "-m",
                    "bench.serve_target",
                    "--server",
                    server,
                    "--app",
                    "bare",
                    "--port",
                    str(port),
                ],
                {**env, "BENCH_BARE_BODY": body.decode()},
                f"http://127.0.0.1:{port}/bare",
            )
            try:
                bare_rps = wrk(f"http://127.0.0.1:{port}/bare", args.seconds, args.connections)
            finally:
                stop(bare)
            results[server] = (feed_rps, bare_rps)

        print(
            f"feed over HTTP ({args.rows:,} actions, body {len(body):,} B, wrk -t1 "
            f"-c{args.connections} -d{args.seconds}s)"
        )
        for server, (feed_rps, bare_rps) in results.items():
            print(
                f"  {server:>9}: feed {feed_rps:8.0f} req/s   bare {bare_rps:8.0f} req/s   "
                f"ratio {feed_rps / bare_rps:.0%}  (goal ≥ 40%)"
            )
        best = max(results, key=lambda name: results[name][0])
        print(f"  fastest for the feed: {best}")

        port = free_port()
        serve = start(
            [str(Path(python()).parent / "entraide"), "serve", "--port", str(port), "--no-migrate"],
            env,
            f"http://127.0.0.1:{port}/api/v1/node",
        )
        try:
            time.sleep(3)
            print(
                f"idle RSS of `entraide serve` (1 worker, process tree): "
                f"{tree_rss_mb(serve.pid):.0f} MB  (goal ≤ 120 MB)"
            )
        finally:
            stop(serve)


if __name__ == "__main__":
    main()
