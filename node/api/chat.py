"""API routes: the private chat of an action (under /api/v1)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field
from quart import Blueprint
from quart_schema import security_scheme, validate_querystring, validate_request, validate_response

from node.api.action_views import PersonOut, person_out
from node.api.deps import require_member, screened_confirmed
from node.api.types import BEARER, Strict
from node.http_state import current_node
from node.models import Message
from node.services import chat
from node.services.inputs.actions import ChatMessageDraft

blueprint = Blueprint("chat", __name__, url_prefix="/api/v1")


class MessagesQuery(Strict):
    """``before``: older messages, newest first (default: the latest). ``after``: newer
    messages, oldest first (polling). Pass ``next_cursor`` back in the same parameter."""

    before: int | None = Field(None, ge=1, le=2**63 - 1)
    after: int | None = Field(None, ge=0, le=2**63 - 1)
    limit: int = Field(chat.DEFAULT_LIMIT, ge=1, le=chat.MAX_LIMIT)


class MessageOut(BaseModel):
    id: int
    action_id: UUID
    author: PersonOut
    body: str
    created_at: datetime


class MessagesOut(BaseModel):
    items: list[MessageOut]
    next_cursor: int | None = Field(description="Pass as before/after for the next page")


def message_out(row: Message) -> MessageOut:
    return MessageOut(
        id=row.id,
        action_id=row.action_id,  # type: ignore[attr-defined]
        author=person_out(row.author, getattr(row, "remote_author_name", None)),
        body=row.body,
        created_at=row.created_at,
    )


@blueprint.get("/actions/<uuid:action_id>/messages")
@security_scheme(BEARER)
@validate_querystring(MessagesQuery)
@validate_response(MessagesOut)
async def list_messages(action_id: UUID, query_args: MessagesQuery) -> MessagesOut:
    """The action's chat (author and accepted participants only)."""
    member = await require_member()
    page = await chat.list_messages(
        action_id,
        member,
        before=query_args.before,
        after=query_args.after,
        limit=query_args.limit,
    )
    return MessagesOut(items=[message_out(m) for m in page.items], next_cursor=page.next_cursor)


@blueprint.post("/actions/<uuid:action_id>/messages")
@security_scheme(BEARER)
@validate_request(ChatMessageDraft)
@validate_response(MessageOut, 201)
async def post_message(action_id: UUID, data: ChatMessageDraft) -> tuple[MessageOut, int]:
    """Write in the action's chat (author and accepted participants only). Words of the
    moderators' list: 422 ``/problems/screened-words`` until sent again with
    ``?confirm_screened=true``."""
    member = await require_member()
    message = await chat.post_message(
        action_id, member, data.body, current_node(), confirmed_screened=screened_confirmed()
    )
    return message_out(message), 201
