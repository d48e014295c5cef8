"""Stepping claimed :class:`InboxItem` rows through their route of the dispatch table
(:data:`node.fed.registry.INBOUND`: the scope check, then the handler).

The handler runs in a transaction that also marks the row ``done``: its effect and the row's new
status commit together, so a crash cannot apply an activity twice. Handlers should fetch from
the network before they write (on SQLite the write lock is taken at the first write).

A claimed batch is stepped in chunks of :data:`CHUNK` rows: the senders are resolved first
(from the node's cache, outside any transaction), then the chunk's handlers run in ONE
transaction that ends with one ``UPDATE … status = 'done'`` for all of them — one commit per
chunk instead of one per row. When a handler raises (``Ignore``, ``Transient``,
an error), only its own effects are undone (a savepoint per row) and its outcome is recorded
in the same transaction; the others commit. Only if the chunk's transaction itself fails
(nothing of it applied) are its rows stepped again one by one.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.transactions import in_transaction

from federation.errors import ParseError
from federation.parse import Activity, parse_activity
from federation.retry import next_attempt_at
from node import clock, sql
from node.claims import claim
from node.errors import Problem
from node.fed.handlers.context import Ignore, InboxContext, Transient
from node.fed.registry import INBOUND, Route, Routes
from node.fed.remote import DomainBlocked, RemoteUnavailable, get_remote_actor
from node.models import InboxItem, InboxStatus, RemoteActor
from node.state import NodeState

log = logging.getLogger("entraide.federation")

LEASE = timedelta(minutes=5)
CHUNK = 25


@dataclass
class Ready:
    """A claimed row whose activity parsed, with its route and its (allowed) sender."""

    item: InboxItem
    activity: Activity
    route: Route
    sender: RemoteActor


async def process_due(node: NodeState, *, limit: int = 100, routes: Routes = INBOUND) -> int:
    items = await claim(
        InboxItem,
        now=clock.now(),
        lease=LEASE,
        queued=InboxStatus.QUEUED,
        working=InboxStatus.PROCESSING,
        limit=limit,
        postgres=not node.settings.is_sqlite,
    )
    for start in range(0, len(items), CHUNK):
        await _process_chunk(node, items[start : start + CHUNK], routes)
    return len(items)


async def _process_chunk(node: NodeState, items: list[InboxItem], routes: Routes) -> None:
    ready: list[Ready] = []
    for item in items:
        found = await _prepare(node, item, routes)
        if found is None:  # its own outcome, as before
            await process_item(node, item, routes)
        else:
            ready.append(found)
    if not ready:
        return
    try:
        async with in_transaction() as db:
            # First statement a write: on SQLite the transaction takes the write lock now
            # (waiting for another process's writer) instead of failing "database is locked"
            # when a read snapshot turns out stale at the handler's first write.
            await sql.renew_lease([r.item.id for r in ready], clock.now() + LEASE)
            done = []
            for r in ready:
                await db.execute_query(f"SAVEPOINT {_SAVEPOINT}")
                try:
                    await r.route.run(
                        InboxContext(node=node, sender=r.sender, item=r.item), r.activity
                    )
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # undo this row's effect only; record why below
                    await db.execute_query(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
                    await _record_failure(r.item, exc)
                else:
                    done.append(r.item.id)
            await sql.finish_inbox_items(done, InboxStatus.DONE, None, clock.now())
    except asyncio.CancelledError:
        raise
    except Exception:  # the chunk's transaction itself failed: nothing of it remains
        log.exception("inbox chunk of %d rows failed; stepping them one by one", len(ready))
        for r in ready:
            await process_item(node, r.item, routes)


_SAVEPOINT = "inbox_row"


async def _prepare(node: NodeState, item: InboxItem, routes: Routes) -> Ready | None:
    """Parse the row and find its route and sender without writing anything; None when that
    fails in any way (``process_item`` then records why)."""
    try:
        activity = parse_activity(item.body)
        route = routes.find(item.type, item.object_type)
        if route is None:
            return None
        sender = await get_remote_actor(node, item.actor_iri)
    except (ParseError, Problem):
        return None
    return Ready(item, activity, route, sender)


async def process_item(node: NodeState, item: InboxItem, routes: Routes = INBOUND) -> None:
    try:
        activity = parse_activity(item.body)
        route = routes.find(item.type, item.object_type)
        if route is None:
            raise Ignore(f"no handler for ({item.type}, {item.object_type})")
        try:
            sender = await get_remote_actor(node, item.actor_iri)
        except DomainBlocked as exc:
            raise Ignore(exc.detail) from exc
        except RemoteUnavailable as exc:
            raise Transient(exc.detail) from exc
        async with in_transaction():
            await route.run(InboxContext(node=node, sender=sender, item=item), activity)
            await _finish(item, InboxStatus.DONE, None)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        await _record_failure(item, exc)


async def _record_failure(item: InboxItem, exc: Exception) -> None:
    """The row's outcome when its handler did not finish: ignored, retried later (transient),
    or failed with the reason."""
    if isinstance(exc, OperationalError) and not isinstance(exc, IntegrityError):
        # The database, not the activity: SQLite busy with another process's write, a lost
        # PostgreSQL connection. Retried like a remote that is not ready.
        exc = Transient(f"database: {exc}")
    if isinstance(exc, Ignore):
        await _finish(item, InboxStatus.IGNORED, exc.reason)
    elif isinstance(exc, Transient):
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
    elif isinstance(exc, (Problem, ParseError)):
        await _finish(item, InboxStatus.FAILED, f"{type(exc).__name__}: {exc}"[:1000])
    else:  # recorded on the row with its reason (the brief: "failed with reason")
        log.error("inbox item %s (%s) failed", item.id, item.activity_id, exc_info=exc)
        await _finish(item, InboxStatus.FAILED, f"{type(exc).__name__}: {exc}"[:1000])


async def _finish(item: InboxItem, status: InboxStatus, reason: str | None) -> None:
    await sql.finish_inbox_items([item.id], status, reason, clock.now())


__all__ = ["Activity", "process_due", "process_item"]
