"""Inbox: partnership requests, answers and ends (``Offer``/``Accept``/``Reject``/``Undo``)."""

from __future__ import annotations

from federation import parse as ap
from node.fed.handlers.context import Ignore, InboxContext
from node.iris import instance_actor_iri
from node.services import partnerships


async def offer_partnership(ctx: InboxContext, activity: ap.Activity) -> None:
    obj = activity.embedded_object
    if not isinstance(obj, ap.Partnership) or obj.id is None:
        raise Ignore("the Offer does not embed a Partnership")
    targets = [ap.id_of(t) for t in activity.target]
    if targets and instance_actor_iri(ctx.node.settings) not in targets:
        raise Ignore("a partnership can only be offered to this node's instance actor")
    created = await partnerships.receive_offer(
        ctx.node,
        ctx.sender,
        offer_id=ctx.item.activity_id,
        object_iri=obj.id,
        scopes=obj.partnership_scope,
        message=(obj.summary or obj.text or "").strip(),
        committee_decision=activity.committee_decision_id,
    )
    if created is None:
        raise Ignore("no known scope, or a partnership with this node is already active")


def _offer_id(activity: ap.Activity) -> str:
    offer_id = activity.object_id
    if offer_id is None:
        raise Ignore("no object")
    return offer_id


async def accept_offer(ctx: InboxContext, activity: ap.Activity) -> None:
    if not await partnerships.remote_decision(
        ctx.sender,
        _offer_id(activity),
        accepted=True,
        activity_id=ctx.item.activity_id,
        committee_decision=activity.committee_decision_id,
        node=ctx.node,
    ):
        raise Ignore("no pending partnership request of ours matches")


async def reject_offer(ctx: InboxContext, activity: ap.Activity) -> None:
    if not await partnerships.remote_decision(
        ctx.sender,
        _offer_id(activity),
        accepted=False,
        activity_id=ctx.item.activity_id,
        committee_decision=activity.committee_decision_id,
        node=ctx.node,
    ):
        raise Ignore("no pending partnership request of ours matches")


async def undo_offer(ctx: InboxContext, activity: ap.Activity) -> None:
    if not await partnerships.remote_end(ctx.sender, _offer_id(activity)):
        raise Ignore("no active partnership matches")


async def undo_accept(ctx: InboxContext, activity: ap.Activity) -> None:
    accept = activity.embedded_object
    if not isinstance(accept, ap.Activity) or accept.object_id is None:
        raise Ignore("the Undo does not embed the Accept with its Offer")
    if not await partnerships.remote_end(ctx.sender, accept.object_id):
        raise Ignore("no active partnership matches")
