"""The public record: every closed proposal with its outcome, tally and execution, readable by
anyone (the decisions page, ``GET /api/v1/decisions``) and by partner nodes."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from node.errors import NotFound
from node.models import CommitteeProposal, Decision, ProposalOrigin, ProposalState

if TYPE_CHECKING:
    from node.state import NodeState

PAGE_MAX = 100


def decision_api_url(node: NodeState, decision: Decision) -> str:
    """Where partner nodes read a decision (JSON; its ``url`` is the page for people)."""
    return f"{node.settings.base_url.rstrip('/')}/api/v1/decisions/{decision.id}"


async def list_decisions(limit: int = 50, offset: int = 0) -> list[Decision]:
    return (
        await Decision.all()
        .select_related("proposal")
        .order_by("-decided_at")
        .offset(offset)
        .limit(min(limit, PAGE_MAX))
    )


async def get_decision(decision_id: uuid.UUID) -> Decision:
    decision = await Decision.get_or_none(id=decision_id).select_related("proposal")
    if decision is None:
        raise NotFound("No such decision.")
    return decision


async def emergencies_in_review() -> list[CommitteeProposal]:
    """Emergency blocks in force that the committee has not reviewed yet (public too)."""
    return await CommitteeProposal.filter(
        origin=ProposalOrigin.EMERGENCY, state=ProposalState.OPEN
    ).order_by("-created_at")


async def latest_decision_about(subject: str) -> Decision | None:
    """The newest decision on ``subject`` (e.g. ``partnership:<id>``)."""
    return (
        await Decision.filter(proposal__subject=subject)
        .select_related("proposal")
        .order_by("-decided_at")
        .first()
    )
