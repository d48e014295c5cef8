"""One node on three machines, made with network namespaces (``ip netns``, one bridge): a
PostgreSQL host (a throwaway cluster of Debian's ``initdb``/``pg_ctl`` listening on its own
address), two app hosts each running ``entraide serve`` and ``entraide worker`` on that database,
and nginx in the root namespace balancing between them. A member's public need fans out to 50
followers' inboxes (a counting inbox server in the test process, on the bridge address); the app
host sending it is killed with SIGKILL mid-way.

What holds is ActivityPub's usual guarantee: at-least-once sending, idempotent receivers. The
survivor takes the dead host's claimed rows over once their lease (``delivery_lease_seconds``,
3 s here) has run out, so nothing is lost; the posts that were in flight when the host died may
arrive twice, and a receiver counts an activity once by its ``id``. Each inbox ends up with
every activity exactly once, and the only repeats are of activities it had received before the
kill.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from node.db import migrate
from node.keys import ensure_instance_key, ensure_vapid_key
from node.models import DeliveryStatus
from node.settings import Settings
from tests.factories import action_body
from tests.fedprocs import ENTRAIDE, ROOT
from tests.migrated import migrations_key

pytestmark = pytest.mark.slow

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
IP = shutil.which("ip") or "/usr/sbin/ip"
FOLLOWERS = 50
DATABASE = "entraide_multihost"
APP_PORT = 8000
SECRET = "multihost-secret-key-for-tests-only-0123456789"
INBOX_DELAY = 0.3  # each inbox answers after this long, so the fan-out lasts a few seconds


def _postgres_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    assert versions, "Debian's postgresql package is needed (.ci/run installs it)"
    return versions[-1].parent


def _run(*args: str) -> None:
    done = subprocess.run(args, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, f"{' '.join(args)}: {done.stderr}"


@dataclass
class Network:
    """A bridge in the root namespace (``.1``) and one namespace per host (``.2``, ``.3`` …)."""

    prefix: str  # "10.213.N"
    bridge: str
    hosts: dict[str, str] = field(default_factory=dict)  # namespace → address

    @property
    def gateway(self) -> str:
        return f"{self.prefix}.1"

    def exec(self, namespace: str) -> list[str]:
        return [IP, "netns", "exec", namespace]


@contextmanager
def network(names: list[str]) -> Iterator[Network]:
    tag = os.getpid() % 10_000
    net = Network(prefix=f"10.213.{os.getpid() % 250}", bridge=f"mhbr{tag}")
    namespaces = [f"mh{tag}-{name}" for name in names]
    try:
        _run(IP, "link", "add", net.bridge, "type", "bridge")
        _run(IP, "addr", "add", f"{net.gateway}/24", "dev", net.bridge)
        _run(IP, "link", "set", net.bridge, "up")
        for number, namespace in enumerate(namespaces, start=2):
            outside, inside = f"mh{tag}h{number}", f"mh{tag}n{number}"
            address = f"{net.prefix}.{number}"
            _run(IP, "netns", "add", namespace)
            _run(IP, "link", "add", outside, "type", "veth", "peer", "name", inside)
            _run(IP, "link", "set", inside, "netns", namespace)
            _run(IP, "link", "set", outside, "master", net.bridge, "up")
            inner = net.exec(namespace)
            _run(*inner, IP, "addr", "add", f"{address}/24", "dev", inside)
            _run(*inner, IP, "link", "set", inside, "up")
            _run(*inner, IP, "link", "set", "lo", "up")
            net.hosts[namespace] = address
        yield net
    finally:
        for namespace in namespaces:
            pids = subprocess.run(
                [IP, "netns", "pids", namespace], capture_output=True, text=True
            ).stdout.split()
            for pid in pids:
                with suppress(ProcessLookupError):
                    os.kill(int(pid), signal.SIGKILL)
            # Deleting a namespace deletes its end of the veth pair, and with it the other end.
            subprocess.run([IP, "netns", "del", namespace], capture_output=True)
        subprocess.run([IP, "link", "del", net.bridge], capture_output=True)


@contextmanager
def postgres_host(net: Network, namespace: str) -> Iterator[str]:
    """A fresh cluster listening on the namespace's address; yields the node's database URL."""
    binaries = _postgres_bin()
    address = net.hosts[namespace]
    # initdb and the server refuse to run as root: the cluster belongs to the postgres user,
    # which must be able to reach its directory.
    work = Path(tempfile.mkdtemp(prefix="entraide-multihost-pg-"))
    work.chmod(0o755)
    data = work / "data"
    shutil.chown(work, "postgres", "postgres")
    as_postgres = ["runuser", "-u", "postgres", "--"]
    try:
        _run(
            *as_postgres,
            str(binaries / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        with (data / "pg_hba.conf").open("a") as hba:
            hba.write(f"host all all {net.prefix}.0/24 trust\n")
        options = (
            f"-c listen_addresses={address} -c port=5432 -c unix_socket_directories={work} "
            "-c fsync=off -c synchronous_commit=off -c max_connections=100"
        )
        _run(
            *net.exec(namespace),
            *as_postgres,
            str(binaries / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(work / "log"),
            "-w",
            "-t",
            "30",
            "start",
        )
        asyncio.run(_create_database(f"postgresql://postgres@{address}:5432/postgres"))
        yield f"postgres://postgres:postgres@{address}:5432/{DATABASE}"
    finally:
        subprocess.run(
            [*as_postgres, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=30,
        )
        shutil.rmtree(work, ignore_errors=True)


def _migrate(database_url: str) -> None:
    """Apply the migrations; the migrated schema is kept as a ``pg_dump`` named after a hash of
    the migrations (as :mod:`tests.migrated` keeps SQLite's), since replaying them takes 15-30 s
    on a loaded machine and loading the dump well under one."""
    url = database_url.replace("postgres://", "postgresql://")
    binaries = _postgres_bin()
    folder = Path(tempfile.gettempdir()) / "entraide-tests"
    folder.mkdir(exist_ok=True)
    dump = folder / f"multihost-{migrations_key()}-{binaries.parent.name}.sql"
    if dump.exists():
        _run(
            str(binaries / "psql"), "-q", "-X", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", str(dump)
        )
        return
    asyncio.run(migrate(database_url))
    partial = folder / f"multihost-{os.getpid()}.partial"
    _run(str(binaries / "pg_dump"), "--no-owner", "--no-privileges", "-d", url, "-f", str(partial))
    partial.replace(dump)


async def _create_database(admin_url: str) -> None:
    conn = await asyncpg.connect(admin_url, timeout=10)
    try:
        await conn.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await conn.close()


@dataclass
class Receipt:
    path: str
    activity_id: str
    sender: str  # the address the post came from: which app host sent it
    at: float


class Inboxes:
    """50 partner inboxes on one little HTTP server: a post needs a JSON body with an ``id``
    and a ``Signature`` header (present; not verified here); each is recorded, then answered
    202 after ``INBOX_DELAY``."""

    def __init__(self, address: str) -> None:
        self.receipts: list[Receipt] = []
        self.refused = 0
        lock = threading.Lock()
        inboxes = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    activity_id = str(json.loads(body)["id"])
                except (ValueError, KeyError, TypeError):
                    activity_id = ""
                with lock:
                    if not activity_id or "Signature" not in self.headers:
                        inboxes.refused += 1
                        status = 401
                    else:
                        inboxes.receipts.append(
                            Receipt(self.path, activity_id, self.client_address[0], time.time())
                        )
                        status = 202
                time.sleep(INBOX_DELAY)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        ThreadingHTTPServer.request_queue_size = 128  # two workers post 16 at a time each
        self.server = ThreadingHTTPServer((address, 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def snapshot(self) -> list[Receipt]:
        return list(self.receipts)

    def __enter__(self) -> Inboxes:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def nginx(root: Path, listen: int, upstreams: list[str]) -> Iterator[None]:
    """The project's ``deploy/nginx-entraide.conf`` in plain HTTP, its ``proxy_pass`` pointed at
    an upstream of the app hosts; a host that refuses connections is skipped (``max_fails``)."""
    block = (ROOT / "deploy" / "nginx-entraide.conf").read_text()
    replacements = {
        "listen 443 ssl http2;": f"listen 127.0.0.1:{listen};",
        "server_name entraide.example.org;": "server_name localhost;",
        "http://127.0.0.1:8000": "http://entraide",
    }
    for old, new in replacements.items():
        assert old in block, f"deploy/nginx-entraide.conf no longer has {old!r}"
        block = block.replace(old, new)
    block = "\n".join(line for line in block.splitlines() if "ssl_certificate" not in line)
    servers = "".join(f"    server {u} max_fails=1 fail_timeout=30s;\n" for u in upstreams)
    root.mkdir(parents=True, exist_ok=True)
    conf = root / "nginx.conf"
    conf.write_text(
        "user root;\ndaemon off;\nworker_processes 1;\n"
        f"pid {root}/nginx.pid;\nerror_log {root}/error.log warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        f"  access_log off;\n  client_body_temp_path {root}/body;\n"
        f"  proxy_temp_path {root}/proxy;\n"
        "  add_header X-Upstream $upstream_addr always;\n"  # which app host answered
        f"  upstream entraide {{\n{servers}  }}\n{block}\n}}\n"
    )
    check = subprocess.run(
        [NGINX, "-t", "-p", str(root), "-c", str(conf)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([NGINX, "-p", str(root), "-c", str(conf)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", listen)) == 0:
                    break
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, f"nginx does not listen on {listen}"
            time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class AppHost:
    namespace: str
    address: str
    serve: subprocess.Popen[bytes]
    worker: subprocess.Popen[bytes]

    def kill(self) -> None:
        """The machine dies: no signal handler, no lease released."""
        for process in (self.serve, self.worker):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _launch(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        args,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _start_apps(net: Network, data_dirs: dict[str, Path], env: dict[str, str]) -> list[AppHost]:
    """``entraide serve`` and ``entraide worker`` on each app host, all started at once."""
    hosts = []
    for namespace, data_dir in data_dirs.items():
        address = net.hosts[namespace]
        own = {
            **env,
            "ENTRAIDE_DATA_DIR": str(data_dir),
            "ENTRAIDE_CONFIG": str(data_dir / "absent.toml"),
        }
        inside = net.exec(namespace)
        serve = [ENTRAIDE, "serve", "--host", address, "--port", str(APP_PORT), "--no-migrate"]
        hosts.append(
            AppHost(
                namespace,
                address,
                _launch([*inside, *serve], own),
                _launch([*inside, ENTRAIDE, "worker", "--queues", "all"], own),
            )
        )
    deadline = time.monotonic() + 60
    for host in hosts:
        while True:
            for process in (host.serve, host.worker):
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                if httpx.get(f"http://{host.address}:{APP_PORT}/health", timeout=1).is_success:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"{host.namespace} does not answer"
            time.sleep(0.2)
    return hosts


def _seed(settings: Settings, inboxes: Inboxes, address: str) -> dict[str, str]:
    """A member (their token's headers) and 50 fediverse accounts following the node, written
    by a process of its own: Tortoise keeps each model's last query dialect, and earlier tests
    of this process may have left SQLite's (``?`` placeholders) on them."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.interop.multihost_seed",
            settings.model_dump_json(include={"base_url", "data_dir", "database_url"}),
            SECRET,
            f"{address}:{inboxes.port}",
            str(FOLLOWERS),
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    headers: dict[str, str] = json.loads(done.stdout.strip().splitlines()[-1])
    return headers


async def _outcome(database_url: str) -> tuple[dict[str, int], dict[str, str]]:
    """Deliveries by status, and the activities sent (id → type)."""
    conn = await asyncpg.connect(database_url.replace("postgres://", "postgresql://"), timeout=10)
    try:
        rows = await conn.fetch("SELECT status, count(*) AS n FROM delivery GROUP BY status")
        sent = await conn.fetch("SELECT ap_id, type FROM outbox_activity")
    finally:
        await conn.close()
    return {r["status"]: r["n"] for r in rows}, {r["ap_id"]: r["type"] for r in sent}


def test_a_fan_out_survives_an_app_host_killed_mid_way(tmp_path: Path) -> None:
    assert os.geteuid() == 0, "network namespaces need root (CI runs as root)"
    public_port = _free_port()
    base_url = f"http://127.0.0.1:{public_port}"
    with (
        network(["db", "app1", "app2"]) as net,
        postgres_host(net, next(n for n in net.hosts if n.endswith("-db"))) as database_url,
        Inboxes(net.gateway) as inboxes,
    ):
        data_dirs = {name: tmp_path / name for name in net.hosts if not name.endswith("-db")}
        common = {
            "PYTHONPATH": str(ROOT),
            "ENTRAIDE_DATABASE_URL": database_url,
            "ENTRAIDE_BASE_URL": base_url,
            "ENTRAIDE_SECRET_KEY": SECRET,
            "ENTRAIDE_FEDERATION_ALLOW_PRIVATE": "true",  # the inboxes are on 10.x
            "ENTRAIDE_WORKER_IN_PROCESS": "false",
            "ENTRAIDE_DELIVERY_LEASE_SECONDS": "3",
            "ENTRAIDE_WORKER_POLL_SECONDS": "0.2",
            "ENTRAIDE_TRUSTED_PROXIES": net.gateway,
            "ENTRAIDE_LOG_LEVEL": "warning",
        }
        settings = Settings(
            base_url=base_url,
            data_dir=next(iter(data_dirs.values())),
            secret_key=SECRET,
            database_url=database_url,
            federation_allow_private=True,
            worker_in_process=False,
        )
        _migrate(database_url)
        # Every machine of a node signs with the same instance key and the same Web Push key:
        # made once, copied to each (docs/operators.md).
        ensure_instance_key(settings)
        ensure_vapid_key(settings)
        for other in list(data_dirs.values())[1:]:
            shutil.copytree(settings.data_dir, other)
        headers = _seed(settings, inboxes, net.gateway)
        hosts = _start_apps(net, data_dirs, common)
        try:
            with (
                nginx(tmp_path / "nginx", public_port, [f"{h.address}:{APP_PORT}" for h in hosts]),
                httpx.Client(base_url=base_url, timeout=10) as client,
            ):
                # nginx balances: both app hosts answer.
                answered = set()
                for _ in range(6):
                    response = client.get("/health")
                    assert response.status_code == 200
                    answered.add(response.headers["x-upstream"])
                assert answered == {f"{h.address}:{APP_PORT}" for h in hosts}
                created = client.post("/api/v1/actions", json=action_body(), headers=headers)
                assert created.status_code == 201, created.text
                action = f"/api/v1/actions/{created.json()['id']}"

                # Mid-way: some inboxes have it, most do not; kill the host that is sending.
                deadline = time.monotonic() + 20
                while len(inboxes.snapshot()) < 10:
                    assert time.monotonic() < deadline, "the fan-out did not start"
                    time.sleep(0.02)
                sending = inboxes.snapshot()[0].sender
                victim = next(h for h in hosts if h.address == sending)
                survivor = next(h for h in hosts if h is not victim)
                victim.kill()
                killed_at = time.time()
                before_kill = inboxes.snapshot()
                assert len(before_kill) < 2 * FOLLOWERS, "the fan-out ended before the kill"

                # The node still answers through nginx, from the survivor.
                for _ in range(4):
                    response = client.get(action, headers=headers)
                    assert response.status_code == 200, response.text
                    # nginx may first try the dead host, then retries on the live one.
                    tried = response.headers["x-upstream"].split(", ")
                    assert tried[-1] == f"{survivor.address}:{APP_PORT}"

                # The survivor takes the dead host's rows over when their lease runs out.
                deadline = time.monotonic() + 30
                while True:
                    statuses, sent = asyncio.run(_outcome(database_url))
                    if statuses == {DeliveryStatus.DELIVERED.value: 2 * FOLLOWERS}:
                        break
                    assert survivor.worker.poll() is None, "the surviving worker exited"
                    assert time.monotonic() < deadline, statuses
                    time.sleep(0.3)
        finally:
            for host in hosts:
                for process in (host.serve, host.worker):
                    if process.poll() is None:
                        os.killpg(process.pid, signal.SIGTERM)
                        process.wait(timeout=10)

    # The need's Create (by the member) and the instance actor's Announce, to each follower.
    assert sorted(sent.values()) == ["Announce", "Create"]
    receipts = inboxes.snapshot()
    assert inboxes.refused == 0  # every post was signed and carried an id
    paths = {f"/users/{i}/inbox" for i in range(FOLLOWERS)}
    by_inbox: dict[str, list[str]] = {}
    for receipt in receipts:
        by_inbox.setdefault(receipt.path, []).append(receipt.activity_id)
    assert set(by_inbox) == paths  # no loss: all 50 inboxes were reached
    for ids in by_inbox.values():
        assert set(ids) == set(sent)  # each got both activities, deduplicated by id
    # Repeats come only from posts in flight on the dead host: a pair first received after the
    # kill is received once.
    first_seen: dict[tuple[str, str], Receipt] = {}
    repeats = []
    for receipt in receipts:
        key = (receipt.path, receipt.activity_id)
        if key in first_seen:
            repeats.append(first_seen[key])
        else:
            first_seen[key] = receipt
    assert len(first_seen) == 2 * FOLLOWERS
    early = {(r.path, r.activity_id) for r in before_kill}
    assert all((r.path, r.activity_id) in early for r in repeats)
    assert all(r.at <= killed_at for r in repeats)
    # After the kill, only the survivor sent.
    assert {r.sender for r in receipts if r.at > killed_at + 0.5} == {survivor.address}
