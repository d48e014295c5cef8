"""Inbox ingestion (issue 4): signed ``Create(Proposal)`` requests from a load client, verified,
stored and processed by ``entraide serve`` (Granian, in-process worker) per second, on SQLite and
PostgreSQL, against a ceiling measured in the same run (goal ≥ 50 %).

    .venv/bin/python -m bench.bench_inbox [--requests 3000] [--seconds 10] [--rounds 3]
        [--clients 3 --per-client 8] [--databases sqlite,postgres] [--pg-url postgres://…]
        [--separate-worker]

Processes, all on 127.0.0.1:

* a sender actor server (a raw ASGI app under Uvicorn) serving the sender's instance actor with
  its RSA-2048 ``publicKey``; the node fetches it on the first request and caches it;
* the node: ``entraide serve`` (with ``--separate-worker``: serving HTTP only, beside an
  ``entraide worker`` process) on a fresh database (a temp SQLite file, or a PostgreSQL database
  dropped and created), where an accepted partnership with scope ``public_needs`` for the
  sender's domain is written before start, so each ``Create(Proposal)`` becomes a remote action;
* the ceiling: :data:`ceiling_app`, a tiny Quart app of this file under Granian (one worker, as
  ``entraide serve``) whose one route does exactly the inbox's checks up to and including the
  signature verification (size, content type, body, ``verify_request`` with an in-memory key)
  and answers 202 without storing. It is a separate process rather than a route of the node
  so that nothing bench-only is mounted in the node's app; node and ceiling run one after the
  other, never together, so each has the machine to itself.

The load client signs every request before the clock starts (distinct activity ids, fresh
``Date``), then sends them with several ``httpx.AsyncClient`` (each with at most
``--per-client`` requests in flight) for at most ``--requests`` requests or ``--seconds``.
"accepted/s" counts 202 answers per second of sending; "processed/s" counts rows the worker
marked done per second from the first send to the last ``processed_at`` (end to end).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from quart import Quart, Response, request

from federation import PublicKeyInfo, SigningAuth, build, objects, verify_request
from federation.client import AP_MEDIA_TYPE
from federation.errors import VerificationError
from federation.keys import PrivateKey, PublicKey, load_public_key_pem
from federation.vocab import ActionCategory, ActionKind, PartnershipScope

ROOT = Path(__file__).resolve().parents[1]
ENTRAIDE = str(Path(sys.executable).parent / "entraide")
GOAL = 0.5
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


# --- the ceiling: verification only, under Granian ------------------------------------------

ceiling_app = Quart("bench_inbox_ceiling")
_ceiling_key: PublicKeyInfo | None = None


def _key_info() -> PublicKeyInfo:
    global _ceiling_key
    if _ceiling_key is None:
        pem = Path(os.environ["BENCH_INBOX_PUBLIC_PEM"]).read_text()
        _ceiling_key = PublicKeyInfo(
            os.environ["BENCH_INBOX_KEY_ID"],
            os.environ["BENCH_INBOX_OWNER"],
            load_public_key_pem(pem),
        )
    return _ceiling_key


async def _resolve_in_memory(key_id: str, refresh: bool) -> PublicKeyInfo | None:
    info = _key_info()
    return info if key_id == info.key_id else None


@ceiling_app.post("/inbox")
async def ceiling_inbox() -> Response:
    """The node's ``receive`` up to the verified signature (node/fed/inbox.py), then 202."""
    from node import clock
    from node.fed.inbox import ap_content_type, http_request, problem

    cap = 1_000_000
    length = request.content_length
    if length is not None and length > cap:
        return problem(413, "too large")
    if not ap_content_type(request.headers.get("Content-Type")):
        return problem(415, "bad content type")
    body = await request.get_data(cache=False, as_text=False)
    assert isinstance(body, bytes)
    try:
        await verify_request(http_request(body), _resolve_in_memory, now=clock.now())
    except VerificationError as exc:
        return problem(exc.status, f"Signature refused: {exc}", exc.reason)
    return Response("", status=202)


@ceiling_app.get("/ready")
async def ceiling_ready() -> Response:
    return Response("ok")


def serve_ceiling(port: int) -> None:
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    Server(
        "bench.bench_inbox:ceiling_app",
        address="127.0.0.1",
        port=port,
        interface=Interfaces.ASGI,
        workers=1,
        log_level=LogLevels.warning,
    ).serve()


