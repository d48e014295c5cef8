"""What members are told about the actions they take part in: joins asked and decided, chat
messages, an outing changed or cancelled."""

from __future__ import annotations

from uuid import UUID

from node.events import (
    ActionDeleted,
    ActionUpdated,
    MessagePosted,
    ParticipationAsked,
    ParticipationDecided,
)
from node.models import (
    Action,
    ActionKind,
    ActionStatus,
    Member,
    Participation,
    ParticipationStatus,
)
from node.notify.telling import tell
from node.services import notifications
from node.state import NodeState

# Changes of an outing its participants are told about.
_OUTING_DETAILS = frozenset(
    {"title", "starts_at", "ends_at", "place_name", "lat", "lon", "public_lat", "public_lon"}
)


def _payload(action: Action, actor: str = "") -> dict[str, str]:
    return {"actor": actor, "title": action.title, "url": f"/actions/{action.id}"}


async def _participant_name(row: Participation) -> str:
    if row.member_id is None:  # type: ignore[attr-defined]
        return row.remote_name or ""
    member = await Member.get(id=row.member_id)  # type: ignore[attr-defined]
    return member.display_name


async def _chat_members(action: Action) -> list[UUID]:
    """Local members in the action's chat: its author and accepted participants."""
    ids: list[UUID] = await Participation.filter(
        action_id=action.id, status=ParticipationStatus.ACCEPTED, member_id__isnull=False
    ).values_list("member_id", flat=True)  # type: ignore[assignment]
    author = action.author_id  # type: ignore[attr-defined]
    return ([author] if author is not None else []) + ids


async def participation_asked(node: NodeState, event: ParticipationAsked) -> None:
    row, action = event.participation, event.action
    author = action.author_id  # type: ignore[attr-defined]
    if author is None:  # another node's action: its own node tells its author
        return
    await tell(node, "join_asked", [author], action, _payload(action, await _participant_name(row)))


async def participation_decided(node: NodeState, event: ParticipationDecided) -> None:
    row, action = event.participation, event.action
    member = row.member_id  # type: ignore[attr-defined]
    if member is None:  # a participant on another node: that node tells them
        return
    if row.status == ParticipationStatus.ACCEPTED:
        await tell(node, "join_accepted", [member], action, _payload(action))
    elif row.status == ParticipationStatus.DECLINED:
        await tell(node, "join_declined", [member], action, _payload(action))


async def message_posted(node: NodeState, event: MessagePosted) -> None:
    message, action = event.message, event.action
    writer = message.author_id  # type: ignore[attr-defined]
    if writer is not None:
        name = (await Member.get(id=writer)).display_name
    else:
        name = message.remote_author_name or ""
    recipients = []
    for member_id in await _chat_members(action):
        # One unread notice per chat is enough: the chat shows how many messages are new.
        if member_id != writer and not await notifications.has_unread(
            member_id, "message_posted", action.id
        ):
            recipients.append(member_id)
    await tell(node, "message_posted", recipients, action, _payload(action, name))


async def _outing_participants(action: Action) -> list[UUID]:
    ids: list[UUID] = await Participation.filter(
        action_id=action.id, status=ParticipationStatus.ACCEPTED, member_id__isnull=False
    ).values_list("member_id", flat=True)  # type: ignore[assignment]
    return ids


async def action_updated(node: NodeState, event: ActionUpdated) -> None:
    action = event.action
    if action.kind != ActionKind.OUTING:
        return
    if "status" in event.changed and action.status == ActionStatus.CLOSED:
        kind = "outing_cancelled"
    elif event.changed & _OUTING_DETAILS:
        kind = "outing_changed"
    else:
        return
    await tell(node, kind, await _outing_participants(action), action, _payload(action))


async def action_deleted(node: NodeState, event: ActionDeleted) -> None:
    action = event.action
    if action.kind != ActionKind.OUTING:
        return
    # The action's row goes right after: the notification keeps its title, not a link to it.
    payload = {"actor": "", "title": action.title, "url": ""}
    await tell(node, "outing_cancelled", await _outing_participants(action), None, payload)
