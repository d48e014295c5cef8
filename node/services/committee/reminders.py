"""What the committee is told, by SMS (many members have a basic phone and no data plan):

- a vote opens: each seated member with a phone gets a one-time vote link;
- 24 hours before the deadline: a new link to those who have not voted yet, and the
  facilitators are told when the quorum is at risk (fewer votes than needed).

Each step is claimed by a conditional UPDATE on the proposal (``links_sent_at``,
``reminded_at``), so several workers send it once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from node import clock
from node.messaging import OutgoingSms
from node.models import CommitteeMember, CommitteeProposal, CommitteeRole, ProposalState
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
    """The reminder a day before the deadline, and the quorum warning to facilitators."""
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
        claimed = await CommitteeProposal.filter(id=proposal.id, reminded_at=None).update(
            reminded_at=now
        )
        if not claimed:
            continue
        done += 1
        await send_vote_links(node, proposal)
        turnout = (await tally_of(proposal)).turnout
        if turnout < committee.quorum:
            await _warn_facilitators(node, proposal, turnout, committee.quorum)
    return done


async def _warn_facilitators(
    node: NodeState, proposal: CommitteeProposal, turnout: int, quorum: int
) -> None:
    facilitators = await CommitteeMember.filter(
        active_member_id__not_isnull=True, role=CommitteeRole.FACILITATOR
    ).select_related("member")
    body = (
        f"Comité de la rue : le vote n° {proposal.number} finit le {proposal.deadline:%d/%m}. "
        f"{turnout} vote(s) sur {quorum} nécessaires."
    )
    for seat in facilitators:
        if seat.member.phone:
            await node.sms.send(OutgoingSms(to=seat.member.phone, body=body))