# --- the sender's actor server ---------------------------------------------------------------


def serve_actor(port: int, document_path: Path) -> None:
    import uvicorn

    document = document_path.read_bytes()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        status, body = (200, document) if scope["path"] == "/actor" else (404, b"{}")
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", AP_MEDIA_TYPE.encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


# --- the load client -------------------------------------------------------------------------


@dataclass
class Sender:
    base: str  # http://127.0.0.1:PORT
    key: PrivateKey

    @property
    def actor(self) -> str:
        return f"{self.base}/actor"

    @property
    def key_id(self) -> str:
        return f"{self.actor}#main-key"

    @property
    def domain(self) -> str:
        return urlsplit(self.base).netloc


def activity(sender: Sender, tag: str, i: int) -> dict[str, Any]:
    obj = objects.proposal(
        id=f"{sender.base}/actions/{tag}-{i}",
        attributed_to=sender.actor,
        kind=ActionKind.NEED,
        name=f"Besoin n°{i} : aide pour porter des courses",
        content="<p>Je cherche quelqu'un pour m'aider à monter mes courses au 4e étage, "
        "le samedi matin de préférence. Merci d'avance !</p>",
        category=ActionCategory.FOOD,
        location=objects.place(latitude=48.85 + (i % 100) / 1000, longitude=2.35),
    )
    return build.create(id=f"{sender.base}/activities/{tag}-{i}", actor=sender.actor, object=obj)


def signed_requests(sender: Sender, target: str, tag: str, n: int) -> list[httpx.Request]:
    """``n`` distinct signed POSTs to ``target`` (signing is done here, before any clock)."""
    auth = SigningAuth(sender.key_id, sender.key)
    out = []
    for i in range(n):
        body = json.dumps(activity(sender, tag, i), separators=(",", ":")).encode()
        req = httpx.Request("POST", target, content=body, headers={"Content-Type": AP_MEDIA_TYPE})
        auth.sign(req)
        out.append(req)
    return out


@dataclass
class Load:
    statuses: Counter[int]
    seconds: float  # first send → last answer
    started_wall: dt.datetime

    @property
    def accepted(self) -> int:
        return self.statuses[202]

    @property
    def rate(self) -> float:
        return self.accepted / self.seconds


async def send_all(
    requests: list[httpx.Request], clients: int, per_client: int, max_seconds: float
) -> Load:
    pending = list(reversed(requests))
    statuses: Counter[int] = Counter()
    started_wall = dt.datetime.now(dt.UTC)
    start = time.perf_counter()
    last = start

    async def lane(client: httpx.AsyncClient) -> None:
        nonlocal last
        while pending and time.perf_counter() - start < max_seconds:
            response = await client.send(pending.pop())
            statuses[response.status_code] += 1
            last = time.perf_counter()

    limits = httpx.Limits(max_connections=per_client, max_keepalive_connections=per_client)
    pool = [httpx.AsyncClient(limits=limits, timeout=60) for _ in range(clients)]
    try:
        await asyncio.gather(*(lane(c) for c in pool for _ in range(per_client)))
    finally:
        for client in pool:
            await client.aclose()
    return Load(statuses, last - start, started_wall)


# --- processes and databases -----------------------------------------------------------------


def start(args: list[str], env: dict[str, str], ready: str) -> subprocess.Popen[bytes]:
    from bench.procs import start as start_process

    return start_process(args, {**env, "PYTHONPATH": str(ROOT)}, ready, timeout=60)


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """``entraide worker`` (polling every 0.2 s: ``wake`` reaches only its own process)."""
    return subprocess.Popen(
        [ENTRAIDE, "worker", "--interval", "0.2"],
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )


async def prepare_database(url: str) -> None:
    """A fresh PostgreSQL database (``entraide serve`` migrates it); SQLite starts from no file."""
    if url.startswith("postgres"):
        import asyncpg  # type: ignore[import-untyped]

        parts = urlsplit(url)
        name = parts.path.lstrip("/")
        admin = await asyncpg.connect(urlunsplit(parts._replace(scheme="postgresql", path="/")))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()


