"""An action's private chat: its author and accepted participants only.

Pages are keyset on the message id: ``before=<id>`` walks back in time (newest first, the
default: the latest messages), ``after=<id>`` walks forward (oldest first: poll for new ones).
``next_cursor`` is the id to pass again in the same direction, None at the end.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from node import clock
from node.errors import Forbidden, Unprocessable
from node.models import Action, Member, Message
from node.services.actions import get_visible_action
from node.services.inputs.actions import CHAT_MESSAGE
from node.services.participations import is_in_chat

if TYPE_CHECKING:
    from node.state import NodeState

BODY_MAX = CHAT_MESSAGE.high
DEFAULT_LIMIT = 50
MAX_LIMIT = 100


@dataclass(slots=True)
class MessagePage:
    items: list[Message] = field(default_factory=list)
    next_cursor: int | None = None


async def _chat_action(action_id: uuid.UUID, member: Member) -> Action:
    action = await get_visible_action(action_id, member)
    if not await is_in_chat(action, member):
        raise Forbidden("Only the author and accepted participants can use this chat.")
    return action


async def _chat_action_id(action_id: uuid.UUID, member: Member) -> uuid.UUID:
    return (await _chat_action(action_id, member)).id


async def post_message(
    action_id: uuid.UUID, member: Member, body: str, node: NodeState | None = None
) -> Message:
    """Write in the chat; with ``node``, participants on other nodes get it as a ``Note``."""
    body = body.strip()
    if not 1 <= len(body) <= BODY_MAX:
        raise Unprocessable.field("body", f"must be 1 to {BODY_MAX} characters long")
    action = await _chat_action(action_id, member)
    async with in_transaction():
        message = await Message.create(
            action_id=action.id, author=member, body=body, created_at=clock.now()
        )
        if node is not None:
            from node.fed.publish_participations import send_message

            await send_message(node, action, message)
    return await Message.get(id=message.id).select_related("author")


async def list_messages(
    action_id: uuid.UUID,
    member: Member,
    *,
    before: int | None = None,
    after: int | None = None,
    limit: int = DEFAULT_LIMIT,
) -> MessagePage:
    if before is not None and after is not None:
        raise Unprocessable.field("after", "use either before or after, not both")
    if not 1 <= limit <= MAX_LIMIT:
        raise Unprocessable.field("limit", f"must be 1 to {MAX_LIMIT}")
    chat = await _chat_action_id(action_id, member)
    query = Message.filter(action_id=chat)
    if after is not None:
        query = query.filter(id__gt=after).order_by("id")
    else:
        if before is not None:
            query = query.filter(id__lt=before)
        query = query.order_by("-id")
    rows = await query.limit(limit + 1).select_related("author")
    page = MessagePage(items=rows[:limit])
    if len(rows) > limit:
        page.next_cursor = rows[limit - 1].id
    return page
