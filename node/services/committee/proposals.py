"""Opening proposals: one open proposal per subject; the deadline follows the committee's rules."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from node import clock
from node.errors import Conflict, NotFound
from node.events import ProposalOpened
from node.models import CommitteeProposal, Member, ProposalOrigin, ProposalState
from node.services.committee.changes import Change, dump_change
from node.services.committee.rules import get_committee

if TYPE_CHECKING:
    from node.state import NodeState

_NUMBER_TRIES = 5


async def propose(
    node: NodeState,
    change: Change,
    *,
    origin: ProposalOrigin,
    by: Member | None,
    deadline: datetime | None = None,
) -> CommitteeProposal:
    """Open a proposal for ``change``; the open proposal of the same change when there is one
    already (asking twice is harmless); 409 when another change of the same subject is open."""
    payload = dump_change(change)
    existing = await CommitteeProposal.get_or_none(open_subject=change.subject)
    if existing is not None:
        if existing.change == payload:
            return existing
        raise Conflict(
            f"Proposal {existing.number} about the same thing is open; wait for its result."
        )
    committee = await get_committee()
    described = change.describe()
    before, after = change.before_after(await change.current())
    now = clock.now()
    for _ in range(_NUMBER_TRIES):
        try:
            async with in_transaction():
                last = await CommitteeProposal.all().order_by("-number").first()
                number = last.number + 1 if last else 1
                proposal = await CommitteeProposal.create(
                    id=uuid.uuid4(),
                    number=number,
                    kind=change.kind,
                    gate=change.gate.value,
                    title=described.title_fr,
                    title_en=described.title_en,
                    summary_fr=described.summary_fr,
                    summary_en=described.summary_en,
                    change=payload,
                    before=before,
                    after=after,
                    subject=change.subject,
                    open_subject=change.subject,
                    origin=origin,
                    proposed_by=by,
                    state=ProposalState.OPEN,
                    created_at=now,
                    deadline=deadline or now + timedelta(days=committee.voting_days),
                )
                await node.events.record(node, ProposalOpened(proposal=proposal))
                return proposal
        except IntegrityError:  # a parallel proposal took the number or the subject
            existing = await CommitteeProposal.get_or_none(open_subject=change.subject)
            if existing is not None:
                if existing.change == payload:
                    return existing
                raise Conflict(
                    f"Proposal {existing.number} about the same thing is open; wait for its result."
                ) from None
    raise Conflict("Too many proposals at once; try again.")


async def get_proposal(proposal_id: uuid.UUID) -> CommitteeProposal:
    proposal = await CommitteeProposal.get_or_none(id=proposal_id)
    if proposal is None:
        raise NotFound("No such proposal.")
    return proposal


async def list_proposals(
    state: ProposalState | None = None, limit: int = 50, offset: int = 0
) -> list[CommitteeProposal]:
    query = CommitteeProposal.all()
    if state is not None:
        query = query.filter(state=state)
    return await query.order_by("-number").offset(offset).limit(limit)


async def open_proposal_about(subject: str) -> CommitteeProposal | None:
    return await CommitteeProposal.get_or_none(open_subject=subject)