async def add_partner(url: str, sender: Sender) -> None:
    """An accepted ``public_needs`` partnership with the sender's domain, written as plain SQL
    (Tortoise cannot serve SQLite and PostgreSQL in one process: its query builders are global).
    Nothing has read partnerships yet when it is written (the node caches them for 10 s once
    read, node.caches), so the first activity already sees it."""
    now = dt.datetime.now(dt.UTC)
    row = (
        str(uuid.uuid4()),
        sender.domain,
        sender.domain,
        sender.actor,
        "outgoing",
        PartnershipScope.PUBLIC_NEEDS.value,
        "",
        "accepted",
        f"http://bench.invalid/offers/{uuid.uuid4()}",
        f"http://bench.invalid/partnerships/{uuid.uuid4()}",
    )
    columns = (
        "id, remote_domain, active_domain, remote_actor_iri, direction, scopes, message, "
        "status, offer_activity_id, object_iri, created_at, decided_at"
    )
    if url.startswith("postgres"):
        import asyncpg

        conn = await asyncpg.connect(urlunsplit(urlsplit(url)._replace(scheme="postgresql")))
        try:
            marks = ", ".join(f"${i}" for i in range(1, 13))
            await conn.execute(
                f"INSERT INTO partnership ({columns}) VALUES ({marks})",
                uuid.UUID(row[0]),
                *row[1:],
                now,
                now,
            )
        finally:
            await conn.close()
    else:
        with sqlite3.connect(url.removeprefix("sqlite://"), timeout=10) as conn:
            conn.execute(
                f"INSERT INTO partnership ({columns}) VALUES ({', '.join('?' * 12)})",
                (*row, now.isoformat(), now.isoformat()),
            )
        conn.close()


@dataclass
class Progress:
    statuses: dict[str, int]
    last_processed: dt.datetime | None
    actions: int

    @property
    def open(self) -> int:
        return self.statuses.get("queued", 0) + self.statuses.get("processing", 0)


async def progress(url: str, domain: str) -> Progress:
    by_status = "SELECT status, count(*), max(processed_at) FROM inbox_item GROUP BY status"
    if url.startswith("postgres"):
        import asyncpg  # type: ignore[import-untyped]

        conn = await asyncpg.connect(urlunsplit(urlsplit(url)._replace(scheme="postgresql")))
        try:
            rows = [tuple(r) for r in await conn.fetch(by_status)]
            actions = await conn.fetchval(
                "SELECT count(*) FROM action WHERE origin_domain = $1", domain
            )
        finally:
            await conn.close()
    else:

        def read() -> tuple[list[tuple[Any, ...]], int]:
            with sqlite3.connect(url.removeprefix("sqlite://"), timeout=5) as conn:
                found = conn.execute(by_status).fetchall()
                count = conn.execute(
                    "SELECT count(*) FROM action WHERE origin_domain = ?", (domain,)
                ).fetchone()[0]
            conn.close()
            return found, int(count)

        rows, actions = await asyncio.to_thread(read)
    latest: dt.datetime | None = None
    for _, _, when in rows:
        if isinstance(when, str):
            when = dt.datetime.fromisoformat(when)
        if when is not None and (latest is None or when > latest):
            latest = when
    return Progress({str(s): int(c) for s, c, _ in rows}, latest, int(actions))


async def drain(url: str, domain: str, within: float) -> Progress:
    deadline = time.monotonic() + within
    while True:
        now = await progress(url, domain)
        if now.open == 0 or time.monotonic() > deadline:
            return now
        await asyncio.sleep(0.2)


def profiler(out_dir: Path, pid: int, url: str) -> subprocess.Popen[bytes]:
    """py-spy (not a project dependency: ``.venv/bin/pip install py-spy``) sampling the node's
    process tree, folded stacks written to ``out_dir`` when interrupted."""
    out_dir.mkdir(parents=True, exist_ok=True)
    name = "postgres" if url.startswith("postgres") else "sqlite"
    spy = str(Path(sys.executable).parent / "py-spy")
    out = out_dir / f"inbox-{name}-{int(time.time())}.txt"
    args = [spy, "record", "-p", str(pid), "--subprocesses", "--gil", "-r", "250", "-f", "raw"]
    process = subprocess.Popen([*args, "-o", str(out)], stdout=subprocess.DEVNULL)
    time.sleep(1)  # attached before the load starts
    return process


# --- one round -------------------------------------------------------------------------------


