"""Publishing partnership changes decided here (DESIGN §4), from the instance actor.

* asked: ``Offer{object: Partnership(scopes, summary), target: them}``;
* decided (an incoming request): ``Accept`` or ``Reject`` with their Offer embedded;
* ended: ``Undo`` of our own Offer (we asked) or of our own Accept (they asked);
* sharing less: ``Update`` of the partnership's object with the shorter list;
* sharing more: a new ``Offer`` of the same object with the wider list, answered by ``Accept`` or
  ``Reject`` like the first one.

The activity ids (``offer_activity_id``, ``decision_activity_id``) are chosen by the
partnerships service and stored on the row, so an Undo or Accept can embed them again later.
"""

from __future__ import annotations

from typing import Any

from federation import build, objects
from federation.vocab import PartnershipScope
from node.fed.outbox import publish
from node.fed.remote import get_remote_actor
from node.iris import instance_actor_iri, new_activity_iri
from node.models import (
    Partnership,
    PartnershipDirection,
    PartnershipScopeOffer,
    PartnershipStatus,
    RemoteActor,
)
from node.state import NodeState


def offer_document(node: NodeState, p: Partnership, *, context: bool = False) -> dict[str, Any]:
    """The Offer that asked for ``p``, as it was sent (to embed it in Accept/Reject/Undo)."""
    local = instance_actor_iri(node.settings)
    asker, asked = (
        (local, p.remote_actor_iri)
        if p.direction == PartnershipDirection.OUTGOING
        else (p.remote_actor_iri, local)
    )
    return build.offer(
        id=p.offer_activity_id,
        actor=asker,
        object=objects.partnership(
            id=p.object_iri,
            attributed_to=asker,
            scopes=[PartnershipScope(s) for s in p.scope_list],
            summary=p.message or None,
        ),
        target=asked,
        context=context,
    )


async def send_offer(node: NodeState, p: Partnership) -> None:
    remote = await get_remote_actor(node, p.remote_actor_iri)
    await publish(node, offer_document(node, p, context=True), to=[remote])


async def send_decision(
    node: NodeState, p: Partnership, committee_decision: str | None = None
) -> None:
    remote = await get_remote_actor(node, p.remote_actor_iri)
    assert p.decision_activity_id is not None, "decided partnerships carry their answer's id"
    builder = build.accept if p.status == PartnershipStatus.ACCEPTED else build.reject
    activity = builder(
        id=p.decision_activity_id,
        actor=instance_actor_iri(node.settings),
        object=offer_document(node, p),
        committee_decision=committee_decision,
    )
    await publish(node, activity, to=[remote])


async def send_undo(node: NodeState, p: Partnership, *, farewell: bool = False) -> None:
    """``Undo`` to the partner. A ``farewell`` (the partnership ends by a domain block) goes to
    the stored partner actor without fetching it (the domain is blocked by now), past the block:
    the one delivery a block lets through, so the other side does not keep it "accepted"."""
    if farewell:
        stored = await RemoteActor.get_or_none(ap_id=p.remote_actor_iri)
        if stored is None:
            return
        remote = stored
    else:
        remote = await get_remote_actor(node, p.remote_actor_iri)
    local = instance_actor_iri(node.settings)
    undone: dict[str, Any] = offer_document(node, p)
    if p.direction == PartnershipDirection.INCOMING:
        undone = build.accept(
            id=p.decision_activity_id or f"{p.offer_activity_id}#accept",
            actor=local,
            object=undone,
            context=False,
        )
    activity = build.undo(id=new_activity_iri(node.settings), actor=local, object=undone)
    await publish(node, activity, to=[remote], farewell=farewell)


# --- what an accepted partnership shares (node.services.partnership_scopes) -------------------


def _asker(node: NodeState, p: Partnership) -> str:
    local = instance_actor_iri(node.settings)
    return local if p.direction == PartnershipDirection.OUTGOING else p.remote_actor_iri


def _partnership_object(
    node: NodeState, p: Partnership, scopes: list[str], summary: str | None = None
) -> dict[str, Any]:
    # The same object the first Offer carried (its id, its asker), with the new list: both
    # sides hold one partnership, and either one may change what it shares.
    return objects.partnership(
        id=p.object_iri,
        attributed_to=_asker(node, p),
        scopes=[PartnershipScope(s) for s in scopes],
        summary=summary,
    )


async def send_narrowed(node: NodeState, p: Partnership) -> None:
    """``Update`` of the partnership with what it shares now (less than before)."""
    remote = await get_remote_actor(node, p.remote_actor_iri)
    activity = build.update(
        id=new_activity_iri(node.settings),
        actor=instance_actor_iri(node.settings),
        object=_partnership_object(node, p, p.scope_list),
        to=[p.remote_actor_iri],
    )
    await publish(node, activity, to=[remote])


def widening_document(
    node: NodeState, p: Partnership, offer: PartnershipScopeOffer, *, context: bool = False
) -> dict[str, Any]:
    """The Offer asking to share more: the partnership's object with the wider list."""
    local = instance_actor_iri(node.settings)
    asker, asked = (
        (local, p.remote_actor_iri)
        if offer.direction == PartnershipDirection.OUTGOING
        else (p.remote_actor_iri, local)
    )
    wider = sorted({*p.scope_list, *offer.scope_list})
    return build.offer(
        id=offer.offer_activity_id,
        actor=asker,
        object=_partnership_object(node, p, wider, offer.message or None),
        target=asked,
        context=context,
    )


async def send_widening(node: NodeState, p: Partnership, offer: PartnershipScopeOffer) -> None:
    remote = await get_remote_actor(node, p.remote_actor_iri)
    await publish(node, widening_document(node, p, offer, context=True), to=[remote])


async def send_widening_decision(
    node: NodeState,
    p: Partnership,
    offer: PartnershipScopeOffer,
    committee_decision: str | None = None,
) -> None:
    remote = await get_remote_actor(node, p.remote_actor_iri)
    assert offer.decision_activity_id is not None, "decided requests carry their answer's id"
    builder = build.accept if offer.status == PartnershipStatus.ACCEPTED else build.reject
    activity = builder(
        id=offer.decision_activity_id,
        actor=instance_actor_iri(node.settings),
        object=widening_document(node, p, offer),
        committee_decision=committee_decision,
    )
    await publish(node, activity, to=[remote])


async def send_widening_withdrawn(
    node: NodeState, p: Partnership, offer: PartnershipScopeOffer
) -> None:
    """``Undo`` of our Offer to share more, embedded as it was sent (the partner finds its
    request by the Offer's id)."""
    remote = await get_remote_actor(node, p.remote_actor_iri)
    activity = build.undo(
        id=new_activity_iri(node.settings),
        actor=instance_actor_iri(node.settings),
        object=widening_document(node, p, offer),
    )
    await publish(node, activity, to=[remote])
