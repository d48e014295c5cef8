"""Inbox: accounts of other servers that change or leave.

* ``Update`` of a ``Person``/``Group``/``Application``/``Service``/``Organization`` whose id is
  the sender's own: the cached actor and its key are replaced at once (Mastodon's
  ``ActivityPub::Activity::Update#update_account``: only ``@account.uri == object_uri``).
* ``Delete`` whose object is the sender itself (Mastodon's ``DeleteActorSerializer``,
  GoToSocial's ``federate.DeleteAccount``): the actor and all it left here go
  (:func:`node.services.remote_actors.forget_actor`). Mastodon and GoToSocial honour it only from
  the actor itself, never from another account of its server (GoToSocial: "requesting account
  is only trying to delete itself"), and so do we.
* Any other ``Delete`` (by IRI or with a ``Tombstone``) is one of the sender's objects: an
  action, an outreach visit, a place or a private message (:mod:`node.fed.handlers.actions`).
"""

from __future__ import annotations

from federation import parse as ap
from federation.errors import ParseError
from node.fed.handlers.actions import delete_tombstone
from node.fed.handlers.context import Ignore, InboxContext
from node.fed.remote import store_actor_update
from node.services import remote_actors


async def update_actor(ctx: InboxContext, activity: ap.Activity) -> None:
    obj = activity.embedded_object
    if obj is None or obj.id is None:
        raise Ignore("the Update does not embed the actor")
    if obj.id != ctx.sender.ap_id:
        raise Ignore("an actor may only update itself")
    document = ctx.item.body.get("object")
    if not isinstance(document, dict):
        raise Ignore("the Update does not embed the actor")
    try:
        await store_actor_update(ctx.sender, document)
    except ParseError as exc:
        raise Ignore(f"not a usable actor: {exc}") from exc


async def delete_actor_or_object(ctx: InboxContext, activity: ap.Activity) -> None:
    target = activity.object_id
    if target is None:
        raise Ignore("no object")
    if target == ctx.sender.ap_id:
        await remote_actors.forget_actor(ctx.node, ctx.sender)
        return
    if await remote_actors.is_known(target):
        raise Ignore("only an actor itself may delete its account")
    await delete_tombstone(ctx, activity)
