"""Inbox: ``Delete`` of a private message this node received from another: a chat line
(:func:`node.services.chat.withdraw_remote_message`) or a message of a call
(:func:`node.services.calls.messages.withdraw_remote_words`), by ``Tombstone`` or IRI.

The copy goes, whether its author deleted it or the moderators of its node hid it. Only the
actor that sent it may (as Mastodon finds the status to delete with ``account: @account``);
a ``Delete`` of someone else's message is ignored and the message stays.
"""

from __future__ import annotations

from node.errors import Forbidden
from node.fed.handlers.context import Ignore, InboxContext
from node.services import chat
from node.services.calls import messages


async def delete_message_of(ctx: InboxContext, object_id: str | None) -> bool:
    """True when ``object_id`` was a message of the sender's and its copy is gone."""
    if object_id is None:
        return False
    try:
        if await chat.withdraw_remote_message(object_id, ctx.sender.ap_id):
            return True
        return await messages.withdraw_remote_words(ctx.node, object_id, ctx.sender.ap_id)
    except Forbidden as exc:
        raise Ignore("only the server that sent a message may delete it") from exc
