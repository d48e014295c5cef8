"""Sending notifications: Web Push and SMS rows, digest mails, and the periodic notices
(outing reminders the day before, partners that stopped answering, partnership requests).

Every send is a claimed row (:mod:`node.worker.claims`): claimed in one statement with a lease,
sent, then marked one by one. A worker killed mid-batch leaves its unsent rows claimed until
the lease runs out; another worker then takes them. Rows already marked are never sent again;
only the one in flight when the process died may go twice, and Web Push's ``Topic`` (RFC 8030
§5.4) makes the push service replace that duplicate while it is still undelivered.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise.expressions import Q

from node import clock
from node.claims import claim
from node.messaging import OutgoingSms
from node.models import (
    ChannelSend,
    ChannelState,
    Member,
    Notification,
    PushSubscription,
    SendCounter,
)
from node.notify.notices import (
    remind_outings,
    tell_associations_awaiting,
    tell_failing_partners,
    tell_partnership_requests,
)
from node.notify.push import PushMessage, PushResult, PushSender
from node.services.notification_kinds import KINDS
from node.services.notifications import quiet_until
from node.state import NodeState
from node.worker.digests import backoff, gather_digests, send_digests
from node.worker.heartbeat import Heartbeat

log = logging.getLogger("entraide.notify")

LEASE = timedelta(minutes=2)
BATCH = 50
PUSH_CONCURRENCY = 16
MAX_ATTEMPTS = 8
SMS_MAX = 160


def _postgres() -> bool:
    return bool(ChannelSend._meta.db.capabilities.dialect == "postgres")


async def _claim(channel: str, limit: int) -> list[ChannelSend]:
    return await claim(
        ChannelSend,
        now=clock.now(),
        lease=LEASE,
        queued=ChannelState.PENDING,
        working=ChannelState.SENDING,
        limit=limit,
        postgres=_postgres(),
        extra=Q(channel=channel),
    )


async def _finish(row: ChannelSend, status: str, error: str = "") -> None:
    now = clock.now()
    await ChannelSend.filter(id=row.id, claim_token=row.claim_token).update(
        status=status, sent_at=now if status == ChannelState.SENT else None, last_error=error[:200]
    )


async def _retry(node: NodeState, row: ChannelSend, urgent: bool, error: str) -> None:
    if row.attempts >= MAX_ATTEMPTS:
        await _finish(row, ChannelState.FAILED, error)
        return
    at = clock.now() + backoff(row.attempts)
    if not urgent:
        at = quiet_until(node.settings, at) or at
    await ChannelSend.filter(id=row.id, claim_token=row.claim_token).update(
        status=ChannelState.PENDING, next_attempt_at=at, claimed_until=None, last_error=error[:200]
    )


def _text(node: NodeState, notification: Notification) -> str:
    spec = KINDS.get(notification.kind)
    if spec is None:
        return notification.kind
    return spec.text(node.settings.default_language, notification.payload)


async def _push_one(
    node: NodeState,
    sender: PushSender,
    row: ChannelSend,
    notification: Notification | None,
    subscription: PushSubscription | None,
) -> bool:
    if notification is None or subscription is None or notification.read_at is not None:
        await _finish(row, ChannelState.SKIPPED)
        return False
    url = notification.payload.get("url") or "/notifications"
    message = PushMessage(
        title=node.settings.node_name,
        body=_text(node, notification),
        url=f"{node.settings.base_url}{url}",
        topic=f"n{notification.id}",
        urgent=notification.urgent,
    )
    result = await sender.send(subscription, message)
    if result is PushResult.SENT:
        await _finish(row, ChannelState.SENT)
        return True
    if result is PushResult.GONE:
        # The device unsubscribed (RFC 8030 §7.3): forget it and its queued rows.
        await subscription.delete()
    elif result is PushResult.RETRY:
        await _retry(node, row, notification.urgent, "push service unavailable")
    else:
        await _finish(row, ChannelState.FAILED, "refused by the push service")
    return False


async def send_push(node: NodeState, *, limit: int = BATCH) -> int:
    """Send due Web Push rows, ``PUSH_CONCURRENCY`` at a time (a push service answers in tens
    of milliseconds: one at a time would leave the worker waiting); returns how many were sent.
    The batch's notifications and devices are read in two queries."""
    rows = await _claim("push", limit)
    if not rows:
        return 0
    notifications = {
        n.id: n
        for n in await Notification.filter(id__in={r.notification_id for r in rows})  # type: ignore[attr-defined]
    }
    devices = {
        d.id: d
        for d in await PushSubscription.filter(id__in={r.subscription_id for r in rows})  # type: ignore[attr-defined]
    }
    gate = asyncio.Semaphore(PUSH_CONCURRENCY)

    async def one(row: ChannelSend) -> bool:
        async with gate:
            return await _push_one(
                node,
                sender,
                row,
                notifications.get(row.notification_id),  # type: ignore[attr-defined]
                devices.get(row.subscription_id),  # type: ignore[attr-defined]
            )

    async with PushSender(node) as sender:
        results = await asyncio.gather(*(one(row) for row in rows))
    reached = {row.subscription_id for row, ok in zip(rows, results, strict=True) if ok}  # type: ignore[attr-defined]
    if reached:
        await PushSubscription.filter(id__in=reached).update(last_success_at=clock.now())
    return sum(results)


