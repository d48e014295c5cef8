"""Fan-out of one public need to 200 inboxes on 127.0.0.1 through the node's durable delivery
(rows claimed, signed, posted, recorded) against plain signed httpx posting from one process in
the same run (goal ≥ 60 %); then the memory of 10k queued deliveries.

    .venv/bin/python bench/bench_fanout.py [--inboxes 200] [--rounds 3] [--database-url …]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tortoise.transactions import in_transaction  # noqa: E402

from bench.bench_delivery import free_port, start_receiver  # noqa: E402
from federation import build, objects  # noqa: E402
from federation.client import AP_MEDIA_TYPE  # noqa: E402
from node import clock, iris  # noqa: E402
from node.app import create_app  # noqa: E402
from node.db import migrate  # noqa: E402
from node.fed.client import signing_auth, signing_client  # noqa: E402
from node.fed.delivery import CONCURRENCY, send_due  # noqa: E402
from node.fed.outbox import publish  # noqa: E402
from node.models import Delivery, DeliveryStatus, RemoteActor  # noqa: E402
from node.settings import Settings  # noqa: E402
from node.state import NodeState  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def make_actors(port: int, n: int, prefix: str) -> list[RemoteActor]:
    now = clock.now()
    await RemoteActor.bulk_create(
        [
            RemoteActor(
                ap_id=f"http://127.0.0.1:{port}/{prefix}/{i}",
                type="Person",
                domain=f"127.0.0.1:{port}",
                inbox=f"http://127.0.0.1:{port}/{prefix}/{i}/inbox",
                fetched_at=now,
            )
            for i in range(n)
        ]
    )
    return await RemoteActor.filter(ap_id__startswith=f"http://127.0.0.1:{port}/{prefix}/")


def need(settings: Settings) -> dict[str, object]:
    actor = iris.instance_actor_iri(settings)
    obj = objects.note(
        id=f"{settings.base_url}/actions/x",
        attributed_to=actor,
        content="<p>Besoin : chaussures pointure 43</p>" + "x" * 1500,
    )
    return build.create(
        id=iris.new_activity_iri(settings),
        actor=actor,
        object=obj,
        to=["https://www.w3.org/ns/activitystreams#Public"],
    )


async def baseline(node: NodeState, urls: list[str], activity: dict[str, object]) -> float:
    body = json.dumps(activity).encode()
    auth = signing_auth(node, offload=True)
    queue = list(urls)
    start = time.perf_counter()

    async def worker() -> None:
        async with signing_client(node, offload=True) as client:
            while queue:
                response = await client.post(
                    queue.pop(), content=body, headers={"Content-Type": AP_MEDIA_TYPE}, auth=auth
                )
                assert response.status_code == 202

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return time.perf_counter() - start


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inboxes", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--queued", type=int, default=10_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-fanout-"))
    port = free_port()
    receiver = start_receiver(port, tmp)
    try:
        settings = Settings(
            base_url="http://bench.test",
            data_dir=tmp,
            secret_key="bench-" + "x" * 40,
            database_url=args.database_url or f"sqlite://{tmp / 'node.sqlite3'}",
            federation_allow_private=True,
            worker_in_process=False,
        )
        await migrate(settings.database_url)
        node = create_app(settings).node
        await node.db.open()
        with node.db.activate():
            await Delivery.all().delete()
            await RemoteActor.all().delete()
            actors = await make_actors(port, args.inboxes, "u")
            for r in range(args.rounds):
                activity = need(settings)
                async with in_transaction():
                    await publish(node, activity, to=actors, public=True)
                start = time.perf_counter()
                while await send_due(node, limit=500):
                    pass
                node_s = time.perf_counter() - start
                delivered = await Delivery.filter(status=DeliveryStatus.DELIVERED).count()
                assert delivered == args.inboxes * (r + 1), delivered
                # Baseline: the same posts, signed, same concurrency, no database.
                base_s = await baseline(node, [a.inbox for a in actors], activity)
                node_rate, base_rate = args.inboxes / node_s, args.inboxes / base_s
                print(
                    f"round {r + 1}: node {node_rate:.0f} deliveries/s, plain signed httpx "
                    f"{base_rate:.0f}/s, ratio {node_rate / base_rate:.1%}"
                )
            before = rss_mb()
            many = await make_actors(port, args.queued, "q")
            async with in_transaction():
                await publish(node, need(settings), to=many, public=True)
            queued = await Delivery.filter(status=DeliveryStatus.QUEUED).count()
            print(
                f"{queued} queued deliveries: RSS {before:.0f} → {rss_mb():.0f} MB "
                "(rows live in the database, not in memory)"
            )
        await node.db.close()
    finally:
        receiver.terminate()
        receiver.wait()


if __name__ == "__main__":
    asyncio.run(main())
