"""Inbox: partnership requests, answers and ends (``Offer``/``Accept``/``Reject``/``Undo``), and
changes of what an accepted one shares (``Update`` to share less, ``Offer`` to share more, ``Undo``
of that Offer to withdraw the request)."""

from __future__ import annotations

from federation import parse as ap
from node.fed.handlers.context import Ignore, InboxContext
from node.iris import instance_actor_iri
from node.services import partnership_scopes_remote as scopes
from node.services import partnerships


async def offer_partnership(ctx: InboxContext, activity: ap.Activity) -> None:
    obj = activity.embedded_object
    if not isinstance(obj, ap.Partnership) or obj.id is None:
        raise Ignore("the Offer does not embed a Partnership")
    targets = [ap.id_of(t) for t in activity.target]
    if targets and instance_actor_iri(ctx.node.settings) not in targets:
        raise Ignore("a partnership can only be offered to this node's instance actor")
    existing = await scopes.partnership_with(ctx.sender, obj.id)
    if existing is not None:
        # The Offer names a partnership we hold with its sender: it asks to share more.
        widening = await scopes.receive_widening(
            ctx.node,
            ctx.sender,
            existing,
            offer_id=ctx.item.activity_id,
            scopes=obj.partnership_scope,
            message=(obj.summary or obj.text or "").strip(),
            committee_decision=activity.committee_decision_id,
        )
        if widening is None:
            raise Ignore("it adds no known scope, or a request of theirs already waits")
        return
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


async def _answer(ctx: InboxContext, activity: ap.Activity, *, accepted: bool) -> None:
    """An answer to our partnership request, else to our request to share more."""
    offer_id = _offer_id(activity)
    decision = activity.committee_decision_id
    if await partnerships.remote_decision(
        ctx.sender,
        offer_id,
        accepted=accepted,
        activity_id=ctx.item.activity_id,
        committee_decision=decision,
        node=ctx.node,
    ):
        return
    if not await scopes.remote_widening_answer(
        ctx.node,
        ctx.sender,
        offer_id,
        accepted=accepted,
        activity_id=ctx.item.activity_id,
        committee_decision=decision,
    ):
        raise Ignore("no pending partnership request of ours matches")


async def accept_offer(ctx: InboxContext, activity: ap.Activity) -> None:
    await _answer(ctx, activity, accepted=True)


async def reject_offer(ctx: InboxContext, activity: ap.Activity) -> None:
    await _answer(ctx, activity, accepted=False)


async def update_partnership(ctx: InboxContext, activity: ap.Activity) -> None:
    """The partner shares less from now on (the object's new list). An ``Update`` never adds a
    scope: sharing more needs our consent (an ``Offer``)."""
    obj = activity.embedded_object
    if not isinstance(obj, ap.Partnership):
        raise Ignore("the Update does not embed a Partnership")
    if not await scopes.remote_narrowed(ctx.sender, obj.id, obj.partnership_scope):
        raise Ignore("no accepted partnership of its sender to narrow, or nothing to remove")


async def undo_offer(ctx: InboxContext, activity: ap.Activity) -> None:
    """The partner ends (or withdraws its request for) the partnership its Offer asked, or else
    withdraws its request to share more before we answered."""
    offer_id = _offer_id(activity)
    if await partnerships.remote_end(ctx.sender, offer_id):
        return
    if not await scopes.remote_withdrawn(ctx.sender, offer_id):
        raise Ignore("no active partnership or pending request to share more matches")


async def undo_accept(ctx: InboxContext, activity: ap.Activity) -> None:
    accept = activity.embedded_object
    if not isinstance(accept, ap.Activity) or accept.object_id is None:
        raise Ignore("the Undo does not embed the Accept with its Offer")
    if not await partnerships.remote_end(ctx.sender, accept.object_id):
        raise Ignore("no active partnership matches")
