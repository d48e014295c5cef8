"""Notifications: (1) enqueueing the notifications of one event for 10,000 members (preferences
read, channels chosen, rows written) against a bulk insert of the same rows in the same run
(goal ≥ 50 %); (2) Web Push to 1,000 subscriptions through the node's durable path (claimed
rows, RFC 8291 encryption, VAPID, POST, row marked) against raw encrypt-and-POST with the same
libraries and concurrency in the same run (goal ≥ 60 %), with the push service (answering 2xx)
in a separate process on 127.0.0.1.

    .venv/bin/python bench/bench_notifications.py [--members 10000] [--devices 1000]
        [--rounds 3] [--database-url postgres://…]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from pywebpush import WebPusher  # noqa: E402
from tortoise.transactions import in_transaction  # noqa: E402

from bench.bench_delivery import free_port, start_receiver  # noqa: E402
from bench.bench_fanout import rss_mb  # noqa: E402
from node import clock  # noqa: E402
from node.app import create_app  # noqa: E402
from node.db import migrate  # noqa: E402
from node.models import (  # noqa: E402
    ChannelSend,
    ChannelState,
    Member,
    Notification,
    NotificationPreference,
    PushSubscription,
)
from node.notify.push import PushMessage, PushSender  # noqa: E402
from node.services.notifications import notify  # noqa: E402
from node.settings import Settings  # noqa: E402
from node.worker.notifications import PUSH_CONCURRENCY, send_push  # noqa: E402


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def device_keys() -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point), b64url(os.urandom(16))


async def make_members(n: int) -> list[uuid.UUID]:
    now = clock.now()
    rows = [
        Member(
            id=uuid.uuid4(),
            phone=f"+336{i:08d}",
            email=f"m{i}@bench.test",
            pseudonym=f"Membre {i}",
            phone_verified_at=now,
            email_verified_at=now if i % 2 else None,
        )
        for i in range(n)
    ]
    await Member.bulk_create(rows, batch_size=1000)
    # Some have chosen: one in ten turned push off for this kind, one in twenty chose SMS.
    prefs = [
        NotificationPreference(member_id=m.id, kind="join_asked", channel="push", enabled=False)
        for m in rows[::10]
    ] + [
        NotificationPreference(member_id=m.id, kind="*", channel="sms", enabled=True)
        for m in rows[::20]
    ]
    await NotificationPreference.bulk_create(prefs, batch_size=1000)
    return [m.id for m in rows]


async def enqueue_bench(node: object, ids: list[uuid.UUID], rounds: int) -> dict[str, object]:
    payload = {"actor": "Awa", "title": "Un appel", "url": "/actions/x"}
    service, ceiling = [], []
    for _ in range(rounds):
        await Notification.all().delete()
        start = time.perf_counter()
        async with in_transaction():
            written = await notify(node, "join_asked", ids, payload=payload)  # type: ignore[arg-type]
        service.append(time.perf_counter() - start)
        assert written == len(ids)
        await Notification.all().delete()
        now = clock.now()
        start = time.perf_counter()
        async with in_transaction():
            await Notification.bulk_create(
                [
                    Notification(
                        member_id=m,
                        kind="join_asked",
                        payload=payload,
                        created_at=now,
                        email_status="pending",
                    )
                    for m in ids
                ],
                batch_size=1000,
            )
        ceiling.append(time.perf_counter() - start)
    ratios = [c / s for c, s in zip(ceiling, service, strict=True)]
    return {
        "members": len(ids),
        "service_s": round(statistics.median(service), 3),
        "bulk_insert_s": round(statistics.median(ceiling), 3),
        "ratio": round(statistics.median(ratios), 3),
        "ratio_range": [round(min(ratios), 3), round(max(ratios), 3)],
    }


async def push_bench(node: object, port: int, devices: int, rounds: int) -> dict[str, object]:
    await Notification.all().delete()
    await PushSubscription.all().delete()
    members = await Member.all().limit(devices).values_list("id", flat=True)
    now = clock.now()
    subs = []
    for i, member_id in enumerate(members):
        p256dh, auth = device_keys()
        subs.append(
            PushSubscription(
                member_id=member_id,
                endpoint=f"http://127.0.0.1:{port}/push/{i}",
                p256dh=p256dh,
                auth=auth,
                created_at=now,
            )
        )
    await PushSubscription.bulk_create(subs, batch_size=1000)
    rows = await PushSubscription.all()
    service, raw = [], []
    message = PushMessage(title="Entraide", body="Awa demande à participer.", url="/", topic="n1")
    for _ in range(rounds):
        await Notification.all().delete()
        async with in_transaction():
            await notify(node, "outing_reminder", list(members), payload={"title": "Sortie"})  # type: ignore[arg-type]
        start = time.perf_counter()
        sent = 0
        while True:
            done = await send_push(node)  # type: ignore[arg-type]
            if not done:
                break
            sent += done
        service.append(time.perf_counter() - start)
        assert sent == len(rows), (sent, len(rows))
        # Raw: the same libraries, no rows: encrypt, sign (VAPID cached like the node), POST.
        async with PushSender(node) as sender:  # type: ignore[arg-type]
            gate = asyncio.Semaphore(PUSH_CONCURRENCY)

            async def post(sub: PushSubscription, gate: asyncio.Semaphore = gate) -> None:
                info = {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}
                async with gate:
                    body = WebPusher(info).encode(message.payload(), "aes128gcm")["body"]
                    response = await sender.client.post(
                        sub.endpoint,
                        content=body,
                        headers={
                            "Authorization": sender._authorization(sub.endpoint),
                            "Content-Encoding": "aes128gcm",
                            "TTL": "60",
                        },
                    )
                assert response.status_code < 300

            start = time.perf_counter()
            await asyncio.gather(*(post(sub) for sub in rows))
            raw.append(time.perf_counter() - start)
    ratios = [r / s for r, s in zip(raw, service, strict=True)]
    return {
        "subscriptions": len(rows),
        "node_per_s": round(len(rows) / statistics.median(service)),
        "raw_per_s": round(len(rows) / statistics.median(raw)),
        "ratio": round(statistics.median(ratios), 3),
        "ratio_range": [round(min(ratios), 3), round(max(ratios), 3)],
        "sent_rows": await ChannelSend.filter(status=ChannelState.SENT).count(),
        "rss_mb": round(rss_mb(), 1),
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--devices", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-notify-"))
    port = free_port()
    receiver = start_receiver(port, tmp)  # answers every POST (202): a push service's "accepted"
    try:
        settings = Settings(
            base_url="http://bench.test",
            data_dir=tmp,
            secret_key="bench-" + "x" * 40,
            database_url=args.database_url or f"sqlite://{tmp / 'node.sqlite3'}",
            federation_allow_private=True,
            worker_in_process=False,
            quiet_hours="00:00-00:00",
        )
        await migrate(settings.database_url)
        node = create_app(settings).node
        await node.db.open()
        with node.db.activate():
            for model in (ChannelSend, Notification, PushSubscription, NotificationPreference):
                await model.all().delete()
            await Member.all().delete()
            ids = await make_members(args.members)
            results = {
                "database": "postgres"
                if settings.database_url.startswith("postgres")
                else "sqlite",
                "enqueue": await enqueue_bench(node, ids, args.rounds),
                "web_push": await push_bench(node, port, args.devices, args.rounds),
            }
        await node.db.close()
        print(json.dumps(results, indent=2))
    finally:
        receiver.terminate()
        receiver.wait()


if __name__ == "__main__":
    asyncio.run(main())
