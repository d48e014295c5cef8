"""Publishing local public actions: ``Create``/``Update``/``Delete`` of their need/offer object
(FEP-0837 ``Proposal``) or ``Event``.

Called by :mod:`node.services.actions` inside the transaction that changes the row, so the change
and its delivery rows commit together (DESIGN §3). The audience: followers of the instance actor
(any fediverse account), followers of the posting association's actor, and partner nodes whose
partnership has the ``public_needs`` scope. Only ``public`` actions of this node travel.
Expiry needs no activity: every need/offer object carries ``endTime`` (its ``expires_at``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from federation import build, objects
from federation.vocab import PUBLIC, PartnershipScope
from node.fed.announce import announce_action
from node.fed.outbox import followers, publish
from node.fed.serializers import NEED_OFFER_TYPE, action_cc, action_object, author_actor_iri
from node.iris import (
    action_iri,
    association_actor_iri,
    instance_actor_iri,
    new_activity_iri,
)
from node.models import Action, RemoteActor, Visibility
from node.services.partnerships import partners_with_scope

if TYPE_CHECKING:
    from node.state import NodeState


def federates(action: Action) -> bool:
    return action.origin_domain is None and action.visibility == Visibility.PUBLIC


async def audience(node: NodeState, action: Action) -> list[RemoteActor]:
    s = node.settings
    actors = await followers(instance_actor_iri(s))
    association_id = action.association_id  # type: ignore[attr-defined]
    if association_id is not None:
        actors += await followers(association_actor_iri(s, association_id))
    actors += await partners_with_scope(PartnershipScope.PUBLIC_NEEDS.value)
    unique: dict[str, RemoteActor] = {}
    for actor in actors:
        unique.setdefault(actor.ap_id, actor)
    return list(unique.values())


def _cc(node: NodeState, action: Action) -> list[str]:
    return action_cc(node, action)


async def publish_create(node: NodeState, action: Action) -> None:
    if not federates(action):
        return
    obj = await action_object(node, action)
    obj["cc"] = _cc(node, action)
    activity = build.create(
        id=new_activity_iri(node.settings),
        actor=author_actor_iri(node, action),
        object=obj,
        to=[PUBLIC],
        cc=obj["cc"],
        published=action.created_at,
    )
    await publish(node, activity, to=await audience(node, action), public=True)
    await announce_action(node, action)  # what Mastodon followers of the node will show


async def publish_update(node: NodeState, action: Action) -> None:
    # A hidden action was deleted for partners: its author's edits stay on this node.
    if not federates(action) or action.hidden_at is not None:
        return
    obj = await action_object(node, action, edited=True)
    obj["cc"] = _cc(node, action)
    activity = build.update(
        id=new_activity_iri(node.settings),
        actor=author_actor_iri(node, action),
        object=obj,
        to=[PUBLIC],
        cc=obj["cc"],
    )
    await publish(node, activity, to=await audience(node, action), public=True)


async def publish_delete(node: NodeState, action: Action, when: dt.datetime) -> None:
    """Call before the row is deleted (the audience needs its association)."""
    if not federates(action):
        return
    former = "Event" if action.kind == "outing" and action.starts_at else f"vf:{NEED_OFFER_TYPE}"
    activity = build.delete(
        id=new_activity_iri(node.settings),
        actor=author_actor_iri(node, action),
        object=objects.tombstone(
            id=action_iri(node.settings, action.id), former_type=former, deleted=when
        ),
        to=[PUBLIC],
        cc=_cc(node, action),
    )
    await publish(node, activity, to=await audience(node, action), public=True)
