"""Followers: accounts of other servers (a Mastodon user, a partner node) following one of our
actors (the instance or an association) and so receiving its public posts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from node import clock
from node.models import Follower, RemoteActor

if TYPE_CHECKING:
    from node.state import NodeState


async def add_follower(
    node: NodeState, *, local_actor_iri: str, follower: RemoteActor, follow_id: str | None
) -> Follower:
    """``follower`` follows ``local_actor_iri`` (a second ``Follow`` changes nothing)."""
    row, _ = await Follower.get_or_create(
        local_actor_iri=local_actor_iri,
        remote_actor=follower,
        defaults={"follow_activity_id": follow_id, "created_at": clock.now()},
    )
    return row


async def remove_follower(
    node: NodeState,
    follower: RemoteActor,
    *,
    local_actor_iri: str | None = None,
    follow_id: str | None = None,
) -> int:
    """``follower`` stops following ``local_actor_iri``, or undoes the ``Follow`` ``follow_id``;
    returns how many rows left (0: nothing matched)."""
    if local_actor_iri is None and follow_id is None:
        return 0
    query = Follower.filter(remote_actor=follower)
    if local_actor_iri is not None:
        query = query.filter(local_actor_iri=local_actor_iri)
    else:
        query = query.filter(follow_activity_id=follow_id)
    return await query.delete()
