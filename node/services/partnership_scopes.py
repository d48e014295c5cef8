"""Changing what an accepted partnership shares (its scopes), on both sides.

Sharing less needs nobody's consent: it takes effect here at once and the partner is told with
``Update{object: Partnership(partnershipScope: the new list)}``, so it stops sending what we no
longer take and we stop sending what it no longer shares (scopes always hold both ways). Sharing
more needs both sides, like the partnership itself: our instance actor sends
``Offer{object: Partnership(partnershipScope: the wider list)}`` with the id of the partnership
already accepted, and the partner's ``Accept`` or ``Reject`` (the Offer embedded) settles it.
The request keeps only what it adds (:class:`~node.models.PartnershipScopeOffer`), so a narrowing
that crosses it on the wire is never undone by its acceptance. Until the partner answers, we may
withdraw it: ``Undo`` of that Offer, as ActivityStreams undoes any activity (Mastodon withdraws
a follow request the same way, ``Undo{Follow}``).

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
    PartnershipWideningAsked,
    PartnershipWideningDecided,
    PartnershipWideningWithdrawn,
)
from node.iris import new_activity_iri
from node.models import (
    Member,
    Partnership,
    PartnershipDirection,
    PartnershipScopeOffer,
    PartnershipStatus,
)
from node.services.committee import gates
from node.services.committee.changes import AcceptPartnershipScopes, ChangePartnershipScopes
from node.services.partnerships import MESSAGE_MAX, normalize_scopes
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


def joined(scopes: Iterable[str]) -> str:
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
            p.scopes = joined(s for s in p.scope_list if s not in removed)
            await p.save()
            await node.events.record(node, PartnershipNarrowed(partnership=p, removed=removed))
            partnerships_changed()
        if added:
            offer = await PartnershipScopeOffer.create(
                id=uuid.uuid4(),
                partnership=p,
                direction=PartnershipDirection.OUTGOING,
                scopes=joined(added),
                message=message,
                offer_activity_id=new_activity_iri(node.settings),
                decided_by_id=by.id if by is not None else None,
                created_at=clock.now(),
            )
            await node.events.record(node, PartnershipWideningAsked(partnership=p, offer=offer))
    partnerships_changed()  # again once committed (node.caches: the hold)
    if removed:
        await remove_shared_content(p.remote_domain, removed)
    return ScopesChanged(partnership=p, offer=offer)


async def remove_shared_content(domain: str, removed: Iterable[str]) -> None:
    """What the partner shared under the scopes that go leaves our node, as when a partnership
    ends (calls stay as they are then too: their association's ``Delete`` removes them)."""
    removed = set(removed)
    if "public_needs" in removed:
        await delete_domain_actions(domain)
    if "outreach" in removed:
        await remove_partner_visits(domain)
    if "guide" in removed:
        await remove_partner_places(domain)


def accept_change(p: Partnership, offer: PartnershipScopeOffer) -> AcceptPartnershipScopes:
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
    change = accept_change(p, offer)
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
            p.scopes = joined([*p.scope_list, *row.scope_list])
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


async def withdraw_request(
    node: NodeState, partnership: Partnership, *, by: Member | None = None
) -> PartnershipScopeOffer:
    """Withdraw our request to share more before the partner answers (404 when none waits).
    Not gated: it shares nothing. The partner is told with an ``Undo`` of our Offer."""
    async with in_transaction():
        offer = (
            await PartnershipScopeOffer.select_for_update()
            .filter(
                partnership_id=partnership.id,
                direction=PartnershipDirection.OUTGOING,
                status=PartnershipStatus.PENDING,
            )
            .first()
        )
        if offer is None:
            raise NotFound("We asked nothing more of this partner.")
        offer.status = PartnershipStatus.ENDED
        offer.decided_at = clock.now()
        offer.decided_by_id = by.id if by is not None else None
        await offer.save()
        await node.events.record(
            node, PartnershipWideningWithdrawn(partnership=partnership, offer=offer)
        )
        partnerships_changed()
    # What we asked counted for what we take from the partner (node.sql.partners): no more.
    partnerships_changed()
    return offer