def _local_day(node: NodeState, now: datetime) -> date:
    return now.astimezone(ZoneInfo(node.settings.timezone)).date()


async def count_send(key: str, day: date) -> int:
    """Count one message under ``key`` for ``day``; returns the new count (one statement, so
    several workers never lose an increment)."""
    connection = SendCounter._meta.db
    postgres = connection.capabilities.dialect == "postgres"
    marks = "$1, $2" if postgres else "?, ?"
    rows = await connection.execute_query_dict(
        f'INSERT INTO "send_counter" ("key", "day", "count") VALUES ({marks}, 1) '
        'ON CONFLICT ("key", "day") DO UPDATE SET "count" = "send_counter"."count" + 1 '
        'RETURNING "count"',
        [key, day.isoformat() if not postgres else day],
    )
    return int(rows[0]["count"])


async def send_sms(node: NodeState, *, limit: int = BATCH) -> int:
    """Send due SMS rows within the daily caps (per member, per node); returns how many."""
    rows = await _claim("sms", limit)
    sent = 0
    for row in rows:
        notification = await Notification.get_or_none(id=row.notification_id)  # type: ignore[attr-defined]
        if notification is None or notification.read_at is not None:
            await _finish(row, ChannelState.SKIPPED)
            continue
        member = await Member.get(id=notification.member_id)  # type: ignore[attr-defined]
        if member.phone is None or member.phone_verified_at is None:
            await _finish(row, ChannelState.SKIPPED, "no verified phone")
            continue
        day = _local_day(node, clock.now())
        if await count_send(f"sms:member:{member.id}", day) > node.settings.sms_per_member_per_day:
            await _finish(row, ChannelState.SKIPPED, "member's daily cap")
            continue
        if await count_send("sms:node", day) > node.settings.sms_per_node_per_day:
            await _finish(row, ChannelState.SKIPPED, "node's daily cap")
            continue
        body = f"{node.settings.node_name} : {_text(node, notification)}"
        if len(body) > SMS_MAX:
            body = body[: SMS_MAX - 1] + "…"
        try:
            await node.sms.send(OutgoingSms(to=member.phone, body=body))
        except Exception as error:  # any gateway failure (HTTP, network): retried with backoff
            log.warning("SMS gateway failed: %s", type(error).__name__)
            await _retry(node, row, notification.urgent, type(error).__name__)
            continue
        await _finish(row, ChannelState.SENT)
        sent += 1
    return sent


async def run_once(node: NodeState) -> dict[str, int]:
    """One round of every sending step (tests call this instead of sleeping)."""
    return {name: await job() for name, job in sending_steps(node).items()}


def sending_steps(node: NodeState) -> dict[str, Callable[[], Awaitable[int]]]:
    """What goes out now: Web Push, SMS, digest mails (each idempotent, safe in parallel)."""
    return {
        "notify_push": lambda: send_push(node),
        "notify_sms": lambda: send_sms(node),
        "notify_gather_digests": lambda: gather_digests(node),
        "notify_send_digests": lambda: send_digests(node),
    }


def notice_jobs(node: NodeState) -> dict[str, Callable[[], Awaitable[int]]]:
    """Periodic notices (:mod:`node.worker.periodic` runs them every minute)."""
    return {
        "notify_reminders": lambda: remind_outings(node),
        "notify_failing_partners": lambda: tell_failing_partners(node),
        "notify_partnership_requests": lambda: tell_partnership_requests(node),
        "notify_associations_awaiting": lambda: tell_associations_awaiting(node),
    }


async def run_forever(node: NodeState, *, interval: float = 2.0) -> None:
    """Send until cancelled: again at once while a step had a full batch, else after
    ``interval`` seconds. A failing round is logged; its rows stay due."""
    heartbeat = Heartbeat("notifications")
    while True:
        try:
            await heartbeat.beat()
            done = await run_once(node)
        except asyncio.CancelledError:
            raise
        except Exception:  # the rows stay claimed or due; the next round takes them again
            log.exception("notification worker round failed")
            done = {}
        if max(done.values(), default=0) < BATCH:
            await asyncio.sleep(interval)
