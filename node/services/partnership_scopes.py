"""Changing what an accepted partnership shares (its scopes), on both sides.

Sharing less needs nobody's consent: it takes effect here at once and the partner is told with
``Update{object: Partnership(partnershipScope: the new list)}``, so it stops sending what we no
longer take and we stop sending what it no longer shares (scopes always hold both ways). Sharing
more needs both sides, like the partnership itself: our instance actor sends
``Offer{object: Partnership(partnershipScope: the wider list)}`` with the id of the partnership
already accepted, and the partner's ``Accept`` or ``Reject`` (the Offer embedded) settles it.
The request keeps only what it adds (:class:`~node.models.PartnershipScopeOffer`), so a narrowing
that crosses it on the wire is never undone by its acceptance.

Both are gated by the street committee: our admins' change opens a proposal where the node's
policy says so, and a partner's request to share more opens one at once, as a partnership
request does (:mod:`node.services.partnerships`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from node import clock
from node.caches import partnerships_changed
from node.errors import Conflict, NotFound, Unprocessable
from node.events import (
    PartnershipNarrowed,
    PartnershipWideningAnswered,
    PartnershipWideningAsked,
    PartnershipWideningDecided,
)
from node.iris import new_activity_iri
from node.models import (
    Member,
    Partnership,
    PartnershipDirection,
    PartnershipScopeOffer,
    PartnershipStatus,
    ProposalOrigin,
    RemoteActor,
)
from node.services.committee import gates
from node.services.committee.changes import AcceptPartnershipScopes, ChangePartnershipScopes
from node.services.committee.proposals import propose
from node.services.committee.rules import is_gated
from node.services.partnerships import MESSAGE_MAX, SCOPES, normalize_scopes, remote_link
from node.services.places.remote import remove_partner_places
from node.services.remote_actions import delete_domain_actions
from node.services.visits import remove_partner_visits

if TYPE_CHECKING:
    from node.models import Decision
    from node.state import NodeState

# More entries than there are scopes, many times over, is not a partnership document.
SCOPES_IN_MAX = 32


@dataclass(frozen=True)
class ScopesChanged:
    """What a change did: the partnership as it is now, and our request to share more (pending
    until the partner answers) when the change added something."""

    partnership: Partnership
    offer: PartnershipScopeOffer | None


def _joined(scopes: Iterable[str]) -> str:
    return ",".join(sorted(set(scopes)))


async def pending_offer(
    p: Partnership, direction: PartnershipDirection
) -> PartnershipScopeOffer | None:
    return await PartnershipScopeOffer.get_or_none(
        partnership_id=p.id, direction=direction, status=PartnershipStatus.PENDING
    )


async def pending_offers() -> dict[uuid.UUID, list[PartnershipScopeOffer]]:
    """Every pending request to share more, by partnership (for the admin pages)."""
    out: dict[uuid.UUID, list[PartnershipScopeOffer]] = {}
    for row in await PartnershipScopeOffer.filter(status=PartnershipStatus.PENDING):
        out.setdefault(row.partnership_id, []).append(row)  # type: ignore[attr-defined]
    return out


# --- our admins change the scopes -----------------------------------------------------------


async def change_scopes(
    node: NodeState,
    partnership: Partnership,
    scopes: Sequence[str],
    *,
    message: str = "",
    by: Member | None = None,
    decision: Decision | None = None,
) -> ScopesChanged:
    """Share exactly ``scopes`` with the partner: what goes stops now, what comes is asked.

    422 for no or unknown scopes, a long message, or the scopes shared already; 409 when the
    partnership is not accepted or our earlier request to share more waits for an answer;
    gated by the committee (:class:`~node.services.committee.gates.Proposed`)."""
    wanted = normalize_scopes(scopes).split(",")
    message = message.strip()
    if len(message) > MESSAGE_MAX:
        raise Unprocessable.field("message", f"at most {MESSAGE_MAX} characters")
    if partnership.status != PartnershipStatus.ACCEPTED:
        raise Conflict(f"This partnership is {partnership.status.value}: it shares nothing.")
    current = partnership.scope_list
    if wanted == current:
        raise Unprocessable.field("scopes", "The partnership shares exactly these already.")
    if set(wanted) - set(current) and await pending_offer(
        partnership, PartnershipDirection.OUTGOING
    ):
        raise Conflict("Our request to share more waits for the partner's answer.")
    change = ChangePartnershipScopes(
        partnership_id=partnership.id,
        domain=partnership.remote_domain,
        before=current,
        after=wanted,
        message=message,
    )
    await gates.require(node, change, by=by, decision=decision)

    removed: tuple[str, ...] = ()
    offer = None
    async with in_transaction():
        p = await Partnership.select_for_update().get(id=partnership.id)
        if p.status != PartnershipStatus.ACCEPTED:
            raise Conflict(f"This partnership is {p.status.value}: it shares nothing.")
        # Against the scopes as they are now (a partner's narrowing may have come meanwhile).
        removed = tuple(s for s in p.scope_list if s not in wanted)
        added = [s for s in wanted if s not in p.scope_list]
        if added and await pending_offer(p, PartnershipDirection.OUTGOING):
            raise Conflict("Our request to share more waits for the partner's answer.")
        if removed:
            p.scopes = _joined(s for s in p.scope_list if s not in removed)
            await p.save()
            await node.events.record(node, PartnershipNarrowed(partnership=p, removed=removed))
            partnerships_changed()
        if added:
            offer = await PartnershipScopeOffer.create(
                id=uuid.uuid4(),
                partnership=p,
                direction=PartnershipDirection.OUTGOING,
                scopes=_joined(added),
                message=message,
                offer_activity_id=new_activity_iri(node.settings),
                decided_by_id=by.id if by is not None else None,
                created_at=clock.now(),
            )
            await node.events.record(node, PartnershipWideningAsked(partnership=p, offer=offer))
    partnerships_changed()  # again once committed (node.caches: the hold)
    if removed:
        await _withdraw(p.remote_domain, removed)
    return ScopesChanged(partnership=p, offer=offer)


async def _withdraw(domain: str, removed: Iterable[str]) -> None:
    """What the partner shared under the scopes that go leaves our node, as when a partnership
    ends (calls stay as they are then too: their association's ``Delete`` removes them)."""
    removed = set(removed)
    if "public_needs" in removed:
        await delete_domain_actions(domain)
    if "outreach" in removed:
        await remove_partner_visits(domain)
    if "guide" in removed:
        await remove_partner_places(domain)


# --- the partner's side of it ---------------------------------------------------------------


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
        p.scopes = _joined(s for s in p.scope_list if s in kept)
        await p.save()
        partnerships_changed()
    partnerships_changed()
    await _withdraw(p.remote_domain, removed)
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
        scopes=_joined(added),
        message=message[:MESSAGE_MAX],
        offer_activity_id=offer_id,
        remote_decision_iri=remote_link(committee_decision),
        created_at=clock.now(),
    )
    change = _accept_change(p, offer)
    if await is_gated(change.gate):
        await propose(node, change, origin=ProposalOrigin.REMOTE, by=None)
    return offer


