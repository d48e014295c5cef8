"""Nodes as separate ``entraide serve`` processes on 127.0.0.1 ports, each with its own SQLite
data directory (``ENTRAIDE_FEDERATION_ALLOW_PRIVATE=true`` so they may reach each other).

    with NodeProcess.start(tmp_path, "paris") as paris, NodeProcess.start(tmp_path, "lyon") as lyon:
        async with paris.state() as node:   # the node's database, from the test process
            ...
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from bench.procs import free_port, start, stop
from node.settings import Settings
from node.state import NodeState
from tests.migrated import seed_data_dir

ROOT = Path(__file__).resolve().parents[1]
ENTRAIDE = str(ROOT / ".venv" / "bin" / "entraide")
T = TypeVar("T")


@dataclass
class NodeProcess:
    name: str
    port: int
    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.port}"

    def settings(self) -> Settings:
        return Settings(
            base_url=self.base_url,
            data_dir=self.data_dir,
            secret_key=self.env["ENTRAIDE_SECRET_KEY"],
            federation_allow_private=True,
            worker_in_process=False,
            node_name=self.env["ENTRAIDE_NODE_NAME"],
        )

    @classmethod
    @contextmanager
    def start(
        cls, root: Path, name: str, *, server: str = "uvicorn", extra: dict[str, str] | None = None
    ) -> Iterator[NodeProcess]:
        """Start ``entraide serve`` (in-process worker on) and stop it on exit."""
        port = free_port()
        data_dir = root / name
        data_dir.mkdir(parents=True, exist_ok=True)
        if "ENTRAIDE_DATABASE_URL" not in (extra or {}):
            seed_data_dir(data_dir)
        env = {
            "ENTRAIDE_BASE_URL": f"http://127.0.0.1:{port}",
            "ENTRAIDE_DATA_DIR": str(data_dir),
            "ENTRAIDE_SECRET_KEY": f"{name}-secret-key-for-tests-only-0123456789",
            "ENTRAIDE_NODE_NAME": f"Entraide {name}",
            "ENTRAIDE_FEDERATION_ALLOW_PRIVATE": "true",
            "ENTRAIDE_SMS_BACKEND": f"file:{data_dir / 'sms.jsonl'}",
            "ENTRAIDE_MAIL_BACKEND": f"file:{data_dir / 'mail.jsonl'}",
            "ENTRAIDE_CONFIG": str(data_dir / "absent.toml"),
            "ENTRAIDE_LOG_LEVEL": "warning",
            **(extra or {}),
        }
        process = start(
            [ENTRAIDE, "serve", "--host", "127.0.0.1", "--port", str(port), "--server", server],
            {**env, "PYTHONPATH": str(ROOT)},
            f"http://127.0.0.1:{port}/.well-known/nodeinfo",
            timeout=60,
        )
        node = cls(name, port, data_dir, env)
        try:
            yield node
        finally:
            stop(process)

    @asynccontextmanager
    async def state(self) -> AsyncIterator[NodeState]:
        """This node's state opened from the test process (its database, its key)."""
        from node.app import create_app

        app = create_app(self.settings())
        await app.node.db.open()
        try:
            with app.node.db.activate():
                yield app.node
        finally:
            await app.node.db.close()


async def eventually(check: Callable[[], Awaitable[T | None]], within: float = 30) -> T:
    """Poll ``check`` until it returns something truthy (processes run on their own clock)."""
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(0.2)


__all__ = ["NodeProcess", "eventually"]
