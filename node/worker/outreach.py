"""Periodic jobs of street outreach: close rounds left open, purge encounter details after their
retention, mail the summaries of ended rounds.

Closing and purging are plain database updates (their deadlines were stored on the round from
the settings when it started and ended); mailing uses the node's mail backend.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from node.services.encounters import purge_due_details
from node.services.round_summaries import mail_pending_summaries
from node.services.rounds import close_overdue_rounds

if TYPE_CHECKING:
    from node.state import NodeState


def outreach_jobs(node: NodeState) -> dict[str, Callable[[], Awaitable[int]]]:
    """In the order they must run: a round closed in this pass is summarised in the same pass."""

    async def mail_round_summaries() -> int:
        return await mail_pending_summaries(
            node.mail,
            language=node.settings.default_language,
            timezone=node.settings.timezone,
        )

    return {
        "close_overdue_rounds": close_overdue_rounds,
        "purge_encounter_details": purge_due_details,
        "mail_round_summaries": mail_round_summaries,
    }