def _accept_change(p: Partnership, offer: PartnershipScopeOffer) -> AcceptPartnershipScopes:
    return AcceptPartnershipScopes(
        offer_id=offer.id,
        partnership_id=p.id,
        domain=p.remote_domain,
        before=p.scope_list,
        added=offer.scope_list,
    )


async def incoming_request(p: Partnership) -> PartnershipScopeOffer:
    """The partner's request to share more within ``p`` that waits for our answer (404 if none)."""
    offer = await pending_offer(p, PartnershipDirection.INCOMING)
    if offer is None:
        raise NotFound("The partner asks nothing more.")
    return offer


async def get_offer(offer_id: uuid.UUID) -> PartnershipScopeOffer:
    offer = await PartnershipScopeOffer.get_or_none(id=offer_id).select_related("partnership")
    if offer is None:
        raise NotFound("No such request to share more.")
    return offer


async def decide_widening(
    node: NodeState,
    offer: PartnershipScopeOffer,
    *,
    accept: bool,
    decided_by: Member | None,
    decision: Decision | None = None,
) -> PartnershipScopeOffer:
    """Accept or refuse a partner's request to share more. Accepting is gated like accepting a
    partnership; refusing is not (it shares nothing)."""
    from node.services.committee.decisions import decision_api_url, latest_decision_about

    if offer.direction != PartnershipDirection.INCOMING:
        raise Conflict("Only the node that was asked decides; wait for their answer.")
    if offer.status != PartnershipStatus.PENDING:
        raise Conflict(f"This request is already {offer.status.value}.")
    p = await Partnership.get(id=offer.partnership_id)  # type: ignore[attr-defined]
    if p.status != PartnershipStatus.ACCEPTED:
        raise Conflict(f"This partnership is {p.status.value}: it shares nothing.")
    change = _accept_change(p, offer)
    if accept:
        await gates.require(node, change, by=decided_by, decision=decision)
    async with in_transaction():
        row = await PartnershipScopeOffer.select_for_update().get(id=offer.id)
        if row.status != PartnershipStatus.PENDING:
            raise Conflict(f"This request is already {row.status.value}.")
        p = await Partnership.select_for_update().get(id=p.id)
        if p.status != PartnershipStatus.ACCEPTED:
            raise Conflict(f"This partnership is {p.status.value}: it shares nothing.")
        row.status = PartnershipStatus.ACCEPTED if accept else PartnershipStatus.REJECTED
        row.decided_at = clock.now()
        row.decided_by_id = decided_by.id if decided_by is not None else None
        row.decision_activity_id = new_activity_iri(node.settings)
        await row.save()
        if accept:
            p.scopes = _joined([*p.scope_list, *row.scope_list])
            await p.save()
            partnerships_changed()
        if decision is None:
            decision = await latest_decision_about(change.subject)
        link = decision_api_url(node, decision) if decision is not None else None
        await node.events.record(
            node, PartnershipWideningDecided(partnership=p, offer=row, committee_decision=link)
        )
    partnerships_changed()
    return row


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
    if offer is None or offer.status != PartnershipStatus.PENDING:
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
            p.scopes = _joined([*p.scope_list, *offer.scope_list])
            await p.save()
            partnerships_changed()
        await node.events.record(node, PartnershipWideningAnswered(partnership=p, offer=offer))
    partnerships_changed()
    return True
