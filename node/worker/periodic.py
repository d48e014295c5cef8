"""Periodic jobs (expiry of old actions and of sign-ups nobody verified, closing and purging
outreach rounds, mailing their reports), run in-process by ``serve`` by default and by
``entraide worker``.

Each job is an idempotent database update (or a claimed send). With several worker processes
(``entraide worker --queues periodic`` on more than one machine) each job still runs once per
period: a :class:`~node.models.PeriodicRun` row per job is claimed in one ``UPDATE``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from tortoise.exceptions import IntegrityError

if TYPE_CHECKING:
    from node.state import NodeState

from node import clock
from node.fed.network import refresh_partner_figures
from node.models import PeriodicRun
from node.services.actions import expire_due_actions
from node.services.association_invitations import purge_expired as purge_expired_invitations
from node.services.committee.closing import close_due_proposals
from node.services.committee.reminders import send_opening_links, send_reminders
from node.services.guide_sms import purge_counters as purge_guide_sms_counters
from node.services.members import purge_unverified_sign_ups
from node.services.phone_change import apply_due_changes as apply_phone_changes
from node.worker.heartbeat import Heartbeat
from node.worker.notifications import notice_jobs
from node.worker.outreach import outreach_jobs

log = logging.getLogger("entraide.worker")

Job = Callable[[], Awaitable[int]]


def default_jobs(node: NodeState) -> dict[str, Job]:
    """The node's jobs, in the order they must run."""

    async def refresh_network_figures() -> int:
        return await refresh_partner_figures(node)

    return {
        "expire_actions": expire_due_actions,
        "purge_unverified_sign_ups": purge_unverified_sign_ups,
        "purge_expired_invitations": purge_expired_invitations,
        "apply_phone_changes": apply_phone_changes,
        **outreach_jobs(node),
        "refresh_network_figures": refresh_network_figures,
        "committee_close": lambda: close_due_proposals(node),
        "committee_links": lambda: send_opening_links(node),
        "committee_reminders": lambda: send_reminders(node),
        **notice_jobs(node),
        "purge_guide_sms_counters": purge_guide_sms_counters,
    }


async def run_jobs_once(node: NodeState, jobs: dict[str, Job] | None = None) -> dict[str, int]:
    """Run every job once; returns how many rows each one changed (tests call this)."""
    results = {}
    for name, job in (jobs or default_jobs(node)).items():
        results[name] = await job()
    return results


async def claim_run(name: str, every: timedelta) -> bool:
    """Take this period's run of job ``name``; False when another worker already took it.

    One statement, ``UPDATE periodic_run SET next_run_at = now + every WHERE name = … AND
    next_run_at <= now``: on PostgreSQL a second worker waits for the first one's row lock and
    then re-reads the condition on the updated row (READ COMMITTED), finding it false."""
    now = clock.now()
    if not await PeriodicRun.exists(name=name):
        # Another worker may create it first: it is there either way.
        with contextlib.suppress(IntegrityError):
            await PeriodicRun.create(name=name, next_run_at=now)
    claimed = await PeriodicRun.filter(name=name, next_run_at__lte=now).update(
        next_run_at=now + every, last_run_at=now
    )
    return claimed == 1


async def run_due_jobs(
    node: NodeState, every: timedelta, jobs: dict[str, Job] | None = None
) -> dict[str, int]:
    """Run, in order, the jobs whose period has come and that no other worker took; returns
    how many rows each job run here changed. A failing job is logged, not retried before its
    next period."""
    results: dict[str, int] = {}
    for name, job in (jobs or default_jobs(node)).items():
        try:
            if not await claim_run(name, every):
                continue
            results[name] = changed = await job()
        except asyncio.CancelledError:
            raise
        except Exception:  # a job's failure must not stop the loop; it is retried next period
            log.exception("periodic job %s failed", name)
        else:
            if changed:
                log.info("periodic job %s changed %d rows", name, changed)
    return results


async def run_forever(node: NodeState, interval_seconds: float = 60.0) -> None:
    """Run the due jobs every ``interval_seconds`` until cancelled (each job once per
    ``interval_seconds`` across all the node's workers)."""
    heartbeat = Heartbeat("periodic")
    every = timedelta(seconds=interval_seconds)
    while True:
        await heartbeat.beat()
        await run_due_jobs(node, every)
        await asyncio.sleep(interval_seconds)
