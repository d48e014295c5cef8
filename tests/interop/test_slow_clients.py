"""Slow clients against a real ``entraide serve`` on loopback, without a proxy in front: a node
closes connections whose headers or body trickle in, and keeps answering everyone else.

Bounded: 120 trickling connections, a 1.5 s header and body timeout, about 10 s per server.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from tests.fedprocs import NodeProcess

pytestmark = [pytest.mark.slow]
TRICKLERS = 120
TIMEOUT = 1.5
LIMITS = {
    "ENTRAIDE_HTTP_HEADER_TIMEOUT": str(TIMEOUT),
    "ENTRAIDE_HTTP_BODY_TIMEOUT": str(TIMEOUT),
}


async def _trickle_headers(port: int, seconds: float) -> float | None:
    """Open a connection and send a header line every 0.3 s; when the server closes it, the
    time it took; None when it was still open after ``seconds``."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.monotonic()
    try:
        writer.write(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        while time.monotonic() - started < seconds:
            writer.write(b"X-Slow: 1\r\n")
            try:
                await writer.drain()
                if await asyncio.wait_for(reader.read(1024), 0.3) == b"":
                    return time.monotonic() - started
            except TimeoutError:
                continue
            except ConnectionError:
                return time.monotonic() - started
        return None
    finally:
        writer.close()


async def _trickle_body(port: int) -> bytes:
    """Headers at once, then a body announced as 1,000 bytes that never comes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            b"POST /api/v1/auth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
        )
        await writer.drain()
        return await asyncio.wait_for(reader.read(200), TIMEOUT * 4)
    finally:
        writer.close()


@pytest.mark.parametrize("server", ["uvicorn", "granian"])
async def test_trickling_clients_are_cut_off_and_others_served(tmp_path: Path, server: str) -> None:
    with NodeProcess.start(tmp_path, "slow", server=server, extra=LIMITS) as node:
        tricklers = [
            asyncio.ensure_future(_trickle_headers(node.port, TIMEOUT * 4))
            for _ in range(TRICKLERS)
        ]
        await asyncio.sleep(0.5)
        async with httpx.AsyncClient(timeout=5) as client:
            response = await client.get(f"{node.base_url}/health")
        assert response.status_code == 200  # served while the tricklers hold their sockets
        closed_after = await asyncio.gather(*tricklers)
        assert all(seconds is not None for seconds in closed_after), closed_after
        assert max(s for s in closed_after if s is not None) < TIMEOUT * 3

        answer = await _trickle_body(node.port)
        assert answer.startswith(b"HTTP/1.1 408"), answer


def test_the_systemd_unit_gives_room_for_the_connection_limit() -> None:
    """The unit's LimitNOFILE covers every worker's connection limit (systemd's default soft
    limit, 1024, would be exhausted by one process before it answers 503)."""
    from configparser import ConfigParser

    from node.settings import Settings

    unit = ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(Path(__file__).resolve().parents[2] / "deploy/systemd/entraide.service")
    service = unit["Service"]
    workers = int(service["ExecStart"].split("--workers")[1].split()[0])
    needed = workers * Settings.model_fields["http_max_connections"].default + 1024
    assert int(service["LimitNOFILE"]) >= needed
