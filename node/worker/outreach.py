"""Periodic jobs of street outreach: close rounds left open, purge encounter details after their
retention, mail the reports of ended rounds.

Closing and purging are plain database updates (their deadlines were stored on the round from
the settings when it started and ended). Mailing needs the node's mail backend, so that job is
scheduled only where the node is known: in the app's worker task, or in a test that runs the
jobs inside ``app.app_context()``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from quart import has_app_context

from node.services.encounters import purge_due_details
from node.services.outreach_report import mail_pending_reports
from node.services.rounds import close_overdue_rounds
from node.state import current_node


async def mail_round_reports() -> int:
    return await mail_pending_reports(current_node().mail)


def outreach_jobs() -> dict[str, Callable[[], Awaitable[int]]]:
    """In the order they must run: a round closed in this pass is reported in the same pass."""
    jobs: dict[str, Callable[[], Awaitable[int]]] = {
        "close_overdue_rounds": close_overdue_rounds,
        "purge_encounter_details": purge_due_details,
    }
    if has_app_context():
        jobs["mail_round_reports"] = mail_round_reports
    return jobs
