"""What the street committee's members are told about its votes."""

from __future__ import annotations

from uuid import UUID

from node.events import (
    ProposalClosed,
    ProposalOpened,
    QuorumAtRisk,
    VoteReminderDue,
)
from node.models import (
    CommitteeMember,
    CommitteeProposal,
    CommitteeRole,
)
from node.notify.telling import tell
from node.state import NodeState

_RESULTS = {
    "approved": ("approuvé", "approved"),
    "refused": ("refusé", "refused"),
    "expired": ("pas assez de votants", "not enough voters"),
}


def _proposal_payload(proposal: CommitteeProposal, **extra: str) -> dict[str, str]:
    ref = str(proposal.id)
    url = f"/committee/proposals/{proposal.id}"
    return {"actor": "", "title": proposal.title, "url": url, "ref": ref, **extra}


async def _seated(role: CommitteeRole | None = None) -> list[UUID]:
    seats = CommitteeMember.filter(active_member_id__not_isnull=True)
    if role is not None:
        seats = seats.filter(role=role)
    ids: list[UUID] = await seats.values_list("active_member_id", flat=True)  # type: ignore[assignment]
    return ids


async def proposal_opened(node: NodeState, event: ProposalOpened) -> None:
    proposal = event.proposal
    await tell(node, "committee_vote_opened", await _seated(), None, _proposal_payload(proposal))


async def vote_reminder_due(node: NodeState, event: VoteReminderDue) -> None:
    payload = _proposal_payload(event.proposal)
    await tell(node, "committee_vote_reminder", event.not_voted, None, payload)


async def quorum_at_risk(node: NodeState, event: QuorumAtRisk) -> None:
    payload = _proposal_payload(
        event.proposal, turnout=str(event.turnout), quorum=str(event.quorum)
    )
    facilitators = await _seated(CommitteeRole.FACILITATOR)
    await tell(node, "committee_quorum_at_risk", facilitators, None, payload)


async def proposal_closed(node: NodeState, event: ProposalClosed) -> None:
    result_fr, result_en = _RESULTS[str(event.decision.outcome)]
    payload = _proposal_payload(event.proposal, result_fr=result_fr, result_en=result_en)
    await tell(node, "committee_result", await _seated(), None, payload)
