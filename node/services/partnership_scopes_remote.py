"""What a partner tells us about the scopes of our partnership: it shares less (``Update``),
asks to share more (``Offer``), answers or withdraws a request (``Accept``/``Reject`` of our
Offer, ``Undo`` of its own).

Every change is honoured only from the partner's instance actor stored on the accepted
partnership, and only for the ``Partnership`` object both sides hold (its id): another actor of
the same host, or another node naming our partnership, changes nothing. Bad input ends as
``False`` (the inbox records why it ignored the activity), never as an error.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from node import clock
from node.caches import partnerships_changed
from node.events import PartnershipNarrowed, PartnershipWideningAnswered
from node.models import (
    Partnership,
    PartnershipDirection,
    PartnershipScopeOffer,
    PartnershipStatus,
    ProposalOrigin,
    RemoteActor,
)
from node.services.committee.proposals import propose
from node.services.committee.rules import is_gated
from node.services.partnership_scopes import (
    SCOPES_IN_MAX,
    accept_change,
    joined,
    pending_offer,
    remove_shared_content,
)
from node.services.partnerships import MESSAGE_MAX, SCOPES, remote_link

if TYPE_CHECKING:
    from node.state import NodeState


async def partnership_with(sender: RemoteActor, object_iri: str | None) -> Partnership | None:
    """The accepted partnership whose ``Partnership`` object is ``object_iri``, with the node of
    ``sender`` and told by its instance actor only (the one that asked or accepted it)."""
    if not object_iri:
        return None
    p = await Partnership.get_or_none(
        object_iri=object_iri,
        active_domain=sender.domain,
        status=PartnershipStatus.ACCEPTED,
    )
    if p is None or p.remote_actor_iri != sender.ap_id:
        return None
    return p


def _known(scopes: Sequence[str]) -> list[str] | None:
    if len(scopes) > SCOPES_IN_MAX:
        return None
    return sorted({s for s in scopes if s in SCOPES})


async def remote_narrowed(
    sender: RemoteActor, object_iri: str | None, scopes: Sequence[str]
) -> bool:
    """The partner now shares only ``scopes`` (an ``Update`` of the partnership). Only the scopes
    we share already are kept: an ``Update`` never widens (that takes our consent). False when
    nothing applied."""
    p = await partnership_with(sender, object_iri)
    known = _known(scopes)
    if p is None or known is None:
        return False
    kept = [s for s in p.scope_list if s in known]
    if not kept or kept == p.scope_list:
        return False  # nothing left (an Undo ends a partnership), or already so (redelivered)
    removed = [s for s in p.scope_list if s not in kept]
    async with in_transaction():
        p = await Partnership.select_for_update().get(id=p.id)
        p.scopes = joined(s for s in p.scope_list if s in kept)
        await p.save()
        partnerships_changed()
    partnerships_changed()
    await remove_shared_content(p.remote_domain, removed)
    return True


async def receive_widening(
    node: NodeState,
    sender: RemoteActor,
    p: Partnership,
    *,
    offer_id: str,
    scopes: Sequence[str],
    message: str,
    committee_decision: str | None = None,
) -> PartnershipScopeOffer | None:
    """The partner asks to share more within ``p`` (its ``Offer`` names the wider list): kept
    for our admins, and a committee proposal at once where partnerships are gated. None when it
    adds nothing we know, or one of its requests already waits."""
    known = _known(scopes)
    if known is None:
        return None
    added = [s for s in known if s not in p.scope_list]
    if not added or await pending_offer(p, PartnershipDirection.INCOMING):
        return None
    if await PartnershipScopeOffer.filter(offer_activity_id=offer_id).exists():
        return None
    offer = await PartnershipScopeOffer.create(
        id=uuid.uuid4(),
        partnership=p,
        direction=PartnershipDirection.INCOMING,
        scopes=joined(added),
        message=message[:MESSAGE_MAX],
        offer_activity_id=offer_id,
        remote_decision_iri=remote_link(committee_decision),
        created_at=clock.now(),
    )
    change = accept_change(p, offer)
    if await is_gated(change.gate):
        await propose(node, change, origin=ProposalOrigin.REMOTE, by=None)
    return offer


async def remote_widening_answer(
    node: NodeState,
    sender: RemoteActor,
    offer_id: str,
    *,
    accepted: bool,
    activity_id: str,
    committee_decision: str | None = None,
) -> bool:
    """The partner accepted or refused our request to share more; False when it matches none."""
    offer = await PartnershipScopeOffer.get_or_none(
        offer_activity_id=offer_id, direction=PartnershipDirection.OUTGOING
    )
    if offer is None:
        return False
    if offer.status == PartnershipStatus.ENDED and accepted:
        # We withdrew the request while the partner accepted it: its Undo and our Accept crossed.
        # We tell it again what we share (an Update), so both sides hold the same list.
        p = await Partnership.get(id=offer.partnership_id)  # type: ignore[attr-defined]
        if p.status != PartnershipStatus.ACCEPTED or p.remote_actor_iri != sender.ap_id:
            return False
        removed = tuple(offer.scope_list)
        await node.events.record(node, PartnershipNarrowed(partnership=p, removed=removed))
        return True
    if offer.status != PartnershipStatus.PENDING:
        return False
    async with in_transaction():
        p = await Partnership.select_for_update().get(id=offer.partnership_id)  # type: ignore[attr-defined]
        if p.status != PartnershipStatus.ACCEPTED or p.remote_actor_iri != sender.ap_id:
            return False
        offer.status = PartnershipStatus.ACCEPTED if accepted else PartnershipStatus.REJECTED
        offer.decided_at = clock.now()
        offer.decision_activity_id = activity_id
        offer.remote_decision_iri = remote_link(committee_decision)
        await offer.save()
        if accepted:
            p.scopes = joined([*p.scope_list, *offer.scope_list])
            await p.save()
            partnerships_changed()
        await node.events.record(node, PartnershipWideningAnswered(partnership=p, offer=offer))
    partnerships_changed()
    return True


async def remote_withdrawn(sender: RemoteActor, offer_id: str) -> bool:
    """The partner withdrew its request to share more (``Undo`` of its Offer) before we answered:
    it waits no more for our admins or committee. False when no pending request of its matches
    (answered already: our Accept crossed its Undo, and its Update will follow)."""
    offer = await PartnershipScopeOffer.get_or_none(
        offer_activity_id=offer_id,
        direction=PartnershipDirection.INCOMING,
        status=PartnershipStatus.PENDING,
    ).select_related("partnership")
    if offer is None or offer.partnership.remote_actor_iri != sender.ap_id:
        return False
    offer.status = PartnershipStatus.ENDED
    offer.decided_at = clock.now()
    await offer.save()
    return True
