"""What the committee is told, by SMS (many members have a basic phone and no data plan):

- a vote opens: each seated member with a phone gets a one-time vote link;
- 24 hours before the deadline: a new link to those who have not voted yet, and the
  facilitators are told when the quorum is at risk (fewer votes than needed).

The same moments are events (:class:`~node.events.VoteReminderDue`,
:class:`~node.events.QuorumAtRisk`) that the notifications listener turns into in-app, push,
mail (and, for the facilitators' warning, SMS) notifications, within the node's SMS caps.

Each step is claimed by a conditional UPDATE on the proposal (``links_sent_at``,
``reminded_at``), so several workers send it once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from tortoise.transactions import in_transaction

from node import clock
from node.events import QuorumAtRisk, VoteReminderDue
from node.models import CommitteeMember, CommitteeProposal, ProposalState, Vote
from node.services.committee.links import send_vote_links
from node.services.committee.rules import get_committee
from node.services.committee.votes import tally_of

if TYPE_CHECKING:
    from node.state import NodeState

REMIND_BEFORE = timedelta(hours=24)


async def send_opening_links(node: NodeState) -> int:
    """Text the vote links of proposals that just opened; returns how many proposals."""
    now = clock.now()
    due = await CommitteeProposal.filter(
        state=ProposalState.OPEN, links_sent_at=None, deadline__gt=now
    )
    done = 0
    for proposal in due:
        claimed = await CommitteeProposal.filter(id=proposal.id, links_sent_at=None).update(
            links_sent_at=now
        )
        if claimed:
            await send_vote_links(node, proposal)
            done += 1
    return done


async def send_reminders(node: NodeState) -> int:
    """The reminder a day before the deadline (a new link and a notification to those who
    have not voted), and the quorum warning to facilitators; once per proposal."""
    now = clock.now()
    due = await CommitteeProposal.filter(
        state=ProposalState.OPEN,
        reminded_at=None,
        deadline__gt=now,
        deadline__lte=now + REMIND_BEFORE,
    )
    committee = await get_committee()
    done = 0
    for proposal in due:
        async with in_transaction():
            claimed = await CommitteeProposal.filter(id=proposal.id, reminded_at=None).update(
                reminded_at=now
            )
            if not claimed:
                continue
            voted = set(
                await Vote.filter(proposal_id=proposal.id).values_list("member_id", flat=True)
            )
            seated: list[UUID] = await CommitteeMember.filter(
                active_member_id__not_isnull=True
            ).values_list("active_member_id", flat=True)  # type: ignore[assignment]
            not_voted = tuple(m for m in seated if m not in voted)
            await node.events.record(node, VoteReminderDue(proposal=proposal, not_voted=not_voted))
            turnout = (await tally_of(proposal)).turnout
            if turnout < committee.quorum:
                await node.events.record(
                    node, QuorumAtRisk(proposal=proposal, turnout=turnout, quorum=committee.quorum)
                )
        done += 1
        await send_vote_links(node, proposal)
    return done
