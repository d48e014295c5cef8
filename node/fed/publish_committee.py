"""Publishing what the street committee says to partner committees (DESIGN §4, governance
across nodes): a ``Question`` asking their opinion, a ``Note`` with our answer to theirs. Both
from the instance actor, each to one partner's instance actor, never public."""

from __future__ import annotations

from typing import Any

from federation import build
from node.fed.outbox import publish
from node.fed.remote import get_remote_actor
from node.iris import instance_actor_iri, new_activity_iri
from node.state import NodeState


async def send_to_partner(node: NodeState, actor_iri: str, obj: dict[str, Any]) -> None:
    """``Create`` of ``obj`` from our instance actor, delivered to ``actor_iri`` only."""
    remote = await get_remote_actor(node, actor_iri)
    activity = build.create(
        id=new_activity_iri(node.settings), actor=instance_actor_iri(node.settings), object=obj
    )
    await publish(node, activity, to=[remote])
