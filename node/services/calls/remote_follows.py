"""Members following associations of partner nodes.

The node follows a partner's association actor once, with its instance actor, for all the
members who follow it here (:class:`RemoteAssociationFollow`): its calls then come to the
instance inbox whatever their area, and :mod:`node.notify` tells each follower. The first
member to follow starts the ``Follow``; the last one to leave ends it (``Undo``). A second
follow by the same member changes nothing (no second ``Follow``).

Only an association whose calls this node holds can be followed (the partner relayed them, so
the actor is known and is an association of a partner): any other IRI is 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from tortoise.transactions import in_transaction

from node import clock, iris
from node.errors import NotFound
from node.events import RemoteFollowEnded, RemoteFollowStarted
from node.models import (
    Call,
    Member,
    RemoteActor,
    RemoteAssociationFollow,
    RemoteFollowState,
    RemoteMemberFollow,
)

if TYPE_CHECKING:
    from node.state import NodeState


@dataclass(frozen=True)
class RemoteFollowView:
    actor_iri: str
    name: str
    following: bool
    # pending, accepted or rejected: the partner's answer to the node's Follow (None when
    # nobody here follows it).
    state: RemoteFollowState | None
    followers: int


async def _known(actor_iri: str) -> str:
    """The association's name; 404 for an actor that no call of ours comes from."""
    call = await Call.filter(remote_association_iri=actor_iri).order_by("-created_at").first()
    if call is None or not await RemoteActor.exists(ap_id=actor_iri):
        raise NotFound("No such association on a partner node.")
    return call.remote_association_name or actor_iri


async def view(member: Member | None, actor_iri: str) -> RemoteFollowView:
    name = await _known(actor_iri)
    remote = await RemoteAssociationFollow.get_or_none(actor_iri=actor_iri)
    following = False
    count = 0
    if remote is not None:
        count = await RemoteMemberFollow.filter(remote_id=remote.id).count()
        if member is not None:
            following = await RemoteMemberFollow.exists(remote_id=remote.id, member_id=member.id)
    return RemoteFollowView(
        actor_iri=actor_iri,
        name=name,
        following=following,
        state=remote.state if remote is not None else None,
        followers=count,
    )


async def follow(node: NodeState, member: Member, actor_iri: str) -> bool:
    """Follow (a second time changes nothing); True when it is new for this member."""
    name = await _known(actor_iri)
    now = clock.now()
    async with in_transaction():
        remote = await RemoteAssociationFollow.select_for_update().get_or_none(actor_iri=actor_iri)
        if remote is None:
            remote = await RemoteAssociationFollow.create(
                actor_iri=actor_iri,
                name=name[:120],
                follow_id=iris.new_activity_iri(node.settings),
                state=RemoteFollowState.PENDING,
                created_at=now,
            )
            await node.events.record(node, RemoteFollowStarted(remote=remote))
        _, created = await RemoteMemberFollow.get_or_create(
            member_id=member.id, remote_id=remote.id, defaults={"created_at": now}
        )
    return created


async def unfollow(node: NodeState, member: Member, actor_iri: str) -> bool:
    """Stop following (404 for an unknown association; not following changes nothing)."""
    await _known(actor_iri)
    return await _leave(node, member, actor_iri)


async def leave_all(node: NodeState, member: Member) -> None:
    """A member's account goes: the follows it was the last one of end (``Undo``) too."""
    actors: list[str] = await RemoteMemberFollow.filter(member_id=member.id).values_list(
        "remote__actor_iri", flat=True
    )  # type: ignore[assignment]
    for actor_iri in actors:
        await _leave(node, member, actor_iri)


async def _leave(node: NodeState, member: Member, actor_iri: str) -> bool:
    async with in_transaction():
        remote = await RemoteAssociationFollow.select_for_update().get_or_none(actor_iri=actor_iri)
        if remote is None:
            return False
        gone = await RemoteMemberFollow.filter(remote_id=remote.id, member_id=member.id).delete()
        if not await RemoteMemberFollow.exists(remote_id=remote.id):
            await remote.delete()
            await node.events.record(
                node, RemoteFollowEnded(actor_iri=remote.actor_iri, follow_id=remote.follow_id)
            )
    return bool(gone)


async def decided(follow_id: str, sender_iri: str, *, accepted: bool) -> bool:
    """The partner's ``Accept``/``Reject`` of our ``Follow`` (only from the followed actor)."""
    remote = await RemoteAssociationFollow.get_or_none(follow_id=follow_id)
    if remote is None or remote.actor_iri != sender_iri:
        return False
    remote.state = RemoteFollowState.ACCEPTED if accepted else RemoteFollowState.REJECTED
    await remote.save(update_fields=["state"])
    return True


async def followers(actor_iri: str) -> list[UUID]:
    """Members of this node following that remote association."""
    ids: list[UUID] = await RemoteMemberFollow.filter(remote__actor_iri=actor_iri).values_list(
        "member_id", flat=True
    )  # type: ignore[assignment]
    return ids
