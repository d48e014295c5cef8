"""Sending claimed :class:`Delivery` rows: sign as the activity's actor, POST, reschedule.

Retry policy is the library's (``federation.retry``: 2xx delivered, 5xx/429/408/401 and network
errors retried with backoff for ~2 days, other 4xx permanent). A host that fails
``UNAVAILABLE_AFTER`` times in a row is marked unavailable: its rows wait, and one row probes it
every ``PROBE_INTERVAL`` until it answers again (Mastodon's ``UnavailableDomain`` idea).
Claimed rows are held for ``delivery_lease_seconds``; a worker that dies leaves them to others.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from tortoise.expressions import F, Q, Subquery

from federation import SigningAuth
from federation.client import AP_MEDIA_TYPE
from federation.errors import FederationError
from federation.retry import Outcome, schedule
from node import clock
from node.claims import claim
from node.fed.client import signing_auth, signing_client
from node.models import Delivery, DeliveryStatus, Host, OutboxActivity
from node.state import NodeState

log = logging.getLogger("entraide.federation")

UNAVAILABLE_AFTER = 5
PROBE_INTERVAL = timedelta(minutes=10)
CONCURRENCY = 16  # one in-flight request per client measured best (DESIGN §7)


@dataclass
class _Result:
    delivery: Delivery
    outcome: Outcome
    status: int | None
    error: str | None
    next_at: datetime | None


@dataclass
class _Batch:
    results: list[_Result] = field(default_factory=list)


def _not_parked(now: datetime) -> Q:
    """Skip hosts marked unavailable, unless their probe is due."""
    parked = Host.filter(
        Q(unavailable_since__isnull=False)
        & (Q(last_probe_at__isnull=True) | Q(last_probe_at__gt=now - PROBE_INTERVAL))
    )
    return ~Q(host__in=Subquery(parked.values("domain")))


async def claim_deliveries(node: NodeState, *, limit: int, now: datetime) -> list[Delivery]:
    return await claim(
        Delivery,
        now=now,
        lease=timedelta(seconds=node.settings.delivery_lease_seconds),
        queued=DeliveryStatus.QUEUED,
        working=DeliveryStatus.SENDING,
        limit=limit,
        postgres=not node.settings.is_sqlite,
        extra=_not_parked(now),
    )


async def send_due(node: NodeState, *, limit: int = 100, concurrency: int = CONCURRENCY) -> int:
    """Claim and send up to ``limit`` due deliveries; returns how many were handled."""
    now = clock.now()
    rows = await claim_deliveries(node, limit=limit, now=now)
    if not rows:
        return 0
    await send_claimed(node, rows, concurrency=concurrency)
    return len(rows)


async def send_claimed(node: NodeState, rows: list[Delivery], *, concurrency: int) -> None:
    activities = {
        a.id: a
        for a in await OutboxActivity.filter(id__in={r.activity_id for r in rows})  # type: ignore[attr-defined]
    }
    bodies = {i: json.dumps(a.body, ensure_ascii=False).encode() for i, a in activities.items()}
    auths: dict[str, SigningAuth] = {}
    for a in activities.values():
        if a.actor_iri not in auths:
            auths[a.actor_iri] = signing_auth(node, a.actor_iri, offload=True)

    # Unavailable hosts get one probe; the others of that host go back to the queue.
    hosts = {h.domain: h for h in await Host.filter(domain__in={r.host for r in rows})}
    to_send: list[Delivery] = []
    released: list[int] = []
    probed: set[str] = set()
    for row in rows:
        host = hosts.get(row.host)
        if host is not None and host.unavailable_since is not None:
            if row.host in probed:
                released.append(row.id)
                continue
            probed.add(row.host)
        to_send.append(row)
    if probed:
        await Host.filter(domain__in=probed).update(last_probe_at=clock.now())
    if released:
        await Delivery.filter(id__in=released).update(
            status=DeliveryStatus.QUEUED, claimed_until=None, attempts=F("attempts") - 1
        )

    queue: asyncio.Queue[Delivery] = asyncio.Queue()
    for row in to_send:
        queue.put_nowait(row)
    batch = _Batch()

    async def worker() -> None:
        async with signing_client(node, offload=True) as client:
            while True:
                try:
                    row = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                activity = activities[row.activity_id]  # type: ignore[attr-defined]
                batch.results.append(
                    await _send_one(client, auths[activity.actor_iri], row, bodies[activity.id])
                )

    await asyncio.gather(*(worker() for _ in range(min(concurrency, len(to_send)))))
    await _record(batch.results)


async def _send_one(
    client: httpx.AsyncClient, auth: SigningAuth, row: Delivery, body: bytes
) -> _Result:
    result: httpx.Response | BaseException
    try:
        result = await client.post(
            row.inbox_url, content=body, headers={"Content-Type": AP_MEDIA_TYPE}, auth=auth
        )
    except (httpx.HTTPError, OSError, FederationError) as exc:  # classified by the policy
        result = exc
    outcome, next_at = schedule(result, row.attempts, clock.now())
    if isinstance(result, httpx.Response):
        error = None if outcome is Outcome.DELIVERED else f"HTTP {result.status_code}"
        return _Result(row, outcome, result.status_code, error, next_at)
    return _Result(row, outcome, None, f"{type(result).__name__}: {result}"[:500], next_at)


async def _record(results: list[_Result]) -> None:
    now = clock.now()
    delivered = [r.delivery.id for r in results if r.outcome is Outcome.DELIVERED]
    if delivered:
        await Delivery.filter(id__in=delivered).update(
            status=DeliveryStatus.DELIVERED,
            delivered_at=now,
            claimed_until=None,
            last_status=202,
            last_error=None,
        )
        for r in results:
            if r.outcome is Outcome.DELIVERED and r.status not in (None, 202):
                await Delivery.filter(id=r.delivery.id).update(last_status=r.status)
    for r in results:
        if r.outcome is Outcome.DELIVERED:
            continue
        if r.outcome is Outcome.RETRYABLE and r.next_at is not None:
            status, next_at = DeliveryStatus.QUEUED, r.next_at
        else:
            status, next_at = DeliveryStatus.ABANDONED, r.delivery.next_attempt_at
            log.info(
                "delivery %s to %s abandoned: %s", r.delivery.id, r.delivery.inbox_url, r.error
            )
        await Delivery.filter(id=r.delivery.id).update(
            status=status,
            next_attempt_at=next_at,
            claimed_until=None,
            last_status=r.status,
            last_error=r.error,
        )
    await _update_hosts(results, now)


async def _update_hosts(results: list[_Result], now: datetime) -> None:
    """A host that answered (any status below 500) is alive; one that did not, failed."""
    alive: set[str] = set()
    failures: dict[str, int] = defaultdict(int)
    for r in results:
        if r.status is not None and r.status < 500:
            alive.add(r.delivery.host)
        else:
            failures[r.delivery.host] += 1
    for domain in alive:
        await Host.update_or_create(
            domain=domain,
            defaults={
                "consecutive_failures": 0,
                "unavailable_since": None,
                "last_success_at": now,
            },
        )
    for domain, count in failures.items():
        if domain in alive:
            continue
        host, _ = await Host.get_or_create(domain=domain)
        host.consecutive_failures += count
        if host.consecutive_failures >= UNAVAILABLE_AFTER and host.unavailable_since is None:
            host.unavailable_since = now
            host.last_probe_at = now
            log.warning("host %s unavailable after %d failures", domain, host.consecutive_failures)
        await host.save()
