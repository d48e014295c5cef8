"""The node's instance actor follows associations of partner nodes for its members.

One ``Follow`` per remote association (:mod:`node.services.calls.remote_follows` keeps who
asked): the partner sends the association's calls to our instance inbox, as to any follower,
and answers with ``Accept`` or ``Reject``. When the last member leaves, ``Undo`` embeds the
same ``Follow`` (Mastodon matches an Undo by the Follow's id, or by actor and object).
"""

from __future__ import annotations

from federation import build
from node import iris
from node.fed.outbox import publish
from node.fed.remote import get_remote_actor
from node.models import RemoteAssociationFollow
from node.state import NodeState


def _follow(node: NodeState, follow_id: str, actor_iri: str) -> build.Json:
    return build.follow(
        id=follow_id,
        actor=iris.instance_actor_iri(node.settings),
        object=actor_iri,
        to=[actor_iri],
    )


async def send_follow(node: NodeState, remote: RemoteAssociationFollow) -> None:
    target = await get_remote_actor(node, remote.actor_iri)
    await publish(node, _follow(node, remote.follow_id, remote.actor_iri), to=[target])


async def send_unfollow(node: NodeState, actor_iri: str, follow_id: str) -> None:
    target = await get_remote_actor(node, actor_iri)
    undo = build.undo(
        id=iris.new_activity_iri(node.settings),
        actor=iris.instance_actor_iri(node.settings),
        object=_follow(node, follow_id, actor_iri),
        to=[actor_iri],
    )
    await publish(node, undo, to=[target])
