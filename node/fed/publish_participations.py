"""Participations and chat across nodes: what this node sends.

* A local member answers a remote action: ``Join{object: the action}`` from the member's
  ``Person`` actor to the action's owner (its message as ``content``); ``Leave`` when they leave.
* The author here decides on a remote participant: ``Accept``/``Reject`` of their ``Join``
  (embedded) from the author's actor to the participant.
* Chat: a message becomes ``Create(Note)`` addressed only to the other participants that live
  on other nodes (never public): the owner's actor for a remote action, the accepted remote
  participants for a local one. The node that owns an action holds the complete chat.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from federation import build
from node.fed.outbox import publish
from node.fed.remote import get_remote_actor
from node.fed.serializers import author_actor_iri, message_note, paragraphs
from node.iris import action_iri, member_actor_iri, new_activity_iri
from node.models import (
    Action,
    Message,
    Participation,
    ParticipationStatus,
    RemoteActor,
)

if TYPE_CHECKING:
    from node.state import NodeState


async def send_join(node: NodeState, action: Action, participation: Participation) -> None:
    assert action.ap_id is not None and action.remote_actor_iri is not None
    owner = await get_remote_actor(node, action.remote_actor_iri)
    participation.ap_id = new_activity_iri(node.settings)
    await participation.save(update_fields=["ap_id"])
    activity = build.join(
        id=participation.ap_id,
        actor=member_actor_iri(node.settings, participation.member_id),  # type: ignore[attr-defined]
        object=action.ap_id,
        to=[owner.ap_id],
        content=paragraphs(participation.message) or None,
    )
    await publish(node, activity, to=[owner])


async def send_leave(node: NodeState, action: Action, participation: Participation) -> None:
    assert action.ap_id is not None and action.remote_actor_iri is not None
    owner = await get_remote_actor(node, action.remote_actor_iri)
    activity = build.leave(
        id=new_activity_iri(node.settings),
        actor=member_actor_iri(node.settings, participation.member_id),  # type: ignore[attr-defined]
        object=action.ap_id,
        to=[owner.ap_id],
    )
    await publish(node, activity, to=[owner])


def join_document(node: NodeState, action: Action, row: Participation) -> dict[str, object]:
    """The remote participant's ``Join``, as we received it (embedded in our answer)."""
    assert row.remote_actor_iri is not None
    return build.join(
        id=row.ap_id or f"{action_iri(node.settings, action.id)}#join-{row.id}",
        actor=row.remote_actor_iri,
        object=action_iri(node.settings, action.id),
        context=False,
    )


async def send_decision(node: NodeState, action: Action, row: Participation) -> None:
    """Tell a remote participant the author's decision (accepted or declined)."""
    if row.status not in (ParticipationStatus.ACCEPTED, ParticipationStatus.DECLINED):
        return
    assert row.remote_actor_iri is not None
    participant = await get_remote_actor(node, row.remote_actor_iri)
    builder = build.accept if row.status == ParticipationStatus.ACCEPTED else build.reject
    activity = builder(
        id=new_activity_iri(node.settings),
        actor=author_actor_iri(node, action),
        object=join_document(node, action, row),
    )
    await publish(node, activity, to=[participant])


async def chat_recipients(node: NodeState, action: Action) -> list[RemoteActor]:
    """Who, on other nodes, shares this action's chat."""
    if action.origin_domain is not None:
        assert action.remote_actor_iri is not None
        return [await get_remote_actor(node, action.remote_actor_iri)]
    iris = await Participation.filter(
        action_id=action.id,
        status=ParticipationStatus.ACCEPTED,
        remote_actor_iri__isnull=False,
    ).values_list("remote_actor_iri", flat=True)
    return [await get_remote_actor(node, str(iri)) for iri in iris]


async def send_message(
    node: NodeState, action: Action, message: Message, exclude: str | None = None
) -> None:
    recipients = [r for r in await chat_recipients(node, action) if r.ap_id != exclude]
    if not recipients:
        return
    note = message_note(node, message, action, [r.ap_id for r in recipients])
    activity = build.create(
        id=new_activity_iri(node.settings),
        actor=note["attributedTo"],
        object=note,
    )
    await publish(node, activity, to=recipients)
