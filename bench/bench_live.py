"""Live streams: N idle Server-Sent Events connections (default 1,000) on one ``entraide serve``
process — resident memory per connection, then the latency of one chat message fanned out to
all of them (p50/p99, from the POST to each stream's ``message`` event), on 127.0.0.1.

    .venv/bin/python bench/bench_live.py [--streams 1000] [--messages 5]

The clients are raw asyncio sockets (one HTTP/1.1 request each) so that the client side costs
little next to the server; both share the machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.procs import free_port, start, stop, tree_rss_mb  # noqa: E402
from node import clock  # noqa: E402
from node.db import Database, migrate  # noqa: E402
from node.settings import Settings  # noqa: E402


async def seed(settings: Settings) -> tuple[str, str]:
    """A member with a token and an action whose chat they are in (the author)."""
    from node.models import Action, ActionCategory, ActionKind, Member
    from node.services.tokens import issue_token

    await migrate(settings.database_url)
    db = Database(settings)
    await db.open()
    with db.activate():
        member = await Member.create(
            phone="+33612345678",
            email="a@bench.test",
            pseudonym="Awa",
            phone_verified_at=clock.now(),
        )
        _, token = await issue_token(member)
        action = await Action.create(
            kind=ActionKind.NEED,
            category=ActionCategory.FOOD,
            title="Bench",
            author=member,
            lat=48.85,
            lon=2.35,
            public_lat=48.85,
            public_lon=2.35,
            h3_cell="x",
            h3_r7="x",
            h3_r5="x",
            unit_x=0.0,
            unit_y=0.0,
            unit_z=1.0,
            expires_at=clock.now().replace(year=clock.now().year + 1),
        )
    await db.close()
    return token, str(action.id)


class Stream:
    def __init__(self) -> None:
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.got: asyncio.Queue[float] = asyncio.Queue()
        self.ready = asyncio.Event()  # the stream answered (its first "unread" event)

    async def open(self, port: int, path: str, token: str) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", port)
        self.writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        await self.writer.drain()

    async def read(self) -> None:
        assert self.reader is not None
        while True:
            line = await self.reader.readline()
            if not line:
                return
            if line.startswith(b"event: message"):
                self.got.put_nowait(time.perf_counter())
            elif line.startswith(b"event: unread"):
                self.ready.set()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-live-"))
    db_url = f"sqlite://{tmp / 'node.sqlite3'}"
    settings = Settings(
        data_dir=tmp,
        database_url=db_url,
        secret_key="bench-" + "x" * 40,
        worker_in_process=False,
    )
    token, action_id = await seed(settings)
    port = free_port()
    env = {
        "ENTRAIDE_DATA_DIR": str(tmp),
        "ENTRAIDE_DATABASE_URL": db_url,
        "ENTRAIDE_SECRET_KEY": "bench-" + "x" * 40,
        "ENTRAIDE_WORKER_IN_PROCESS": "false",
        "ENTRAIDE_LOG_LEVEL": "warning",
        # Each stream holds a connection: room for them and the message that is fanned out.
        "ENTRAIDE_HTTP_MAX_CONNECTIONS": str(args.streams + 100),
    }
    entraide = str(Path(sys.executable).with_name("entraide"))
    server = start(
        [entraide, "serve", "--port", str(port), "--no-migrate"],
        env,
        f"http://127.0.0.1:{port}/health",
    )
    streams: list[Stream] = []
    try:
        await asyncio.sleep(1)
        idle = tree_rss_mb(server.pid)
        path = f"/api/v1/stream?action={action_id}"
        for i in range(args.streams):
            stream = Stream()
            await stream.open(port, path, token)
            streams.append(stream)
            if i % 100 == 99:
                await asyncio.sleep(0.05)
        readers = [asyncio.create_task(s.read()) for s in streams]
        await asyncio.wait([asyncio.create_task(s.ready.wait()) for s in streams], timeout=120)
        opened = sum(s.ready.is_set() for s in streams)
        await asyncio.sleep(2)
        loaded = tree_rss_mb(server.pid)
        latencies: list[float] = []
        missed = 0
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            for n in range(args.messages):
                start_at = time.perf_counter()
                response = await client.post(
                    f"/api/v1/actions/{action_id}/messages",
                    json={"body": f"Message {n}"},
                    headers={"Authorization": f"Bearer {token}"},
                )
                assert response.status_code == 201, response.text
                for stream in streams:
                    if not stream.ready.is_set():
                        continue
                    try:
                        at = await asyncio.wait_for(stream.got.get(), 30)
                    except TimeoutError:
                        missed += 1
                        continue
                    latencies.append((at - start_at) * 1000)
                await asyncio.sleep(0.5)
        latencies.sort()
        result = {
            "streams": args.streams,
            "opened": opened,
            "missed_within_30s": missed,
            "rss_idle_mb": round(idle, 1),
            "rss_with_streams_mb": round(loaded, 1),
            "kb_per_stream": round((loaded - idle) * 1024 / max(opened, 1), 1),
            "fanout_ms_p50": round(statistics.median(latencies), 1),
            "fanout_ms_p99": round(latencies[int(len(latencies) * 0.99) - 1], 1),
            "messages": args.messages,
            "cpu_count": os.cpu_count(),
        }
        print(json.dumps(result, indent=2))
        for task in readers:
            task.cancel()
    finally:
        for stream in streams:
            stream.close()
        stop(server)


if __name__ == "__main__":
    asyncio.run(main())
