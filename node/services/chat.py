"""An action's private chat: its author and accepted participants only.

Pages are keyset on the message id: ``before=<id>`` walks back in time (newest first, the
default: the latest messages), ``after=<id>`` walks forward (oldest first: poll for new ones).
``next_cursor`` is the id to pass again in the same direction, None at the end.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from tortoise.transactions import in_transaction

from node import clock
from node.errors import Conflict, Forbidden, Unprocessable
from node.events import MessagePosted
from node.models import Action, Member, Message
from node.services import blocks, word_list
from node.services.actions import get_visible_action
from node.services.inputs.actions import CHAT_MESSAGE
from node.services.participations import is_in_chat, members_in_chat, remote_in_chat
from node.services.received_text import received_text
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
    action_id: uuid.UUID,
    member: Member,
    body: str,
    node: NodeState,
    *,
    confirmed_screened: bool = False,
) -> Message:
    """Write in the chat (:class:`MessagePosted`: participants on other nodes get a ``Note``);
    422 for words of the moderators' list until ``confirmed_screened``."""
    body = body.strip()
    if not 1 <= len(body) <= BODY_MAX:
        raise Unprocessable.field("body", f"must be 1 to {BODY_MAX} characters long")
    action = await _chat_action(action_id, member)
    await word_list.check_text(body, confirmed_screened)
    async with in_transaction():
        message = await Message.create(
            action_id=action.id, author=member, body=body, created_at=clock.now()
        )
        await node.events.record(node, MessagePosted(message=message, action=action))
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
    page = MessagePage(items=await _shown(rows[:limit], member))
    if len(rows) > limit:
        page.next_cursor = rows[limit - 1].id
    return page


async def _shown(rows: list[Message], viewer: Member) -> list[Message]:
    """The messages but those of people the viewer blocked or who blocked the viewer (the
    cursor still walks past them)."""
    hidden = await blocks.hidden_for(viewer)
    moderates = viewer.is_moderator or viewer.is_admin
    return [
        row
        for row in rows
        if not hidden.hides_member(row.author_id)  # type: ignore[attr-defined]
        and not hidden.hides_actor(row.remote_actor_iri)
        # Hidden by the moderators: only its author and they still see it.
        and (row.hidden_at is None or moderates or row.author_id == viewer.id)  # type: ignore[attr-defined]
    ]


@dataclass(frozen=True, slots=True)
class RemoteAuthor:
    """Who wrote a message on another node: their actor and the name to show."""

    actor_iri: str
    name: str
    origin: str  # their node (normalised origin), to check who may write in a remote chat


async def post_remote_message(
    node: NodeState, action: Action, author: RemoteAuthor, *, ap_id: str, body: str
) -> Message:
    """A chat message received from another node (a ``Note`` replying to ``action``).

    In our action's chat only an accepted participant of the author's may write; in a remote
    action's chat only its own node writes (its author and participants live there), and only
    while one of our members takes part. Too long a text is cut (the sender's limits are not
    ours), an empty one refused; a message already stored (same ``ap_id``) is a 409."""
    body = received_text(body, BODY_MAX)
    if not body:
        raise Unprocessable.field("body", "empty message")
    if action.origin_domain is None:
        allowed = await remote_in_chat(action, author.actor_iri)
    else:
        allowed = action.origin_domain == author.origin and await members_in_chat(action)
    if not allowed:
        raise Forbidden("Only the author and accepted participants can use this chat.")
    if await blocks.blocks_actor(action.author_id, author.actor_iri):  # type: ignore[attr-defined]
        raise Forbidden("The author of this action does not take part with this person.")
    async with in_transaction():
        if await Message.exists(ap_id=ap_id):
            raise Conflict("This message is already stored.")
        message = await Message.create(
            action_id=action.id,
            author=None,
            remote_actor_iri=author.actor_iri,
            remote_author_name=author.name,
            ap_id=ap_id,
            body=body,
            created_at=clock.now(),
        )
        await node.events.record(node, MessagePosted(message=message, action=action))
    return message


async def withdraw_remote_message(ap_id: str, sender_iri: str) -> bool:
    """A chat line's own server took it back (its author deleted it, or its moderators hid
    it): our copy goes. False when no line has this id; 403 when ``sender_iri`` is not the
    actor who wrote it (only the author's server may delete its own objects)."""
    message = await Message.get_or_none(ap_id=ap_id)
    if message is None:
        return False
    if message.remote_actor_iri != sender_iri:
        raise Forbidden("Only the author's server may delete this message.")
    await message.delete()
    return True
