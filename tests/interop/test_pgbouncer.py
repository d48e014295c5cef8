"""The node behind PgBouncer in transaction mode (Debian's ``pgbouncer``): a server connection
serves one transaction then goes back to the pool, so asyncpg's cache of named prepared
statements would find them missing or already there on another client's connection. With
``?statement_cache_size=0`` on the database URL the node migrates, answers and runs its
worker through the pooler."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

from bench.procs import free_port, start, stop
from tests.fedprocs import ENTRAIDE, ROOT

SERVER = os.environ.get("ENTRAIDE_TEST_DATABASE_URL") or (
    "postgres://postgres:postgres@127.0.0.1:5432/entraide_test"
)
pytestmark = pytest.mark.slow

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def _admin_url() -> str:
    return urlunsplit(urlsplit(SERVER)._replace(scheme="postgresql", path="/postgres"))


async def _recreate(dbname: str) -> None:
    conn = await asyncpg.connect(_admin_url())
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{dbname}"')
    finally:
        await conn.close()


@pytest.fixture
def bouncer() -> Iterator[str]:
    """PgBouncer on a free port in transaction mode; yields the node's database URL."""
    assert os.path.exists(PGBOUNCER), "Debian's pgbouncer package is needed (.ci/run installs it)"
    parts = urlsplit(SERVER)
    dbname = f"entraide_bouncer_{os.getpid()}"
    asyncio.run(_recreate(dbname))
    port = free_port()
    # pgbouncer refuses to run as root; it switches to the postgres user (-u), which must be
    # able to read its configuration.
    work = Path(tempfile.mkdtemp(prefix="entraide-pgbouncer-"))
    work.chmod(0o755)
    config = work / "pgbouncer.ini"
    config.write_text(
        "[databases]\n"
        f"entraide = host={parts.hostname} port={parts.port or 5432} dbname={dbname} "
        f"user={parts.username} password={parts.password}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\n"
        "auth_type = any\npool_mode = transaction\n"
        "default_pool_size = 3\nmax_client_conn = 100\n"
        "unix_socket_dir =\n"
    )
    config.chmod(0o644)
    args = [PGBOUNCER, str(config)]
    if os.geteuid() == 0:
        args[1:1] = ["-u", "postgres"]
    process = subprocess.Popen(args, start_new_session=True, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "pgbouncer did not listen"
                time.sleep(0.1)
        yield (
            f"postgres://{parts.username}:{parts.password}@127.0.0.1:{port}/entraide"
            "?statement_cache_size=0"
        )
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
        asyncio.run(_drop(dbname))
        shutil.rmtree(work, ignore_errors=True)


async def _drop(dbname: str) -> None:
    conn = await asyncpg.connect(_admin_url())
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    finally:
        await conn.close()


def test_migrate_serve_and_work_through_pgbouncer_in_transaction_mode(
    bouncer: str, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ENTRAIDE_DATABASE_URL": bouncer,
        "ENTRAIDE_BASE_URL": f"http://127.0.0.1:{port}",
        "ENTRAIDE_DATA_DIR": str(tmp_path),
        "ENTRAIDE_SECRET_KEY": "bouncer-secret-key-for-tests-only-0123456789",
        "ENTRAIDE_CONFIG": str(tmp_path / "absent.toml"),
        "ENTRAIDE_WORKER_IN_PROCESS": "false",
        "ENTRAIDE_LOG_LEVEL": "warning",
    }
    migrated = subprocess.run([ENTRAIDE, "migrate"], env=env, capture_output=True, timeout=120)
    assert migrated.returncode == 0, migrated.stderr.decode()
    server = start(
        [ENTRAIDE, "serve", "--host", "127.0.0.1", "--port", str(port), "--no-migrate"],
        env,
        f"http://127.0.0.1:{port}/health",
        timeout=60,
    )
    worker = subprocess.Popen(
        [ENTRAIDE, "worker", "--queues", "periodic,deliveries,inbox"],
        env=env,
        start_new_session=True,
        stderr=subprocess.PIPE,
    )
    try:
        # Many requests, several at once: each goes through pooled server connections.
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            for _ in range(20):
                assert client.get("/.well-known/nodeinfo").status_code == 200
            deadline = time.monotonic() + 30
            while True:  # the worker's heartbeat, written through the pooler, makes it ready
                ready = client.get("/ready")
                if ready.status_code == 200:
                    break
                assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
                assert time.monotonic() < deadline, ready.text
                time.sleep(0.3)
        rows = asyncio.run(_periodic_runs(bouncer))
        assert "expire_actions" in rows  # a periodic pass claimed its jobs through PgBouncer
    finally:
        stop(worker)  # type: ignore[arg-type]
        stop(server)
    assert b"prepared statement" not in (server.stderr.read() if server.stderr else b"")


async def _periodic_runs(url: str) -> set[str]:
    conn = await asyncpg.connect(url.split("?")[0].replace("postgres://", "postgresql://"))
    try:
        # A pooled connection: the simple query protocol, no prepared statement.
        rows = await conn.fetch("SELECT name FROM periodic_run", timeout=10)
    finally:
        await conn.close()
    return {row["name"] for row in rows}
