"""The federation worker: steps due inbox rows, then due deliveries.

``run_once`` is what tests call (no sleeping, Takahē's ``run_single_cycle``); ``run_forever``
is the in-process loop of ``serve`` and the body of ``entraide worker``. Several can run at once:
rows are claimed (see :mod:`node.claims`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from node.fed.delivery import send_due
from node.fed.processing import process_due
from node.state import NodeState
from node.worker.heartbeat import Heartbeat

log = logging.getLogger("entraide.worker")


async def run_once(node: NodeState, *, limit: int = 100) -> dict[str, int]:
    """Process due inbox items, then due deliveries, once each; returns how many rows each
    step handled. The node's database must be active (``node.db.activate()``)."""

    inbox = await process_due(node, limit=limit)
    deliveries = await send_due(node, limit=limit)
    return {"inbox": inbox, "deliveries": deliveries}


async def run_forever(node: NodeState, *, interval: float = 1.0, limit: int = 100) -> None:
    """Loop until cancelled: run immediately again while there is work, otherwise wait for
    ``interval`` seconds or a wake-up."""
    event = node.work_ready
    heartbeat = Heartbeat("federation")
    while True:
        try:
            await heartbeat.beat()
            done = await run_once(node, limit=limit)
        except asyncio.CancelledError:
            raise
        except Exception:  # the rows stay due; the next round retries them
            log.exception("federation worker round failed")
            done = {}
        if max(done.values(), default=0) >= limit:
            continue
        event.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout=interval)
