"""Stepping claimed :class:`InboxItem` rows through their handler.

The handler runs in a transaction that also marks the row ``done``: its effect and the row's new
status commit together, so a crash cannot apply an activity twice. Handlers should fetch from
the network before they write (on SQLite the write lock is taken at the first write).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from tortoise.transactions import in_transaction

from federation.errors import ParseError
from federation.parse import Activity, parse_activity
from federation.retry import next_attempt_at
from node import clock
from node.errors import Problem
from node.fed.registry import Ignore, InboxContext, Transient, find_handler
from node.fed.remote import DomainBlocked, RemoteUnavailable, get_remote_actor
from node.models import InboxItem, InboxStatus
from node.state import NodeState
from node.worker.claims import claim

log = logging.getLogger("entraide.federation")

LEASE = timedelta(minutes=5)


async def process_due(node: NodeState, *, limit: int = 100) -> int:
    items = await claim(
        InboxItem,
        now=clock.now(),
        lease=LEASE,
        queued=InboxStatus.QUEUED,
        working=InboxStatus.PROCESSING,
        limit=limit,
        postgres=not node.settings.is_sqlite,
    )
    for item in items:
        await process_item(node, item)
    return len(items)


async def process_item(node: NodeState, item: InboxItem) -> None:
    try:
        activity = parse_activity(item.body)
        handler = find_handler(item.type, item.object_type)
        if handler is None:
            raise Ignore(f"no handler for ({item.type}, {item.object_type})")
        try:
            sender = await get_remote_actor(node, item.actor_iri)
        except DomainBlocked as exc:
            raise Ignore(exc.detail) from exc
        except RemoteUnavailable as exc:
            raise Transient(exc.detail) from exc
        async with in_transaction():
            await handler(InboxContext(node=node, sender=sender, item=item), activity)
            await _finish(item, InboxStatus.DONE, None)
    except Ignore as exc:
        await _finish(item, InboxStatus.IGNORED, exc.reason)
    except Transient as exc:
        when = next_attempt_at(item.attempts, clock.now())
        if when is None:
            await _finish(item, InboxStatus.FAILED, f"gave up: {exc.reason}")
        else:
            await InboxItem.filter(id=item.id).update(
                status=InboxStatus.QUEUED,
                next_attempt_at=when,
                claimed_until=None,
                last_error=exc.reason[:1000],
            )
    except (Problem, ParseError) as exc:
        await _finish(item, InboxStatus.FAILED, f"{type(exc).__name__}: {exc}"[:1000])
    except (
        Exception
    ) as exc:  # recorded on the row with its reason (the brief: "failed with reason")
        log.exception("inbox item %s (%s) failed", item.id, item.activity_id)
        await _finish(item, InboxStatus.FAILED, f"{type(exc).__name__}: {exc}"[:1000])


async def _finish(item: InboxItem, status: InboxStatus, reason: str | None) -> None:
    await InboxItem.filter(id=item.id).update(
        status=status,
        processed_at=clock.now(),
        claimed_until=None,
        last_error=reason[:1000] if reason else None,
    )


__all__ = ["Activity", "process_due", "process_item"]
