"""Joining actions: a member asks (pending) or is let in at once (``auto_accept``), the author
accepts or declines, the participant leaves. Outings hold at most ``capacity`` accepted people.

Rules: one participation per (action, member) (a member who left may ask again); an author
cannot join their own action (409); only open actions can be joined (409); a full outing is a 409.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from node import clock
from node.errors import Conflict, Forbidden, NotFound, Unprocessable
from node.events import ParticipationAsked, ParticipationDecided, ParticipationLeft
from node.models import (
    Action,
    ActionKind,
    ActionStatus,
    Member,
    Participation,
    ParticipationStatus,
    Visibility,
)
from node.services import blocks
from node.services.actions import can_manage, effective_status, get_visible_action
from node.services.inputs.actions import JOIN_MESSAGE
from node.services.received_text import received_text

if TYPE_CHECKING:
    from node.state import NodeState

MESSAGE_MAX = JOIN_MESSAGE.high
_TAKING_PART = (ParticipationStatus.PENDING, ParticipationStatus.ACCEPTED)


async def _lock_action(action_id: uuid.UUID) -> None:
    """Serialise joins of one action (PostgreSQL row lock; SQLite transactions are serial).
    A model query, not ``values_list``: Tortoise drops ``FOR UPDATE`` from values queries."""
    if Action._meta.db.capabilities.dialect == "postgres":
        await Action.select_for_update().filter(id=action_id).only("id")


async def _accepted_count(action_id: uuid.UUID) -> int:
    return await Participation.filter(
        action_id=action_id, status=ParticipationStatus.ACCEPTED
    ).count()


async def _check_room(action: Action) -> None:
    if action.kind != ActionKind.OUTING or action.capacity is None:
        return
    if await _accepted_count(action.id) >= action.capacity:
        raise Conflict("This outing is full.")


async def join(
    action_id: uuid.UUID, member: Member, node: NodeState, message: str = ""
) -> Participation:
    """Ask to join an action (accepted at once when the author chose ``auto_accept``).

    A remote action (another node's) stays pending until its node answers (federation sends
    the ``Join`` to its owner when it hears :class:`ParticipationAsked`)."""
    if not member.is_verified:
        raise Forbidden("Verify your phone number before joining an action.")
    message = message.strip()
    if len(message) > MESSAGE_MAX:
        raise Unprocessable.field("message", f"at most {MESSAGE_MAX} characters")
    async with in_transaction():
        action = await get_visible_action(action_id, member)
        await _lock_action(action.id)
        if action.author_id == member.id:  # type: ignore[attr-defined]
            raise Conflict("You cannot join your own action.")
        status = effective_status(action)
        if status != ActionStatus.OPEN:
            raise Conflict(f"The action is {status.value}: it cannot be joined.")
        existing = await Participation.get_or_none(action_id=action.id, member_id=member.id)
        if existing is not None and existing.status != ParticipationStatus.LEFT:
            raise Conflict("You already asked to join this action.")
        await _check_room(action)
        remote = action.origin_domain is not None
        new_status = (
            ParticipationStatus.ACCEPTED
            if action.auto_accept and not remote
            else ParticipationStatus.PENDING
        )
        now = clock.now()
        if existing is not None:
            existing.status = new_status
            existing.message = message
            existing.updated_at = now
            await existing.save(update_fields=["status", "message", "updated_at"])
            participation = existing
        else:
            participation = await Participation.create(
                action=action,
                member=member,
                status=new_status,
                message=message,
                created_at=now,
                updated_at=now,
            )
        await node.events.record(
            node, ParticipationAsked(participation=participation, action=action)
        )
    return await Participation.get(id=participation.id).select_related("member")


async def list_participations(action_id: uuid.UUID, viewer: Member) -> list[Participation]:
    """All participations for whoever manages the action, the viewer's own otherwise."""
    action = await get_visible_action(action_id, viewer)
    query = Participation.filter(action_id=action.id)
    if not await can_manage(action, viewer):
        query = query.filter(member_id=viewer.id)
    rows = await query.order_by("created_at", "id").select_related("member")
    hidden = await blocks.hidden_for(viewer)
    return [
        row
        for row in rows
        if not hidden.hides_member(row.member_id)  # type: ignore[attr-defined]
        and not hidden.hides_actor(row.remote_actor_iri)
    ]


