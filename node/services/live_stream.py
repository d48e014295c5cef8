"""One member's live stream as Server-Sent Events (WHATWG HTML, "Server-sent events").

Events:

* ``unread`` — ``{"count": n}``: the member's unread notifications (sent at once, then on change);
* ``message`` — a chat message of the watched action (``id`` = the message id, so a browser
  that reconnects sends ``Last-Event-ID`` and gets what it missed, and nothing twice);
* ``participants`` — ``{}``: the participants of the watched action changed (pages reload that
  part).

A comment line is sent every ``heartbeat`` seconds so that proxies and browsers keep an idle
connection open and a dead one is noticed. ``retry:`` tells the browser to reconnect after 3 s.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from node.models import Member, Message
from node.services.actions import get_visible_action
from node.services.notifications import unread_count
from node.services.participations import is_in_chat
from node.state import NodeState

HEARTBEAT_SECONDS = 15.0
RETRY_MS = 3000
MAX_BACKLOG = 100


def sse(event: str, data: Any, event_id: int | None = None) -> bytes:
    lines = [f"event: {event}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append("data: " + json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return ("\n".join(lines) + "\n\n").encode()


def message_data(message: Message) -> dict[str, Any]:
    author = message.author.display_name if message.author else message.remote_author_name
    return {
        "id": message.id,
        "author": author or "",
        "author_id": str(message.author_id) if message.author_id else None,  # type: ignore[attr-defined]
        "body": message.body,
        "created_at": message.created_at.isoformat(),
    }


def _new_messages(
    action_id: uuid.UUID | None, after: int
) -> Callable[[], Awaitable[list[Message]]]:
    async def load() -> list[Message]:
        return (
            await Message.filter(action_id=action_id, id__gt=after)
            .order_by("id")
            .limit(MAX_BACKLOG)
            .select_related("author")
        )

    return load


def parse_last_event_id(value: str | None) -> int | None:
    if value and value.isdigit() and len(value) < 19:
        return int(value)
    return None


async def check_stream(member: Member, action_id: uuid.UUID | None) -> bool:
    """Whether the stream may carry the action's chat (404 when the action is not visible)."""
    if action_id is None:
        return False
    action = await get_visible_action(action_id, member)
    return await is_in_chat(action, member)


async def stream(
    node: NodeState,
    member: Member,
    *,
    action_id: uuid.UUID | None = None,
    chat: bool = False,
    last_event_id: int | None = None,
    heartbeat: float = HEARTBEAT_SECONDS,
) -> AsyncIterator[bytes]:
    """The events for ``member`` (and one action's page) until the client goes away."""
    listener = node.live.open(member.id, action_id)
    try:
        yield f"retry: {RETRY_MS}\n\n".encode()
        count = await unread_count(member.id)
        yield sse("unread", {"count": count})
        last = last_event_id
        if chat and last is None:
            newest = await Message.filter(action_id=action_id).order_by("-id").first()
            last = newest.id if newest else 0
        changes = {"messages"} if chat and last_event_id is not None else set()
        while True:
            if "unread" in changes:
                now = await node.live.shared(("unread", member.id), lambda: unread_count(member.id))
                if now != count:
                    count = now
                    yield sse("unread", {"count": count})
            if "messages" in changes and chat:
                rows = await node.live.shared(
                    ("messages", action_id, last), _new_messages(action_id, last or 0)
                )
                for row in rows:
                    last = row.id
                    yield sse("message", message_data(row), row.id)
            if "participants" in changes:
                yield sse("participants", {})
            changes = await listener.wait(heartbeat)
            if not changes:
                yield b": keep-alive\n\n"
    finally:
        node.live.close(listener)
