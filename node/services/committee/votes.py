"""Votes: for, against or abstain, with an optional comment, changeable until the deadline.

Only members holding a seat vote. A vote recorded in a meeting counts once the member confirmed
it (:mod:`.meetings`); every other vote counts at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from node import clock
from node.errors import Conflict, Forbidden, Unprocessable
from node.models import (
    CommitteeMember,
    CommitteeProposal,
    Meeting,
    Member,
    ProposalState,
    Vote,
    VoteChannel,
    VoteChoice,
)
from node.services.committee.rules import Tally

if TYPE_CHECKING:
    from node.state import NodeState

COMMENT_MAX = 500


async def seat_of(member: Member) -> CommitteeMember | None:
    return await CommitteeMember.get_or_none(active_member_id=member.id)


async def require_seat(member: Member) -> CommitteeMember:
    seat = await seat_of(member)
    if seat is None:
        raise Forbidden("Only members of the street committee can vote.")
    return seat


def require_open(proposal: CommitteeProposal) -> None:
    if proposal.state != ProposalState.OPEN or clock.now() >= proposal.deadline:
        raise Conflict("The vote on this proposal is closed.")


async def cast_vote(
    node: NodeState,
    proposal: CommitteeProposal,
    member: Member,
    choice: VoteChoice,
    *,
    comment: str = "",
    channel: VoteChannel = VoteChannel.WEB,
    meeting: Meeting | None = None,
) -> Vote:
    """Record (or change) ``member``'s vote on an open proposal."""
    await require_seat(member)
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise Unprocessable.field("comment", f"at most {COMMENT_MAX} characters")
    now = clock.now()
    counted = channel != VoteChannel.MEETING
    async with in_transaction():
        locked = await CommitteeProposal.select_for_update().get(id=proposal.id)
        require_open(locked)
        vote, created = await Vote.get_or_create(
            proposal=locked,
            member=member,
            defaults={
                "choice": choice,
                "comment": comment,
                "channel": channel,
                "meeting": meeting,
                "confirmed_at": now if counted else None,
                "confirmed_how": "",
                "cast_at": now,
            },
        )
        if not created:
            vote.choice = choice
            vote.comment = comment
            vote.channel = channel
            vote.meeting = meeting  # type: ignore[assignment]
            vote.confirmed_at = now if counted else None
            vote.confirmed_how = ""
            vote.cast_at = now
            await vote.save()
    return vote


async def tally_of(proposal: CommitteeProposal) -> Tally:
    """Counted votes of members who hold a seat now."""
    seated = CommitteeMember.filter(active_member_id__not_isnull=True).values_list(
        "member_id", flat=True
    )
    votes: list[str] = await Vote.filter(
        proposal_id=proposal.id, confirmed_at__not_isnull=True, member_id__in=await seated
    ).values_list("choice", flat=True)  # type: ignore[assignment]
    return Tally(
        votes_for=sum(1 for v in votes if v == VoteChoice.FOR),
        votes_against=sum(1 for v in votes if v == VoteChoice.AGAINST),
        votes_abstain=sum(1 for v in votes if v == VoteChoice.ABSTAIN),
    )


async def vote_of(proposal: CommitteeProposal, member: Member) -> Vote | None:
    return await Vote.get_or_none(proposal_id=proposal.id, member_id=member.id)


async def list_votes(proposal: CommitteeProposal) -> list[Vote]:
    return await Vote.filter(proposal_id=proposal.id).select_related("member").order_by("cast_at")