async def _participation(action: Action, participation_id: int) -> Participation:
    row = await Participation.get_or_none(id=participation_id, action_id=action.id)
    if row is None:
        raise NotFound("No such participation.")
    return row


async def decide(
    action_id: uuid.UUID,
    participation_id: int,
    manager: Member,
    status: ParticipationStatus,
    node: NodeState,
) -> Participation:
    """The author (or a coordinator) accepts or declines a participation."""
    if status not in (ParticipationStatus.ACCEPTED, ParticipationStatus.DECLINED):
        raise Unprocessable.field("status", "must be accepted or declined")
    async with in_transaction():
        action = await get_visible_action(action_id, manager)
        await _lock_action(action.id)
        row = await _participation(action, participation_id)
        if not await can_manage(action, manager):
            if row.member_id != manager.id:  # type: ignore[attr-defined]
                raise NotFound("No such participation.")
            raise Forbidden("Only the author decides who takes part.")
        if row.status == ParticipationStatus.LEFT:
            raise Conflict("This participant has left.")
        if status == ParticipationStatus.ACCEPTED and row.status != ParticipationStatus.ACCEPTED:
            await _check_room(action)
        row.status = status
        row.updated_at = clock.now()
        await row.save(update_fields=["status", "updated_at"])
        await node.events.record(node, ParticipationDecided(participation=row, action=action))
    return await Participation.get(id=row.id).select_related("member")


async def leave(
    action_id: uuid.UUID,
    participation_id: int | None,
    member: Member,
    node: NodeState,
) -> None:
    """The participant leaves (``participation_id`` None: the member's own participation)."""
    async with in_transaction():
        action = await get_visible_action(action_id, member)
        if participation_id is None:
            row = await Participation.get_or_none(action_id=action.id, member_id=member.id)
            if row is None:
                raise NotFound("You are not taking part in this action.")
        else:
            row = await _participation(action, participation_id)
            if row.member_id != member.id:  # type: ignore[attr-defined]
                if await can_manage(action, member):
                    raise Forbidden("Decline the participation instead (PATCH status=declined).")
                raise NotFound("No such participation.")
        if row.status == ParticipationStatus.LEFT:
            raise NotFound("You are not taking part in this action.")
        row.status = ParticipationStatus.LEFT
        row.updated_at = clock.now()
        await row.save(update_fields=["status", "updated_at"])
        await node.events.record(node, ParticipationLeft(participation=row, action=action))


async def is_in_chat(action: Action, member: Member) -> bool:
    """The author and accepted participants share the action's chat."""
    if action.author_id == member.id:  # type: ignore[attr-defined]
        return True
    return await Participation.exists(
        action_id=action.id, member_id=member.id, status=ParticipationStatus.ACCEPTED
    )


# --- people of other nodes ------------------------------------------------------------------
#
# A partner node's member answering one of our public actions (``Join``/``Offer``), leaving it,
# or the partner answering our member's ``Join`` of its action. The same rules and the same
# locked capacity check as for our members, and the same events, so that the author hears of it
# and federation answers (it never echoes back what came from there).


@dataclass(frozen=True)
class RemoteParticipant:
    """Who answers from another node: their actor, the name to show, and the ``Join`` (or
    ``Offer``) activity that asked, kept to match the answer."""

    actor_iri: str
    name: str
    activity_id: str


async def local_public_action(action_id: uuid.UUID) -> Action:
    action = await Action.get_or_none(id=action_id, origin_domain__isnull=True)
    if action is None or action.visibility != Visibility.PUBLIC:
        raise NotFound("No such public action.")
    return action


