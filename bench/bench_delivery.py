"""Signed deliveries per second from the library's client to a receiver on 127.0.0.1, against
unsigned POSTs in the same run (goal: signed ≥ 70 % of unsigned), at concurrency 32.

The receiver is a raw ASGI app answering 202, served by uvicorn in a subprocess. DESIGN §7: the
httpx pool degrades above ~8 concurrent requests per client, so the 32 workers share
``--clients`` clients (default 32: one in-flight request per client measured best, see
docs/federation-library.md); RSA signing runs in worker threads
(``SigningAuth(offload=True)``) because OpenSSL releases the GIL.

    .venv/bin/python bench/bench_delivery.py [--seconds 5] [--clients 4] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from federation.client import SigningAuth, create_client  # noqa: E402
from federation.keys import generate_rsa_key  # noqa: E402

RECEIVER = textwrap.dedent("""
    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        more = True
        while more:
            message = await receive()
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 202,
                    "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})
""")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_receiver(port: int, workdir: Path) -> subprocess.Popen[bytes]:
    (workdir / "bench_receiver.py").write_text(RECEIVER)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench_receiver:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=workdir,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("receiver did not start")


async def run(
    url: str,
    body: bytes,
    *,
    signed: bool,
    seconds: float,
    clients: int,
    concurrency: int,
    offload: bool = True,
) -> float:
    key = generate_rsa_key()
    auth = (
        SigningAuth("https://bench.example/actor#main-key", key, offload=offload)
        if signed
        else None
    )
    per_client = max(1, concurrency // clients)
    pool = [
        create_client(
            auth=auth,
            allow_loopback=True,
            limits=httpx.Limits(max_connections=per_client, max_keepalive_connections=per_client),
        )
        for _ in range(clients)
    ]
    done = 0
    stop = time.perf_counter() + seconds

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal done
        while time.perf_counter() < stop:
            response = await client.post(
                url, content=body, headers={"Content-Type": "application/activity+json"}
            )
            assert response.status_code == 202
            done += 1

    # Warm the connections up, then measure.
    await asyncio.gather(*(c.post(url, content=body) for c in pool))
    start = time.perf_counter()
    stop = start + seconds
    await asyncio.gather(*(worker(pool[i % clients]) for i in range(concurrency)))
    elapsed = time.perf_counter() - start
    for c in pool:
        await c.aclose()
    return done / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--no-offload", action="store_true")
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    port = free_port()
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    proc = start_receiver(port, out)
    try:
        url = f"http://127.0.0.1:{port}/inbox"
        body = json.dumps(
            {
                "type": "Create",
                "actor": "https://bench.example/actor",
                "object": {"type": "Note", "content": "x" * 1900},
            }
        ).encode()
        kw = dict(seconds=args.seconds, clients=args.clients, concurrency=args.concurrency)
        unsigned = asyncio.run(run(url, body, signed=False, **kw))  # type: ignore[arg-type]
        signed = asyncio.run(
            run(url, body, signed=True, offload=not args.no_offload, **kw)  # type: ignore[arg-type]
        )
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(
        f"concurrency {args.concurrency} over {args.clients} clients, {len(body)} byte body, "
        f"{args.seconds:.0f} s each, receiver: uvicorn raw ASGI on 127.0.0.1"
    )
    print(
        f"unsigned {unsigned:8.0f}/s   signed (cavage rsa-sha256, "
        f"offload={not args.no_offload}) {signed:8.0f}/s   "
        f"ratio {signed / unsigned:6.1%}"
    )


if __name__ == "__main__":
    main()
