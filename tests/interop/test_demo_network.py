"""``entraide demo --nodes 3`` as a newcomer runs it: three nodes, federated, demo log-ins
printed, Paris's needs already on Lyon, and Ctrl-C stops all three."""

from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from bench.procs import free_port
from node.demo import DEMO_PASSWORD
from tests.fedprocs import ENTRAIDE

pytestmark = pytest.mark.slow


def _three_free_ports() -> int:
    for _ in range(50):
        first = free_port()
        if first + 2 < 65536 and all(_free(first + i) for i in (1, 2)):
            return first
    raise AssertionError("no three consecutive free ports")


def _free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _read_until(process: subprocess.Popen[bytes], marker: str, within: float) -> str:
    """What the demo printed, up to ``marker`` (raw reads: a buffered reader would keep lines
    that ``select`` no longer sees)."""
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    seen, deadline = b"", time.monotonic() + within
    while marker.encode() not in seen:
        assert process.poll() is None, f"demo exited early:\n{seen.decode()}"
        assert time.monotonic() < deadline, f"no {marker!r} within {within} s:\n{seen.decode()}"
        if selector.select(timeout=1):
            seen += os.read(process.stdout.fileno(), 65536)
    return seen.decode()


def test_three_federated_demo_nodes_in_one_command(tmp_path: Path) -> None:
    first = _three_free_ports()
    process = subprocess.Popen(
        [ENTRAIDE, "demo", "--nodes", "3", "--port", str(first), "--data", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "ENTRAIDE_LOG_LEVEL": "warning"},
        start_new_session=True,
    )
    try:
        printed = _read_until(process, "Ctrl-C stops the three nodes", within=240)
        for port in (first, first + 1, first + 2):
            assert f"http://127.0.0.1:{port}/" in printed
        assert "+33600000001" in printed and DEMO_PASSWORD in printed

        with httpx.Client(base_url=f"http://127.0.0.1:{first}", timeout=10) as paris:
            token = paris.post(
                "/api/v1/auth/token", json={"phone": "+33600000001", "password": DEMO_PASSWORD}
            ).json()["access_token"]
            rows = paris.get(
                "/api/v1/admin/partnerships", headers={"Authorization": f"Bearer {token}"}
            ).json()["items"]
        accepted = {row["remote_domain"] for row in rows if row["status"] == "accepted"}
        assert accepted == {f"127.0.0.1:{first + 1}", f"127.0.0.1:{first + 2}"}

        # Paris's demo needs were shared when Lyon accepted: Lyon shows them, marked as remote.
        deadline = time.monotonic() + 60
        while True:
            feed = httpx.get(
                f"http://127.0.0.1:{first + 1}/api/v1/actions",
                params={"lat": 48.8566, "lon": 2.3522, "radius_km": 20},
                timeout=10,
            ).json()["items"]
            if any(item.get("origin") for item in feed):
                break
            assert time.monotonic() < deadline, "Lyon never showed Paris's needs"
            time.sleep(1)
    finally:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C sends to the terminal's group
        try:
            process.communicate(timeout=90)  # reads what it still prints (a full pipe blocks)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    assert process.returncode == 0
    for port in (first, first + 1, first + 2):
        assert _free(port), f"a node still listens on {port} after Ctrl-C"