async def join_remote(
    node: NodeState, action_id: uuid.UUID, who: RemoteParticipant, message: str = ""
) -> Participation:
    """A person of another node asks to join one of our public actions: let in at once with
    ``auto_accept`` while there is room (declined when the outing is full), pending otherwise.
    Under the same row lock as a local join, so two joins cannot both take the last place."""
    message = received_text(message, MESSAGE_MAX)
    async with in_transaction():
        await _lock_action(action_id)
        action = await local_public_action(action_id)
        if await blocks.blocks_actor(action.author_id, who.actor_iri):  # type: ignore[attr-defined]
            raise Forbidden("The author of this action does not take part with this person.")
        status = effective_status(action)
        if status != ActionStatus.OPEN:
            raise Conflict(f"The action is {status.value}: it cannot be joined.")
        existing = await Participation.get_or_none(
            action_id=action.id, remote_actor_iri=who.actor_iri
        )
        if existing is not None and existing.status in _TAKING_PART:
            raise Conflict("Already taking part in this action.")
        new_status = ParticipationStatus.PENDING
        if action.auto_accept:
            try:
                await _check_room(action)
                new_status = ParticipationStatus.ACCEPTED
            except Conflict:
                new_status = ParticipationStatus.DECLINED
        now = clock.now()
        if existing is not None:
            existing.status, existing.message, existing.ap_id = new_status, message, who.activity_id
            existing.remote_name, existing.updated_at = who.name, now
            await existing.save()
            row = existing
        else:
            row = await Participation.create(
                action=action,
                member=None,
                remote_actor_iri=who.actor_iri,
                remote_name=who.name,
                ap_id=who.activity_id,
                status=new_status,
                message=message,
                created_at=now,
                updated_at=now,
            )
        await node.events.record(node, ParticipationAsked(participation=row, action=action))
    return row


async def leave_remote(node: NodeState, action_id: uuid.UUID, actor_iri: str) -> Participation:
    """A person of another node leaves one of our actions (``Leave``)."""
    async with in_transaction():
        action = await local_public_action(action_id)
        row = await Participation.get_or_none(
            action_id=action.id, remote_actor_iri=actor_iri, status__in=list(_TAKING_PART)
        )
        if row is None:
            raise NotFound("Not taking part in this action.")
        row.status, row.updated_at = ParticipationStatus.LEFT, clock.now()
        await row.save(update_fields=["status", "updated_at"])
        await node.events.record(node, ParticipationLeft(participation=row, action=action))
    return row


async def remote_answer(
    node: NodeState, join_id: str, *, origin: str, accepted: bool
) -> Participation:
    """The node of a remote action accepted or declined our member's ``Join`` ``join_id``;
    only that node (``origin``, the sender's) may answer."""
    async with in_transaction():
        row = await Participation.get_or_none(
            ap_id=join_id, member_id__isnull=False
        ).select_related("action", "member")
        if row is None or row.action.origin_domain != origin:
            raise NotFound("No Join of ours matches.")
        await _lock_action(row.action.id)
        if row.status == ParticipationStatus.LEFT:
            raise Conflict("The member has left.")
        row.status = ParticipationStatus.ACCEPTED if accepted else ParticipationStatus.DECLINED
        row.updated_at = clock.now()
        await row.save(update_fields=["status", "updated_at"])
        await node.events.record(node, ParticipationDecided(participation=row, action=row.action))
    return row


async def remote_in_chat(action: Action, actor_iri: str) -> bool:
    """Whether a person of another node shares the chat of our action ``action``."""
    return await Participation.exists(
        action_id=action.id, remote_actor_iri=actor_iri, status=ParticipationStatus.ACCEPTED
    )


async def members_in_chat(action: Action) -> bool:
    """Whether one of our members shares the chat of a remote action."""
    return await Participation.exists(
        action_id=action.id, member_id__isnull=False, status=ParticipationStatus.ACCEPTED
    )
