"""The federation worker: steps due deliveries, then due inbox rows (local work before remote
ingress, see :mod:`node.worker.queues`); a worker can take only one of the two queues.

``run_once`` is what tests call (no sleeping, Takahē's ``run_single_cycle``); ``run_forever``
is the in-process loop of ``serve`` and the body of ``entraide worker``. Several can run at once:
rows are claimed (see :mod:`node.claims`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from node.fed.delivery import send_due
from node.fed.processing import process_due
from node.state import NodeState
from node.worker.heartbeat import Heartbeat

log = logging.getLogger("entraide.worker")


FEDERATION_QUEUES = ("deliveries", "inbox")


async def run_once(
    node: NodeState, *, limit: int = 100, queues: Sequence[str] = FEDERATION_QUEUES
) -> dict[str, int]:
    """Send due deliveries, then process due inbox items, once each (those of ``queues``);
    returns how many rows each step handled. The node's database must be active
    (``node.db.activate()``)."""
    done: dict[str, int] = {}
    if "deliveries" in queues:
        done["deliveries"] = await send_due(node, limit=limit)
    if "inbox" in queues:
        done["inbox"] = await process_due(node, limit=limit)
        if done["inbox"] and "deliveries" in queues:
            # The answers the inbox just queued (an Accept to a Follow) go in the same round.
            done["deliveries"] += await send_due(node, limit=limit)
    return done


async def run_forever(
    node: NodeState,
    *,
    interval: float = 1.0,
    limit: int = 100,
    queues: Sequence[str] = FEDERATION_QUEUES,
) -> None:
    """Loop until cancelled: run immediately again while there is work, otherwise wait for
    ``interval`` seconds or a wake-up."""
    event = node.work_ready
    chosen = tuple(queue for queue in FEDERATION_QUEUES if queue in queues)
    heartbeat = Heartbeat("federation" if chosen == FEDERATION_QUEUES else "+".join(chosen))
    while True:
        try:
            await heartbeat.beat()
            done = await run_once(node, limit=limit, queues=chosen)
        except asyncio.CancelledError:
            raise
        except Exception:  # the rows stay due; the next round retries them
            log.exception("federation worker round failed")
            done = {}
        if max(done.values(), default=0) >= limit:
            continue
        event.clear()
        # Not ``wait_for``: on Python 3.11 it loses a cancellation (the worker being stopped)
        # that comes in the same turn as a wake-up (python/cpython#86296).
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(interval):
                await event.wait()
