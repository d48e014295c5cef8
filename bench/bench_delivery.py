"""Signed deliveries per second from the library's client to a receiver on 127.0.0.1, against
unsigned POSTs in the same run (goal: signed ≥ 70 % of unsigned), at concurrency 32.

The receiver is a raw ASGI app answering 202, served by uvicorn in a subprocess. DESIGN §7: the
httpx pool degrades above ~8 concurrent requests per client, so the 32 workers share
``--clients`` clients (default 32: one in-flight request per client measured best, see
docs/federation-library.md); RSA signing runs in worker threads
(``SigningAuth(offload=True)``) because OpenSSL releases the GIL.

    .venv/bin/python bench/bench_delivery.py [--seconds 3] [--rounds 5] [--clients 32]
        [--concurrency 32] [--no-offload]

Unsigned and signed runs alternate (5 rounds by default); the median of the per-round ratios
is reported with its range.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
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


async def interleaved(
    url: str, body: bytes, *, rounds: int, **kw: object
) -> list[tuple[float, float]]:
    """``rounds`` pairs of (unsigned, signed) rates, alternating which goes first, so that a
    change of machine load hits both sides."""
    pairs = []
    for i in range(rounds):
        order = (False, True) if i % 2 == 0 else (True, False)
        got = {}
        for signed in order:
            got[signed] = await run(url, body, signed=signed, **kw)  # type: ignore[arg-type]
        pairs.append((got[False], got[True]))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0, help="per measure")
    parser.add_argument("--rounds", type=int, default=5)
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
        pairs = asyncio.run(
            interleaved(
                url,
                body,
                rounds=args.rounds,
                seconds=args.seconds,
                clients=args.clients,
                concurrency=args.concurrency,
                offload=not args.no_offload,
            )
        )
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(
        f"concurrency {args.concurrency} over {args.clients} clients, {len(body)} byte body, "
        f"{args.rounds} interleaved rounds of {args.seconds:.0f} s, "
        f"receiver: uvicorn raw ASGI on 127.0.0.1, offload={not args.no_offload}"
    )
    ratios = sorted(signed / unsigned for unsigned, signed in pairs)
    print(
        f"unsigned {statistics.median(u for u, _ in pairs):6.0f}/s   "
        f"signed (cavage rsa-sha256) {statistics.median(s for _, s in pairs):6.0f}/s   "
        f"ratio median {statistics.median(ratios):6.1%} ({ratios[0]:.1%}-{ratios[-1]:.1%})"
    )


if __name__ == "__main__":
    main()
