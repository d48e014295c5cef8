"""Is the node able to do its job: database, schema, worker loops; and the queue figures that
``/metrics`` publishes. Read-only apart from the heartbeat a worker loop writes."""

from __future__ import annotations

import os
import pkgutil
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise import connections

from node import migrations as migrations_package
from node.models import (
    Delivery,
    DeliveryStatus,
    InboxItem,
    InboxStatus,
    WorkerHeartbeat,
)

# A loop beats every HEARTBEAT_EVERY; one that missed several beats is presumed dead.
HEARTBEAT_EVERY = timedelta(seconds=15)
HEARTBEAT_STALE = timedelta(seconds=90)
MIGRATIONS_APP = "models"


@dataclass(frozen=True)
class Readiness:
    """What ``/ready`` reports: each check's name → ``"ok"`` or the reason it fails."""

    checks: dict[str, str] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return all(value == "ok" for value in self.checks.values())


def worker_id(role: str) -> str:
    """Who beats: host, process and loop, e.g. ``app1:4242:federation``."""
    return f"{socket.gethostname()}:{os.getpid()}:{role}"[:200]


async def beat(worker: str, role: str, now: datetime) -> None:
    """Record that the loop ``worker`` is alive (one upsert)."""
    updated = await WorkerHeartbeat.filter(id=worker).update(beat_at=now)
    if not updated:
        await WorkerHeartbeat.create(id=worker, role=role, started_at=now, beat_at=now)


async def forget_worker(worker: str) -> None:
    """A loop that stops cleanly removes its row (a killed one simply goes stale)."""
    await WorkerHeartbeat.filter(id=worker).delete()


def expected_migrations() -> set[str]:
    """The migrations shipped with this version (``node/migrations/NNNN_name.py``)."""
    return {
        module.name
        for module in pkgutil.iter_modules(migrations_package.__path__)
        if module.name[:4].isdigit()
    }


async def applied_migrations() -> set[str]:
    connection = connections.get("default")
    try:
        _, rows = await connection.execute_query(
            "SELECT name FROM tortoise_migrations WHERE app = $1"
            if connection.capabilities.dialect == "postgres"
            else "SELECT name FROM tortoise_migrations WHERE app = ?",
            [MIGRATIONS_APP],
        )
    except Exception as error:  # a missing table means "never migrated"
        raise LookupError(f"no migration table ({type(error).__name__})") from error
    return {str(row["name"]) for row in rows}


async def readiness(now: datetime) -> Readiness:
    """Database reachable, every shipped migration applied, a worker loop alive."""
    checks: dict[str, str] = {}
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception as error:  # any failure to reach the database is "not ready"
        checks["database"] = f"unreachable ({type(error).__name__})"
        return Readiness(checks)
    checks["database"] = "ok"
    try:
        missing = expected_migrations() - await applied_migrations()
    except LookupError as error:
        checks["migrations"] = str(error)
    else:
        checks["migrations"] = "ok" if not missing else "not applied: " + ", ".join(sorted(missing))
    alive = await WorkerHeartbeat.filter(beat_at__gte=now - HEARTBEAT_STALE).count()
    checks["worker"] = (
        "ok" if alive else f"no worker loop seen in the last {HEARTBEAT_STALE.seconds} s"
    )
    return Readiness(checks)


@dataclass(frozen=True)
class QueueFigures:
    """The state of the durable queues, read at scrape time (identical from every process)."""

    inbox: dict[str, int]
    deliveries: dict[tuple[str, str], int]  # (host, state) → rows; state queued|retrying|abandoned
    oldest_due_seconds: float  # how late the most overdue row is: the worker's lag
    workers: dict[str, int]  # role → loops alive


_INBOX_SQL = "SELECT status, COUNT(*) AS n FROM inbox_item GROUP BY status"
# Deliveries not yet delivered, per partner host: waiting for a first try, failing and being
# retried with backoff, or given up on (permanent error or ~2 days of failures).
_DELIVERIES_SQL = (
    "SELECT host, CASE WHEN status = 'abandoned' THEN 'abandoned' "
    "WHEN attempts > 0 THEN 'retrying' ELSE 'queued' END AS state, COUNT(*) AS n "
    "FROM delivery WHERE status IN ('queued', 'sending', 'abandoned') GROUP BY 1, 2"
)


async def queue_figures(now: datetime) -> QueueFigures:
    connection = connections.get("default")
    inbox: dict[str, int] = {status.value: 0 for status in InboxStatus}
    _, rows = await connection.execute_query(_INBOX_SQL)
    for row in rows:
        inbox[str(row["status"])] = int(row["n"])
    _, rows = await connection.execute_query(_DELIVERIES_SQL)
    deliveries = {(str(row["host"]), str(row["state"])): int(row["n"]) for row in rows}
    oldest: list[datetime] = []
    for due in (
        Delivery.filter(status=DeliveryStatus.QUEUED, next_attempt_at__lte=now),
        InboxItem.filter(status=InboxStatus.QUEUED, next_attempt_at__lte=now),
    ):
        first = (
            await due.order_by("next_attempt_at").first().values_list("next_attempt_at", flat=True)
        )
        if isinstance(first, datetime):
            oldest.append(first)
    lag = max((now - when).total_seconds() for when in oldest) if oldest else 0.0
    workers: dict[str, int] = {}
    for role in await WorkerHeartbeat.filter(beat_at__gte=now - HEARTBEAT_STALE).values_list(
        "role", flat=True
    ):
        workers[str(role)] = workers.get(str(role), 0) + 1
    return QueueFigures(inbox=inbox, deliveries=deliveries, oldest_due_seconds=lag, workers=workers)
