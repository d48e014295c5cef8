"""Remote actors that leave: an account deleted on its own server.

Mastodon (``DeleteAccountService``), GoToSocial and Misskey announce a deleted account with a
``Delete`` whose ``object`` is the actor itself, signed by that actor, sent to every server that
knew it. What this node kept of the actor then goes, in one transaction: the actions it
published here (with their chats and participations), its participations in our actions (their
places free again), its chat messages, its follows of our actors, the activities of it still
waiting in the inbox and the deliveries addressed to it alone; then the cached actor itself. If
the actor was a partner node's instance actor, the partnership ends as if the node were blocked
(nothing is sent back: the account is gone).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tortoise.transactions import in_transaction

from federation.parse import id_of
from node.caches import actions_changed, actor_stored
from node.models import (
    Action,
    Delivery,
    DeliveryStatus,
    Follower,
    InboxItem,
    InboxStatus,
    Message,
    Participation,
    Partnership,
    RemoteActor,
)
from node.services import partnerships

if TYPE_CHECKING:
    from node.state import NodeState

_PENDING = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING)
_ADDRESSING = ("to", "cc", "bto", "bcc", "audience")


def _audience(activity: dict[str, Any]) -> set[str]:
    """Everyone an activity is addressed to (AS2 §5.1: ``to``, ``cc``, ``bto``, ``bcc``,
    ``audience``, each a link, an object or a list of them)."""
    found: set[str] = set()
    for key in _ADDRESSING:
        value = activity.get(key)
        for ref in value if isinstance(value, list) else [value]:
            iri = id_of(ref)
            if iri:
                found.add(iri)
    return found


@dataclass(frozen=True, slots=True)
class Forgotten:
    """How many rows of each kind left with the actor."""

    actions: int = 0
    participations: int = 0
    messages: int = 0
    followers: int = 0
    inbox_items: int = 0
    deliveries: int = 0


async def _deliveries_for(actor: RemoteActor) -> list[int]:
    """Pending deliveries that only the deleted actor would have read: to its own inbox, or to
    its server's shared inbox with nobody else in the audience."""
    rows = await Delivery.filter(host=actor.domain, status__in=_PENDING).select_related("activity")
    return [row.id for row in rows if row.inbox_url == actor.inbox or _only_for(actor, row)]


def _only_for(actor: RemoteActor, row: Delivery) -> bool:
    audience = _audience(row.activity.body)
    return bool(audience) and audience <= {actor.ap_id}


async def is_known(iri: str) -> bool:
    """Whether ``iri`` is an actor of another server this node has stored."""
    return await RemoteActor.exists(ap_id=iri)


async def forget_actor(node: NodeState, actor: RemoteActor) -> Forgotten:
    """Remove ``actor`` and everything of it this node stored (see the module's docstring)."""
    iri = actor.ap_id
    async with in_transaction():
        actions = await Action.filter(origin_domain=actor.domain, remote_actor_iri=iri).delete()
        participations = await Participation.filter(remote_actor_iri=iri).delete()
        messages = await Message.filter(remote_actor_iri=iri).delete()
        followers = await Follower.filter(remote_actor_id=actor.id).delete()
        inbox_items = await InboxItem.filter(actor_iri=iri, status=InboxStatus.QUEUED).update(
            status=InboxStatus.IGNORED, last_error="the actor deleted its account"
        )
        dropped = await _deliveries_for(actor)
        if dropped:
            await Delivery.filter(id__in=dropped).update(
                status=DeliveryStatus.ABANDONED, last_error="the actor deleted its account"
            )
        if await Partnership.filter(active_domain=actor.domain, remote_actor_iri=iri).exists():
            await partnerships.purge_partner_domain(node, actor.domain, farewell=False)
        await RemoteActor.filter(id=actor.id).delete()
    actor_stored(iri)  # its cached copy and key go too
    if actions:
        actions_changed()
    return Forgotten(actions, participations, messages, followers, inbox_items, len(dropped))
