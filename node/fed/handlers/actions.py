"""Inbox: public actions of partner nodes (``Create``/``Update``/``Delete`` of a need/offer
object, FEP-0837 ``Proposal`` on the wire, or of an ``Event``).

Creates and updates come from partners with the ``public_needs`` scope (checked by the dispatch
table, :mod:`node.fed.registry`); the object must
live on the sender's domain, and only its owner (``attributedTo``, stored as
``remote_actor_iri``) may update or delete it (DESIGN §4).
"""

from __future__ import annotations

from federation import parse as ap
from node import clock
from node.fed.handlers.context import Ignore, InboxContext
from node.fed.handlers.messages import delete_message_of
from node.fed.handlers.places import delete_place_of
from node.fed.handlers.visits import delete_visit_of
from node.fed.serializers import Unusable, actor_display_name, remote_action_fields
from node.services import remote_actions
from node.services.federation_policy import domain_of
from node.services.remote_actions import NotOwner, Stale


async def _store(ctx: InboxContext, activity: ap.Activity, *, create: bool) -> None:
    obj = activity.embedded_object
    if obj is None or obj.id is None:
        raise Ignore("the object is not embedded")
    if domain_of(obj.id) != ctx.sender.domain:
        raise Ignore("the object does not live on the sender's domain")
    if not obj.is_public:
        raise Ignore("only public actions are shown in the feed")
    owner = obj.owner or ctx.sender.ap_id
    if owner != ctx.sender.ap_id:
        raise Ignore("only the object's owner may publish it")
    try:
        fields = remote_action_fields(
            obj, now=clock.now(), ttl_days=ctx.node.settings.action_ttl_days
        )
    except Unusable as exc:
        raise Ignore(str(exc)) from exc
    sender = ctx.sender
    name = actor_display_name(sender.name, sender.preferred_username, sender.ap_id)
    try:
        stored = await remote_actions.upsert_remote_action(
            ap_id=obj.id,
            domain=sender.domain,
            owner_iri=owner,
            owner_name=name,
            fields=fields,
            create=create,
        )
    except NotOwner as exc:
        raise Ignore("another actor owns this object") from exc
    except Stale as exc:
        raise Ignore("an older version than the one stored") from exc
    if stored is None:
        raise Ignore("an update of an object we never stored")


async def create_action(ctx: InboxContext, activity: ap.Activity) -> None:
    """``Create`` of a need/offer object (a need or an offer) or an ``Event`` (an outing)."""
    await _store(ctx, activity, create=True)


async def update_action(ctx: InboxContext, activity: ap.Activity) -> None:
    # An Update of an object we missed is stored too (it carries the whole object).
    await _store(ctx, activity, create=True)


async def delete_action(ctx: InboxContext, activity: ap.Activity) -> None:
    object_id = activity.object_id
    if object_id is None:
        raise Ignore("no object")
    try:
        deleted = await remote_actions.delete_remote_action(
            ap_id=object_id, sender_iri=ctx.sender.ap_id
        )
    except NotOwner as exc:
        raise Ignore("only the owner may delete this object") from exc
    if not deleted:
        raise Ignore("nothing stored under this id")


async def delete_tombstone(ctx: InboxContext, activity: ap.Activity) -> None:
    # A tombstone may also stand for an outreach visit the sender shared (formerType Visit),
    # or for a place of its guide (formerType Place), or for a private message (formerType Note:
    # a chat line or a message of a call).
    if await delete_visit_of(ctx, activity.object_id):
        return
    if await delete_message_of(ctx, activity.object_id):
        return
    if await delete_place_of(ctx, activity.object_id):
        return
    await delete_action(ctx, activity)