@dataclass
class Round:
    ceiling: float
    accepted: float
    processed: float
    backlog: int  # rows not yet processed when the last request was answered
    statuses: dict[str, int]


async def measure_ceiling(args: argparse.Namespace, sender: Sender, env: dict[str, str]) -> float:
    from bench.procs import free_port, stop

    port = free_port()
    proc = start(
        [sys.executable, "-m", "bench.bench_inbox", "--serve-ceiling", str(port)],
        env,
        f"http://127.0.0.1:{port}/ready",
    )
    try:
        target = f"http://127.0.0.1:{port}/inbox"
        await send_all(signed_requests(sender, target, "warm", 50), 1, 4, 30)
        load = await send_all(
            signed_requests(sender, target, uuid.uuid4().hex[:8], args.requests),
            args.clients,
            args.per_client,
            args.seconds,
        )
    finally:
        stop(proc)
    if set(load.statuses) != {202}:
        raise RuntimeError(f"ceiling answered {dict(load.statuses)}")
    return load.rate


async def measure_node(args: argparse.Namespace, sender: Sender, url: str, tmp: Path) -> Round:
    from bench.procs import free_port, stop

    await prepare_database(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        "ENTRAIDE_BASE_URL": base,
        "ENTRAIDE_DATA_DIR": str(tmp),
        "ENTRAIDE_DATABASE_URL": url,
        "ENTRAIDE_SECRET_KEY": "bench-" + "x" * 40,
        "ENTRAIDE_FEDERATION_ALLOW_PRIVATE": "true",
        "ENTRAIDE_WORKER_IN_PROCESS": "false" if args.separate_worker else "true",
        "ENTRAIDE_SMS_BACKEND": f"file:{tmp / 'sms.jsonl'}",
        "ENTRAIDE_MAIL_BACKEND": f"file:{tmp / 'mail.jsonl'}",
        "ENTRAIDE_CONFIG": str(tmp / "absent.toml"),
        "ENTRAIDE_LOG_LEVEL": "warning",
    }
    proc = start(
        [ENTRAIDE, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env,
        f"{base}/.well-known/nodeinfo",
    )
    worker: subprocess.Popen[bytes] | None = None
    try:
        await add_partner(url, sender)
        if args.separate_worker:  # started once serve has migrated the database
            worker = start_worker(env)
        target = f"{base}/inbox"
        # Warm-up (not measured): the first request fetches and caches the sender's key.
        warm = signed_requests(sender, target, "warm", 50)
        first = await send_all(warm[:1], 1, 1, 30)
        rest = await send_all(warm[1:], 1, 4, 30)
        if first.accepted + rest.accepted != len(warm):
            raise RuntimeError(f"warm-up answered {dict(first.statuses + rest.statuses)}")
        warmed = await drain(url, sender.domain, 60)
        if warmed.open or warmed.statuses.get("done") != len(warm):
            raise RuntimeError(f"warm-up not processed: {warmed.statuses}")
        requests = signed_requests(sender, target, uuid.uuid4().hex[:8], args.requests)
        spy = profiler(args.profile, proc.pid, url) if args.profile else None
        try:
            load = await send_all(requests, args.clients, args.per_client, args.seconds)
            backlog = (await progress(url, sender.domain)).open
            done = await drain(url, sender.domain, args.drain_timeout)
        finally:
            if spy is not None:
                spy.send_signal(signal.SIGINT)
                spy.wait(timeout=60)
    finally:
        if worker is not None:
            stop(worker)
        stop(proc)
    if set(load.statuses) != {202}:
        raise RuntimeError(f"node answered {dict(load.statuses)}")
    processed = done.statuses.get("done", 0) - len(warm)
    if processed != load.accepted or done.actions != done.statuses.get("done"):
        raise RuntimeError(f"not all processed: {done.statuses}, {done.actions} actions")
    assert done.last_processed is not None
    end_to_end = (done.last_processed - load.started_wall).total_seconds()
    return Round(0.0, load.rate, processed / end_to_end, backlog, done.statuses)


# --- main ------------------------------------------------------------------------------------


def fmt(values: list[float]) -> str:
    return f"{statistics.median(values):6.0f} ({min(values):.0f}–{max(values):.0f})"


async def main(args: argparse.Namespace) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from bench.procs import free_port, stop

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public: PublicKey = key.public_key()
    actor_port = free_port()
    sender = Sender(f"http://127.0.0.1:{actor_port}", key)
    results: dict[str, list[Round]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-inbox-") as root:
        tmp = Path(root)
        pem = tmp / "public.pem"
        pem.write_bytes(
            public.public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        document = build.actor(
            id=sender.actor,
            type="Application",
            preferred_username=sender.domain,
            inbox=f"{sender.base}/inbox",
            outbox=f"{sender.base}/outbox",
            followers=f"{sender.base}/followers",
            shared_inbox=f"{sender.base}/inbox",
            key=public,
            name="Bench sender",
        )
        (tmp / "actor.json").write_text(json.dumps(document))
        env = {
            "BENCH_INBOX_PUBLIC_PEM": str(pem),
            "BENCH_INBOX_KEY_ID": sender.key_id,
            "BENCH_INBOX_OWNER": sender.actor,
        }
        actor_proc = start(
            [
                sys.executable,
                "-m",
                "bench.bench_inbox",
                "--serve-actor",
                str(actor_port),
                str(tmp / "actor.json"),
            ],
            env,
            f"{sender.actor}",
        )
        try:
            for database in args.databases.split(","):
                results[database] = []
                for r in range(args.rounds):
                    data_dir = tmp / f"{database}-{r}"
                    data_dir.mkdir()
                    url = (
                        args.pg_url
                        if database == "postgres"
                        else f"sqlite://{data_dir / 'node.sqlite3'}"
                    )
                    ceiling = await measure_ceiling(args, sender, env)
                    outcome = await measure_node(args, sender, url, data_dir)
                    outcome.ceiling = ceiling
                    results[database].append(outcome)
                    print(
                        f"{database} round {r + 1}: ceiling {ceiling:.0f}/s, accepted "
                        f"{outcome.accepted:.0f}/s ({outcome.accepted / ceiling:.0%}), "
                        f"accepted+processed {outcome.processed:.0f}/s "
                        f"({outcome.processed / ceiling:.0%}), backlog at end of sending "
                        f"{outcome.backlog}, rows {outcome.statuses}",
                        flush=True,
                    )
        finally:
            stop(actor_proc)
    c = args.clients * args.per_client
    setup = "separate `entraide worker`" if args.separate_worker else "in-process worker"
    print(
        f"\ninbox ingestion ({setup}): signed Create(Proposal), {args.requests} requests or "
        f"{args.seconds:g} s, {args.clients} clients × {args.per_client} in flight (c={c}), "
        f"median (range) of {args.rounds} rounds"
    )
    print(
        f"  {'database':<9} {'ceiling/s':>18} {'accepted/s':>18} {'ratio':>6} "
        f"{'acc+processed/s':>18} {'ratio':>6}  (goal ≥ {GOAL:.0%})"
    )
    for database, rounds in results.items():
        ceilings = [r.ceiling for r in rounds]
        accepted = [r.accepted for r in rounds]
        processed = [r.processed for r in rounds]
        ratio_a = statistics.median(r.accepted / r.ceiling for r in rounds)
        ratio_p = statistics.median(r.processed / r.ceiling for r in rounds)
        print(
            f"  {database:<9} {fmt(ceilings):>18} {fmt(accepted):>18} {ratio_a:>6.0%} "
            f"{fmt(processed):>18} {ratio_p:>6.0%}"
        )
    print(f"  load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--per-client", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--drain-timeout", type=float, default=180)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get(
            "ENTRAIDE_BENCH_PG_URL",
            "postgres://postgres:postgres@127.0.0.1:5432/entraide_bench_inbox",
        ),
    )
    parser.add_argument("--profile", type=Path, help="py-spy folded stacks of the node here")
    parser.add_argument(
        "--separate-worker",
        action="store_true",
        help="serve HTTP only and run `entraide worker` as its own process (default: the "
        "in-process worker of `serve`)",
    )
    parser.add_argument("--serve-ceiling", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve-actor", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_ceiling:
        serve_ceiling(args.serve_ceiling)
    elif args.serve_actor:
        serve_actor(int(args.serve_actor[0]), Path(args.serve_actor[1]))
    else:
        asyncio.run(main(args))


if __name__ == "__main__":
    cli()
