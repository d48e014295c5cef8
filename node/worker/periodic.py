"""Periodic jobs (expiry of old actions, …), run in-process by ``serve`` by default.

Each job is an idempotent database update, safe to run from several worker processes at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("entraide.worker")

Job = Callable[[], Awaitable[int]]


def default_jobs() -> dict[str, Job]:
    from node.services.actions import expire_due_actions
    from node.worker.outreach import outreach_jobs

    return {"expire_actions": expire_due_actions, **outreach_jobs()}


async def run_jobs_once(jobs: dict[str, Job] | None = None) -> dict[str, int]:
    """Run every job once; returns how many rows each one changed (tests call this)."""
    results = {}
    for name, job in (jobs or default_jobs()).items():
        results[name] = await job()
    return results


async def run_forever(interval_seconds: float = 60.0) -> None:
    """Run the jobs every ``interval_seconds`` until cancelled; a failing job is logged and
    retried on the next round rather than stopping the others."""
    while True:
        for name, job in default_jobs().items():
            try:
                changed = await job()
            except asyncio.CancelledError:
                raise
            except Exception:  # a job's failure must not stop the loop; it is retried next round
                log.exception("periodic job %s failed", name)
            else:
                if changed:
                    log.info("periodic job %s changed %d rows", name, changed)
        await asyncio.sleep(interval_seconds)
