"""A private message that moderators hid, on the wire: ``Delete`` of a ``Tombstone`` to the
servers that received it, and the message anew when it is restored.

A chat line or a message of a call went to a few actors of partner nodes as a private
``Create(Note)`` (never public). Hidden here, it must be gone there too: as Mastodon does for a
deleted status (``ActivityPub::DeleteSerializer``: a ``Delete`` whose object is a ``Tombstone``
with the status's id, from the status's account), the same actor that created the Note sends
its ``Delete`` to the actors the ``Create`` was addressed to — those recorded in this node's
outbox, so a participant who left since is not forgotten. Mastodon honours a ``Delete`` only
from the account that owns the status (``ActivityPub::Activity::Delete``: ``Status.find_by(uri:,
account: @account)``), and so do Entraide nodes (:mod:`node.fed.handlers.messages`).

Restored, the Note goes again (its ``Create`` under a new activity id) to the same actors, as
hidden actions, calls and places come back: an Entraide partner stores it again (a message of a
call in its place, by its ``published`` time; a chat line at the end of the conversation). Mastodon
would not show it again, having kept a tombstone of its id, but chats and calls' conversations
only travel between Entraide nodes.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from federation import build, objects
from federation.vocab import PUBLIC
from node.fed import publish_call_messages
from node.fed.outbox import publish
from node.iris import action_iri, new_activity_iri
from node.models import Call, CallMessage, Message, OutboxActivity, RemoteActor

if TYPE_CHECKING:
    from node.state import NodeState


async def _note_iri(node: NodeState, message: Message | CallMessage) -> str:
    if isinstance(message, Message):
        action_id = message.action_id  # type: ignore[attr-defined]
        return f"{action_iri(node.settings, action_id)}/messages/{message.id}"
    call = await Call.get(id=message.call_id)  # type: ignore[attr-defined]
    return publish_call_messages.message_iri(node, call, message)


def _addressed(body: dict[str, Any]) -> set[str]:
    """The actors a stored ``Create`` was for (its ``to``/``cc`` and its Note's)."""
    found: set[str] = set()
    note = body.get("object")
    for holder in (body, note if isinstance(note, dict) else {}):
        for field in ("to", "cc"):
            value = holder.get(field)
            for iri in value if isinstance(value, list) else [value]:
                if isinstance(iri, str) and iri != PUBLIC:
                    found.add(iri)
    return found


async def send_withdrawal(
    node: NodeState, message: Message | CallMessage, when: dt.datetime
) -> None:
    """``Delete{Tombstone}`` of the message's Note to every actor that received it (nothing
    when it never left this node)."""
    iri = await _note_iri(node, message)
    creates = await OutboxActivity.filter(type="Create", object_iri=iri).order_by("id")
    if not creates:
        return
    addressed: set[str] = set()
    for create in creates:
        addressed |= _addressed(create.body)
    recipients = await RemoteActor.filter(ap_id__in=sorted(addressed)).order_by("ap_id")
    if not recipients:
        return
    activity = build.delete(
        id=new_activity_iri(node.settings),
        actor=creates[0].actor_iri,
        object=objects.tombstone(id=iri, former_type="Note", deleted=when),
        to=[actor.ap_id for actor in recipients],
    )
    await publish(node, activity, to=recipients)


async def send_again(node: NodeState, message: Message | CallMessage) -> None:
    """The restored message, the same ``Create`` of the same Note under a new activity id, to
    the actors each of its ``Create`` was for (those that received the ``Delete``)."""
    iri = await _note_iri(node, message)
    for create in await OutboxActivity.filter(type="Create", object_iri=iri).order_by("id"):
        recipients = await RemoteActor.filter(ap_id__in=sorted(_addressed(create.body)))
        if recipients:
            again = {**create.body, "id": new_activity_iri(node.settings)}
            await publish(node, again, to=recipients)
