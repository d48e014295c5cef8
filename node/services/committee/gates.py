"""The gate every gated service function passes first.

In a gated area an admin's action (web page, API or command line) does not take effect: it
becomes a proposal, and :class:`Proposed` tells the caller so (the API answers 202 with the
proposal; the pages show it). Once the committee approves, the node calls the same service
function again with the :class:`~node.models.Decision`; :func:`require` lets that call through,
and only that one (the decision's execution is claimed once, see :mod:`.closing`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from node.errors import Conflict, Problem
from node.models import CommitteeProposal, Decision, Member, ProposalOrigin
from node.services.committee.changes import Change, parse_change
from node.services.committee.rules import is_gated

if TYPE_CHECKING:
    from node.state import NodeState


class Proposed(Problem):
    """The change waits for the street committee (HTTP 202 Accepted: nothing changed yet)."""

    status = 202

    def __init__(self, proposal: CommitteeProposal) -> None:
        super().__init__(
            f"This change needs the street committee's approval: proposal {proposal.number} "
            "is open for votes."
        )
        self.proposal = proposal


async def require(
    node: NodeState,
    change: Change,
    *,
    by: Member | None = None,
    decision: Decision | None = None,
    emergency: bool = False,
) -> CommitteeProposal | None:
    """Let ``change`` happen now, or raise :class:`Proposed`.

    - ``decision``: the node is carrying out an approved decision (or reverting a refused
      emergency): it must be the claimed execution of a proposal about the same subject.
    - ``emergency``: the change takes effect at once (an abuse block) and a proposal asks the
      committee to confirm or revert it; that proposal is returned.
    """
    if decision is not None:
        await _check_decision(decision, change)
        return None
    if not await is_gated(change.gate):
        return None
    from node.services.committee.proposals import propose

    if emergency:
        return await propose(node, change, origin=ProposalOrigin.EMERGENCY, by=by)
    raise Proposed(await propose(node, change, origin=ProposalOrigin.ADMIN, by=by))


async def _check_decision(decision: Decision, change: Change) -> None:
    proposal = await CommitteeProposal.get(id=decision.proposal_id)  # type: ignore[attr-defined]
    if decision.executed_at is None or parse_change(proposal.change).subject != change.subject:
        raise Conflict("This decision does not allow this change.")
