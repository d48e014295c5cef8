"""Closing a proposal at its deadline, and carrying out an approved change exactly once.

Both steps are claims by one conditional UPDATE (``state = 'open'`` → result; ``executed_at IS
NULL`` → now), so two workers that see the same deadline or the same approval close and execute
it once: the loser's UPDATE matches no row. The execution runs in the claim's transaction: if the
change fails (the partnership was withdrawn meanwhile…), the claim rolls back with it and the
decision records why nothing happened.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from node import clock
from node.errors import Problem
from node.events import ProposalClosed
from node.models import CommitteeProposal, Decision, ProposalOrigin, ProposalState
from node.services.committee.changes import (
    BlockDomain,
    GiveOpinion,
    UnblockDomain,
    parse_change,
)
from node.services.committee.rules import get_committee, outcome
from node.services.committee.votes import tally_of

if TYPE_CHECKING:
    from node.state import NodeState


class _ExecutionFailed(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


async def close_proposal(node: NodeState, proposal: CommitteeProposal) -> Decision | None:
    """Count the votes and record the decision; None when another worker closed it first."""
    committee = await get_committee()
    now = clock.now()
    async with in_transaction():
        tally = await tally_of(proposal)
        result = outcome(tally, committee.quorum)
        claimed = await CommitteeProposal.filter(id=proposal.id, state=ProposalState.OPEN).update(
            state=result, closed_at=now, open_subject=None
        )
        if not claimed:
            return None
        decision = await Decision.create(
            id=uuid.uuid4(),
            proposal_id=proposal.id,
            outcome=result,
            votes_for=tally.votes_for,
            votes_against=tally.votes_against,
            votes_abstain=tally.votes_abstain,
            quorum=committee.quorum,
            decided_at=now,
        )
        proposal.state, proposal.closed_at, proposal.open_subject = result, now, None
        await node.events.record(node, ProposalClosed(proposal=proposal, decision=decision))
    proposal.state, proposal.closed_at, proposal.open_subject = result, now, None
    if proposal.origin == ProposalOrigin.EMERGENCY:
        await _review_emergency(node, proposal, decision)
    elif proposal.kind == GiveOpinion.model_fields["kind"].default:
        await execute_decision(node, decision)  # whatever the result, it is our answer
    elif result == ProposalState.APPROVED:
        await execute_decision(node, decision)
    return decision


async def _review_emergency(
    node: NodeState, proposal: CommitteeProposal, decision: Decision
) -> None:
    """An emergency block is already in force: confirmed, it stays (and without quorum too:
    an abuse block does not lapse by silence); refused, the node lifts it."""
    if decision.outcome != ProposalState.REFUSED:
        await Decision.filter(id=decision.id).update(executed_at=proposal.created_at)
        decision.executed_at = proposal.created_at
        return
    change = parse_change(proposal.change)
    if isinstance(change, BlockDomain):
        await execute_decision(node, decision, revert=UnblockDomain(domain=change.domain))


async def execute_decision(
    node: NodeState, decision: Decision, *, revert: UnblockDomain | None = None
) -> bool:
    """Carry out the decision's change (or ``revert``) once; False when already claimed."""
    proposal = await CommitteeProposal.get(id=decision.proposal_id)  # type: ignore[attr-defined]
    change = revert or parse_change(proposal.change)
    now = clock.now()
    try:
        async with in_transaction():
            claimed = await Decision.filter(
                id=decision.id, executed_at=None, execution_error=None
            ).update(executed_at=now)
            if not claimed:
                return False
            decision.executed_at = now
            try:
                await node.committee_executors[change.kind](node, change, decision)
            except Problem as exc:
                raise _ExecutionFailed(exc.detail) from exc
    except _ExecutionFailed as failed:
        decision.executed_at = None
        decision.execution_error = failed.detail[:500]
        await Decision.filter(id=decision.id, executed_at=None).update(
            execution_error=decision.execution_error
        )
        return False
    return True


async def close_due_proposals(node: NodeState) -> int:
    """Close every open proposal whose deadline has passed (a periodic job)."""
    due = await CommitteeProposal.filter(state=ProposalState.OPEN, deadline__lte=clock.now())
    closed = 0
    for proposal in due:
        if await close_proposal(node, proposal) is not None:
            closed += 1
    return closed
