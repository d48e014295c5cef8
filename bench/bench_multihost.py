"""Deliveries per second with one ``entraide worker --queues deliveries`` process against two,
on the same PostgreSQL database: how far a second machine's worker adds throughput.

The bench publishes one activity to ``--deliveries`` inboxes (rows committed at once, as a fan-out
does) while the workers are already polling, and times until every row is ``delivered``. Two
receivers on 127.0.0.1 answer 202: one at once (the workers' CPU is the limit), one after
``--latency-ms`` (a partner across the internet: in-flight requests are the limit). Worker
counts alternate over ``--rounds``; the medians and the two-to-one ratio are printed.

    .venv/bin/python bench/bench_multihost.py [--deliveries 600] [--latency-ms 50] [--rounds 3]
        [--database-url postgres://postgres:postgres@127.0.0.1:5432/entraide_multihost_bench]

Both workers run on this machine: on the reference machine's 2 cores (shared with PostgreSQL,
the receivers and the bench) the CPU-bound figure says little about two real machines, the
latency-bound one says what a second worker's extra in-flight requests bring.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
from tortoise.transactions import in_transaction  # noqa: E402

from bench.bench_delivery import free_port  # noqa: E402
from bench.bench_fanout import make_actors, need  # noqa: E402
from node.app import create_app  # noqa: E402
from node.db import migrate  # noqa: E402
from node.fed.outbox import publish  # noqa: E402
from node.keys import ensure_instance_key  # noqa: E402
from node.models import Delivery, DeliveryStatus, OutboxActivity, RemoteActor  # noqa: E402
from node.settings import Settings  # noqa: E402
from node.state import NodeState  # noqa: E402

ENTRAIDE = str(ROOT / ".venv" / "bin" / "entraide")
DEFAULT_URL = "postgres://postgres:postgres@127.0.0.1:5432/entraide_multihost_bench"
SECRET = "bench-multihost-" + "x" * 40

RECEIVER = textwrap.dedent("""
    import asyncio, os
    DELAY = float(os.environ.get("BENCH_DELAY", "0"))

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        more = True
        while more:
            message = await receive()
            more = message.get("more_body", False)
        if DELAY:
            await asyncio.sleep(DELAY)
        await send({"type": "http.response.start", "status": 202,
                    "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})
""")


def start_receiver(port: int, workdir: Path, delay: float) -> subprocess.Popen[bytes]:
    (workdir / "bench_multihost_receiver.py").write_text(RECEIVER)
    args = [sys.executable, "-m", "uvicorn", "bench_multihost_receiver:app"]
    args += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    args += ["--no-access-log", "--backlog", "512"]
    process = subprocess.Popen(args, cwd=workdir, env={**os.environ, "BENCH_DELAY": str(delay)})
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the receiver did not start")


async def recreate(url: str) -> None:
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    conn = await asyncpg.connect(admin)
    try:
        name = parts.path.lstrip("/")
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def start_workers(count: int, env: dict[str, str]) -> list[subprocess.Popen[str]]:
    workers = [
        subprocess.Popen(
            [ENTRAIDE, "worker", "--queues", "deliveries"],
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        for _ in range(count)
    ]
    for worker in workers:  # each prints one line once its loop runs
        assert worker.stdout is not None
        line = worker.stdout.readline()
        assert "running" in line, line
    return workers


def stop_workers(workers: list[subprocess.Popen[str]]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(timeout=30)


async def fan_out(node: NodeState, actors: list[RemoteActor]) -> float:
    """Queue one activity to ``actors``; seconds until every delivery is delivered."""
    await Delivery.all().delete()
    await OutboxActivity.all().delete()
    async with in_transaction():
        await publish(node, need(node.settings), to=actors, public=True)
    start = time.perf_counter()
    while True:
        left = await Delivery.exclude(status=DeliveryStatus.DELIVERED).count()
        if not left:
            return time.perf_counter() - start
        if time.perf_counter() - start > 300:
            raise RuntimeError(f"{left} deliveries still not delivered after 300 s")
        await asyncio.sleep(0.05)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=600)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-multihost-"))
    fast_port, slow_port = free_port(), free_port()
    receivers = [
        start_receiver(fast_port, tmp, 0),
        start_receiver(slow_port, tmp, args.latency_ms / 1000),
    ]
    await recreate(args.database_url)
    await migrate(args.database_url)
    settings = Settings(
        base_url="http://bench.test",
        data_dir=tmp,
        secret_key=SECRET,
        database_url=args.database_url,
        federation_allow_private=True,
        worker_in_process=False,
    )
    ensure_instance_key(settings)  # every worker signs with the same key, as on two machines
    env = {
        "PYTHONPATH": str(ROOT),
        "ENTRAIDE_DATABASE_URL": args.database_url,
        "ENTRAIDE_BASE_URL": settings.base_url,
        "ENTRAIDE_DATA_DIR": str(tmp),
        "ENTRAIDE_SECRET_KEY": SECRET,
        "ENTRAIDE_CONFIG": str(tmp / "absent.toml"),
        "ENTRAIDE_FEDERATION_ALLOW_PRIVATE": "true",
        "ENTRAIDE_WORKER_POLL_SECONDS": "0.1",
        "ENTRAIDE_LOG_LEVEL": "warning",
    }
    node = create_app(settings).node
    await node.db.open()
    rates: dict[tuple[str, int], list[float]] = {}
    try:
        with node.db.activate():
            targets = {
                "no latency": await make_actors(fast_port, args.deliveries, "fast"),
                f"{args.latency_ms:g} ms latency": await make_actors(
                    slow_port, args.deliveries, "slow"
                ),
            }
            for _ in range(args.rounds):
                for count in (1, 2):
                    workers = await asyncio.to_thread(start_workers, count, env)
                    try:
                        for label, actors in targets.items():
                            seconds = await fan_out(node, actors)
                            rates.setdefault((label, count), []).append(len(actors) / seconds)
                    finally:
                        await asyncio.to_thread(stop_workers, workers)
    finally:
        await node.db.close()
        for receiver in receivers:
            receiver.terminate()
            receiver.wait()
    print(f"{args.deliveries} deliveries per fan-out, {args.rounds} rounds, median:")
    for label in targets:
        one = statistics.median(rates[(label, 1)])
        two = statistics.median(rates[(label, 2)])
        print(
            f"  {label}: 1 worker {one:.0f} deliveries/s, 2 workers {two:.0f}/s, "
            f"ratio {two / one:.2f}"
        )


if __name__ == "__main__":
    asyncio.run(main())
