"""Feed requests/s over HTTP under Hypercorn, Uvicorn and Granian, each against a bare Quart route
returning a body of the same size on the same server in the same run (goal ≥ 40%), and the idle
resident memory of ``entraide serve`` (goal ≤ 120 MB).

The feed is measured twice: as users call it (one URL, anonymous: mostly served from the node's
10 s response cache) and uncached (each request a different point, rounded apart, through a wrk
Lua script: every request runs the query). Memory: ``entraide serve`` with its default server,
and with each server named, per process, idle and after a burst of feed requests.

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

from bench.procs import free_port, process_rss_mb, python, start, stop, tree_rss_mb
from bench.seed import seed_sqlite
from node.db import migrate

FEED = "/api/v1/actions?lat=48.8566&lon=2.3522&radius_km=5&limit=20"
# Distinct points (3 decimals apart, so distinct cache keys) around Paris, one per request.
UNCACHED_LUA = """
local n = 0
request = function()
  n = n + 1
  local lat = 48.80 + (n % 100) * 0.001
  local lon = 2.30 + (math.floor(n / 100) % 100) * 0.001
  return wrk.format("GET", string.format(
    "/api/v1/actions?lat=%.3f&lon=%.3f&radius_km=5&limit=20", lat, lon))
end
"""


def wrk(url: str, seconds: int, connections: int, script: str | None = None) -> float:
    extra = ["-s", script] if script else []
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", *extra, url],
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
        lua = Path(tmp) / "uncached.lua"
        lua.write_text(UNCACHED_LUA)
        results: dict[str, tuple[float, float, float]] = {}
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
                uncached_rps = wrk(
                    f"http://127.0.0.1:{port}/", args.seconds, args.connections, str(lua)
                )
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
            results[server] = (feed_rps, uncached_rps, bare_rps)

        print(
            f"feed over HTTP ({args.rows:,} actions, body {len(body):,} B, wrk -t1 "
            f"-c{args.connections} -d{args.seconds}s)"
        )
        for server, (feed_rps, uncached_rps, bare_rps) in results.items():
            print(
                f"  {server:>9}: feed {feed_rps:6.0f} req/s ({feed_rps / bare_rps:4.0%})   "
                f"uncached {uncached_rps:5.0f} req/s ({uncached_rps / bare_rps:4.0%})   "
                f"bare {bare_rps:6.0f} req/s   (goal ≥ 40%)"
            )
        best = max(results, key=lambda name: results[name][0])
        print(f"  fastest for the feed: {best}")

        for server in ["default", *args.servers.split(",")]:
            port = free_port()
            named = [] if server == "default" else ["--server", server]
            command = [str(Path(python()).parent / "entraide"), "serve", "--port", str(port)]
            serve = start(
                [*command, "--no-migrate", *named], env, f"http://127.0.0.1:{port}/api/v1/node"
            )
            try:
                time.sleep(3)
                idle, idle_each = tree_rss_mb(serve.pid), process_rss_mb(serve.pid)
                wrk(f"http://127.0.0.1:{port}/", 2, args.connections, str(lua))
                time.sleep(1)
                busy, busy_each = tree_rss_mb(serve.pid), process_rss_mb(serve.pid)
                print(
                    f"RSS of `entraide serve` ({server}, 1 worker): idle {idle:.0f} MB "
                    f"({' + '.join(f'{m:.0f}' for m in idle_each)}), after a burst {busy:.0f} MB "
                    f"({' + '.join(f'{m:.0f}' for m in busy_each)})  (goal ≤ 120 MB)"
                )
            finally:
                stop(serve)


if __name__ == "__main__":
    main()
