"""The committee's rules (quorum, majority, voting period) and the tally that applies them.

Defaults: quorum 5, simple majority of votes cast, 7 days. "Votes cast" follows the French
*suffrages exprimés*: an abstention counts towards the quorum (the member took part) but not
towards the majority. A tie is not a majority: the proposal is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from node import clock
from node.models import Committee, CommitteeMember, ProposalState

DEFAULT_QUORUM = 5
DEFAULT_VOTING_DAYS = 7
QUORUM_MAX = 100
VOTING_DAYS_MAX = 60


class Gate(StrEnum):
    """Areas whose changes wait for the committee (the node's policy lists which)."""

    PARTNERSHIPS = "partnerships"  # accepting or ending a partnership
    FEDERATION_POLICY = "federation_policy"  # allowlist mode and domain blocks
    ASSOCIATIONS = "associations"  # approving an association
    COMMITTEE = "committee"  # the committee's own members, rules and gate list
    CHARTER = "charter"  # the node's ethics charter
    MODERATION = "moderation"  # the node's house rules (what moderators enforce)


DEFAULT_GATES = tuple(g.value for g in Gate)


@dataclass(frozen=True)
class Tally:
    votes_for: int
    votes_against: int
    votes_abstain: int

    @property
    def turnout(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain


def outcome(tally: Tally, quorum: int) -> ProposalState:
    """The result of a closed vote: EXPIRED without quorum, else APPROVED when more members
    voted for than against (abstentions aside), else REFUSED (a tie included)."""
    if tally.turnout < quorum:
        return ProposalState.EXPIRED
    if tally.votes_for > tally.votes_against:
        return ProposalState.APPROVED
    return ProposalState.REFUSED


async def get_committee() -> Committee:
    """The node's committee (created with the default rules and gates on first use)."""
    row, _ = await Committee.get_or_create(
        id=1,
        defaults={
            "quorum": DEFAULT_QUORUM,
            "voting_days": DEFAULT_VOTING_DAYS,
            "gates": ",".join(DEFAULT_GATES),
            "updated_at": clock.now(),
        },
    )
    return row


async def seat_count() -> int:
    return await CommitteeMember.filter(active_member_id__not_isnull=True).count()


async def is_gated(gate: Gate) -> bool:
    """Whether changes in ``gate`` wait for the committee. A node whose committee has no
    member yet has nobody to ask: its admins decide until the first members are named."""
    committee = await get_committee()
    return gate.value in committee.gate_list and await seat_count() > 0
