"""``entraide demo --nodes 3``: a small federation on one machine, to try it in one command.

Paris (a city node), Lyon (a city node) and Petits frères des pauvres (an association's node),
each an ``entraide serve`` process on its own port with its own data directory, demo data on
each (the street committee on Paris only), and partnerships from Paris to the two others
accepted (public needs, street outreach, calls). Needs already posted travel when a
partnership is accepted, so Lyon's home page shows Paris's needs at once. Ctrl-C stops the
three. Running it again reuses the data.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from node.demo import DEMO_PASSWORD, PEOPLE

SCOPES = ["public_needs", "outreach", "calls"]
PARTNERSHIPS = "/api/v1/admin/partnerships"


@dataclass(frozen=True)
class DemoNode:
    slug: str
    name: str
    kind: str  # city | association
    lat: float
    lon: float
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.port}"

    def env(self, root: Path) -> dict[str, str]:
        data = root / self.slug
        return {
            "ENTRAIDE_BASE_URL": self.url,
            "ENTRAIDE_DATA_DIR": str(data),
            "ENTRAIDE_DATABASE_URL": f"sqlite://{data / 'entraide.sqlite3'}",
            "ENTRAIDE_NODE_NAME": self.name,
            "ENTRAIDE_NODE_KIND": self.kind,
            "ENTRAIDE_AREA_LAT": str(self.lat),
            "ENTRAIDE_AREA_LON": str(self.lon),
            # Three nodes on one machine talk plain HTTP to 127.0.0.1 (demo only).
            "ENTRAIDE_FEDERATION_ALLOW_PRIVATE": "true",
            "ENTRAIDE_SMS_BACKEND": f"file:{data / 'sms.jsonl'}",
            "ENTRAIDE_MAIL_BACKEND": f"file:{data / 'mail.jsonl'}",
            "ENTRAIDE_CONFIG": str(data / "entraide.toml"),
        }


def demo_nodes(first_port: int) -> list[DemoNode]:
    return [
        DemoNode("paris", "Entraide Paris", "city", 48.8566, 2.3522, first_port),
        DemoNode("lyon", "Entraide Lyon", "city", 45.7640, 4.8357, first_port + 1),
        DemoNode(
            "pfp", "Petits frères des pauvres", "association", 48.8600, 2.3800, first_port + 2
        ),
    ]


def _entraide() -> str:
    beside = Path(sys.executable).with_name("entraide")
    return str(beside) if beside.exists() else shutil.which("entraide") or "entraide"


class DemoError(RuntimeError):
    """The demo network could not start; ``str()`` says which node and why."""


def _wait_until(check: Callable[[], Any], what: str, within: float = 60) -> Any:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.3)
    raise DemoError(f"{what}: not within {within:.0f} s")


class Network:
    """The three processes: start, federate, stop."""

    def __init__(self, root: Path, first_port: int, echo: Callable[[str], None]) -> None:
        self.root = root
        self.nodes = demo_nodes(first_port)
        self.echo = echo
        self.processes: list[subprocess.Popen[bytes]] = []
        self.client = httpx.Client(timeout=10)

    def _env(self, node: DemoNode) -> dict[str, str]:
        return {**os.environ, **node.env(self.root)}

    def _database(self, node: DemoNode) -> Path:
        return self.root / node.slug / "entraide.sqlite3"

    def migrate_once(self) -> None:
        """Three new nodes: migrate one database and copy it to the other two.

        Tortoise replays every migration for each new database (15-30 s of CPU on a small
        machine); three at once on two cores took over a minute, and the three schemas are the
        same. The copy goes through SQLite's online backup, whole and consistent."""
        first, *others = self.nodes
        if any(self._database(node).exists() for node in self.nodes):
            return  # an earlier demo: each node migrates its own at start-up
        for node in self.nodes:
            (self.root / node.slug).mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [_entraide(), "migrate"], env=self._env(first), capture_output=True, check=False
        )
        if done.returncode != 0:
            raise DemoError(f"{first.name}: migrations failed: {done.stderr.decode()[-500:]}")
        with closing(sqlite3.connect(self._database(first))) as source:
            for node in others:
                with closing(sqlite3.connect(self._database(node))) as target:
                    source.backup(target)

    def seed(self) -> None:
        """``entraide demo --if-empty`` on the three nodes at once."""
        self.migrate_once()
        running = []
        for node in self.nodes:
            (self.root / node.slug).mkdir(parents=True, exist_ok=True)
            # Paris has the demo's street committee; on Lyon and the association's node the
            # admins decide alone, so that they can accept Paris's request at once (with a
            # committee, accepting opens a vote of several days: docs/committee.md).
            extra = [] if node.slug == "paris" else ["--without-committee"]
            running.append(
                subprocess.Popen(
                    [_entraide(), "demo", "--if-empty", *extra],
                    env=self._env(node),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            )
        for node, process in zip(self.nodes, running, strict=True):
            _, errors = process.communicate(timeout=300)
            if process.returncode != 0:
                raise DemoError(f"{node.name}: demo data failed: {errors.decode()[-500:]}")

    def start(self) -> None:
        for node in self.nodes:
            log = (self.root / node.slug / "serve.log").open("ab")
            self.processes.append(
                subprocess.Popen(
                    [_entraide(), "serve", "--host", "127.0.0.1", "--port", str(node.port)],
                    env=self._env(node),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        for node, process in zip(self.nodes, self.processes, strict=True):

            def ready(node: DemoNode = node, process: subprocess.Popen[bytes] = process) -> bool:
                if process.poll() is not None:
                    raise DemoError(
                        f"{node.name} stopped; see {self.root / node.slug / 'serve.log'}"
                    )
                try:
                    return self.client.get(f"{node.url}/health").status_code == 200
                except httpx.HTTPError:
                    return False

            _wait_until(ready, f"{node.name} did not answer on {node.url}")

    def _admin(self, node: DemoNode) -> dict[str, str]:
        admin = next(person for person in PEOPLE if person.admin)
        response = self.client.post(
            f"{node.url}/api/v1/auth/token",
            json={"phone": admin.phone, "password": DEMO_PASSWORD},
        )
        if response.status_code != 200:
            raise DemoError(f"{node.name}: the demo admin cannot log in ({response.status_code})")
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def _partnerships(self, node: DemoNode, headers: dict[str, str]) -> list[dict[str, Any]]:
        response = self.client.get(f"{node.url}{PARTNERSHIPS}", headers=headers)
        response.raise_for_status()
        return list(response.json()["items"])

    def federate(self) -> None:
        """Paris asks Lyon and the association's node; they accept. Already done: skipped."""
        paris, *others = self.nodes
        paris_admin = self._admin(paris)
        for other in others:
            current = [
                p
                for p in self._partnerships(paris, paris_admin)
                if p["remote_domain"] == other.domain and p["status"] in ("pending", "accepted")
            ]
            if any(p["status"] == "accepted" for p in current):
                continue
            if not current:
                asked = self.client.post(
                    f"{paris.url}{PARTNERSHIPS}",
                    headers=paris_admin,
                    json={
                        "target": other.domain,
                        "scopes": SCOPES,
                        "message": "Bonjour ! Partageons nos demandes et nos maraudes.",
                    },
                )
                if asked.status_code != 201:
                    raise DemoError(f"Paris could not ask {other.name}: {asked.text[:300]}")
            other_admin = self._admin(other)

            def pending(other: DemoNode = other, headers: dict[str, str] = other_admin) -> Any:
                return next(
                    (
                        p
                        for p in self._partnerships(other, headers)
                        if p["remote_domain"] == paris.domain and p["status"] == "pending"
                    ),
                    None,
                )

            incoming = _wait_until(pending, f"{other.name} did not receive Paris's request")
            accepted = self.client.post(
                f"{other.url}{PARTNERSHIPS}/{incoming['id']}/accept", headers=other_admin
            )
            if accepted.status_code >= 300:
                raise DemoError(f"{other.name} could not accept: {accepted.text[:300]}")

            def done(other: DemoNode = other) -> bool:
                return any(
                    p["remote_domain"] == other.domain and p["status"] == "accepted"
                    for p in self._partnerships(paris, paris_admin)
                )

            _wait_until(done, f"Paris did not learn that {other.name} accepted")

    def stop(self, grace: float = 10) -> None:
        """SIGTERM to the three at once; those still running after ``grace`` seconds (all
        together, not each) are killed."""
        self.client.close()  # our own keep-alive connections would hold their shutdown
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def summary(self) -> str:
        admin = next(person for person in PEOPLE if person.admin)
        lines = ["", "Three nodes are running and federate with each other:"]
        lines += [f"  {node.name:<28} {node.url}/" for node in self.nodes]
        lines += [
            "",
            f"On each, log in with a demo phone and the password {DEMO_PASSWORD!r}:",
            f"  {admin.phone}  {admin.pseudonym} (admin)",
        ]
        lines += [f"  {p.phone}  {p.pseudonym}" for p in PEOPLE if not p.admin]
        lines += [
            "",
            f"{self.nodes[0].name} has a street committee (Marc facilitates): a partnership it",
            "accepts or ends, a block, an association's approval wait for its vote.",
            f"Data and logs: {self.root}/. Ctrl-C stops the three nodes.",
        ]
        return "\n".join(lines)


def run_network(root: Path, first_port: int, echo: Callable[[str], None]) -> None:
    """Seed, start and federate the three nodes, then wait for Ctrl-C (or SIGTERM)."""
    network = Network(root, first_port, echo)
    stopping = False

    def _stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = signal.signal(signal.SIGTERM, _stop)
    # Ctrl-C stops the demo even when the parent started it with SIGINT ignored (a disposition
    # that children inherit: a shell's background job, a test runner's worker).
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        echo("Seeding the demo data of the three nodes…")
        network.seed()
        echo("Starting the three nodes…")
        network.start()
        echo("Asking for and accepting the partnerships…")
        network.federate()
        echo(network.summary())
        while not stopping:
            time.sleep(0.5)
            for node, process in zip(network.nodes, network.processes, strict=True):
                if process.poll() is not None:
                    raise DemoError(f"{node.name} stopped; see {root / node.slug / 'serve.log'}")
    except KeyboardInterrupt:
        pass
    finally:
        echo("Stopping the three nodes…")
        network.stop()
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)
