"""Periodic jobs (expiry of old actions and of sign-ups nobody verified, closing and purging
outreach rounds, mailing their reports), run in-process by ``serve`` by default and by
``entraide worker``.

Each job is an idempotent database update (or a claimed send), safe to run from several worker
processes at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from node.state import NodeState

from node.fed.network import refresh_partner_figures
from node.services.actions import expire_due_actions
from node.services.association_invitations import purge_expired as purge_expired_invitations
from node.services.committee.closing import close_due_proposals
from node.services.committee.reminders import send_opening_links, send_reminders
from node.services.guide_sms import purge_counters as purge_guide_sms_counters
from node.services.members import purge_unverified_sign_ups
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


async def run_forever(node: NodeState, interval_seconds: float = 60.0) -> None:
    """Run the jobs every ``interval_seconds`` until cancelled; a failing job is logged and
    retried on the next round rather than stopping the others."""
    heartbeat = Heartbeat("periodic")
    while True:
        await heartbeat.beat()
        for name, job in default_jobs(node).items():
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
