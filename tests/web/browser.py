"""A real node for the browser tests: migrated SQLite, uvicorn in a subprocess, file SMS."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.migrated import copy_to

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


@dataclass
class Node:
    url: str
    data_dir: Path
    env: dict[str, str]

    def sms_code(self, phone_e164: str) -> str:
        lines = (self.data_dir / "sms.jsonl").read_text().splitlines()
        for line in reversed(lines):
            message = json.loads(line)
            if message["to"] == phone_e164:
                found = re.search(r"\b(\d{6})\b", message["body"])
                assert found
                return found.group(1)
        raise AssertionError(f"no SMS to {phone_e164}")

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "node.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_node(data_dir: Path) -> Iterator[Node]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    database = data_dir / "node.sqlite3"
    copy_to(database)
    env = {
        **os.environ,
        "ENTRAIDE_BASE_URL": url,
        "ENTRAIDE_DATA_DIR": str(data_dir),
        "ENTRAIDE_DATABASE_URL": f"sqlite://{database}",
        "ENTRAIDE_SECRET_KEY": "browser-test-secret-0123456789-abcdefghijklmnop",
        "ENTRAIDE_SMS_BACKEND": f"file:{data_dir / 'sms.jsonl'}",
        "ENTRAIDE_MAIL_BACKEND": f"file:{data_dir / 'mail.jsonl'}",
        "ENTRAIDE_RATE_LIMIT_PER_MINUTE": "1000",
        "ENTRAIDE_WORKER_IN_PROCESS": "false",
        "ENTRAIDE_MAP_TILE_URL": "/assets/img/blank-tile.png?z={z}&x={x}&y={y}",
        "ENTRAIDE_NODE_NAME": "Entraide Paris",
    }
    env.pop("ENTRAIDE_CONFIG", None)
    log = (data_dir / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "node.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            # Live pages keep a stream open: do not wait long for them at the end.
            "--timeout-graceful-shutdown",
            "3",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/api/v1/node", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((data_dir / "server.log").read_text())
            time.sleep(0.2)
        yield Node(url=url, data_dir=data_dir, env=env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
