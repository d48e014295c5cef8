"""Follow / Undo(Follow): any fediverse account (a Mastodon user) can follow the node's instance
actor or an association actor and then receives its public posts. In allowlist mode only
partners may follow (the others get a ``Reject``)."""

from __future__ import annotations

from federation import build
from federation.parse import Activity
from node import iris
from node.fed.actors import local_actor_exists
from node.fed.handlers.context import Ignore, InboxContext
from node.fed.outbox import publish
from node.services import followers
from node.services.calls import remote_follows
from node.services.federation_policy import allowlist_mode, is_partner_domain


async def follow(ctx: InboxContext, activity: Activity) -> None:
    target = activity.object_id
    if target is None or not iris.is_local(ctx.node.settings, target):
        raise Ignore("Follow of an actor that is not ours")
    if not target.endswith("/actor") and "/associations/" not in target:
        raise Ignore("only the instance actor and associations can be followed")
    if not await local_actor_exists(ctx.node, target):
        raise Ignore("Follow of an unknown actor")
    original = ctx.item.body
    follow_doc = {k: v for k, v in original.items() if k != "@context"}
    sender = ctx.sender
    if await allowlist_mode() and not await is_partner_domain(sender.domain):
        reply = build.reject(
            id=iris.new_activity_iri(ctx.node.settings),
            actor=target,
            object=follow_doc,
            to=[sender.ap_id],
        )
        await publish(ctx.node, reply, to=[sender])
        return
    await followers.add_follower(
        ctx.node, local_actor_iri=target, follower=sender, follow_id=activity.id
    )
    reply = build.accept(
        id=iris.new_activity_iri(ctx.node.settings),
        actor=target,
        object=follow_doc,
        to=[sender.ap_id],
    )
    await publish(ctx.node, reply, to=[sender])


async def undo_follow(ctx: InboxContext, activity: Activity) -> None:
    inner = activity.embedded_object
    target = None
    if isinstance(inner, Activity):
        target = inner.object_id
        if inner.actor_id not in (None, ctx.sender.ap_id):
            raise Ignore("Undo of someone else's Follow")
    if target is None and activity.object_id is None:
        raise Ignore("Undo without an object")
    await followers.remove_follower(
        ctx.node, ctx.sender, local_actor_iri=target, follow_id=activity.object_id
    )


async def undo_by_reference(ctx: InboxContext, activity: Activity) -> None:
    """``Undo`` whose object is only an IRI: it may be one of the sender's Follows."""
    removed = await followers.remove_follower(ctx.node, ctx.sender, follow_id=activity.object_id)
    if not removed:
        raise Ignore("Undo of nothing we know")


async def _decided(ctx: InboxContext, activity: Activity, *, accepted: bool) -> None:
    """A partner's association answered the ``Follow`` our instance actor sent for our
    members (only that association's own answer counts)."""
    follow_id = activity.object_id
    if follow_id is None or not iris.is_local(ctx.node.settings, follow_id):
        raise Ignore("an answer to a Follow that is not ours")
    if not await remote_follows.decided(follow_id, ctx.sender.ap_id, accepted=accepted):
        raise Ignore("an answer to no Follow of ours, or not from the followed actor")


async def accept_follow(ctx: InboxContext, activity: Activity) -> None:
    await _decided(ctx, activity, accepted=True)


async def reject_follow(ctx: InboxContext, activity: Activity) -> None:
    await _decided(ctx, activity, accepted=False)
