"""API routes: the caller's own actions and their private calendar feed (``/api/v1/me/…``),
and the feed itself (``/calendar/<secret>.ics``, read by calendar applications without a log-in).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field
from quart import Blueprint, Response
from quart_schema import security_scheme, validate_response

from node.api.deps import require_member
from node.api.types import BEARER
from node.errors import NotFound
from node.http_state import current_node
from node.models import ActionKind, ActionStatus, ParticipationStatus
from node.services import my_actions as service

blueprint = Blueprint("my_actions", __name__, url_prefix="/api/v1")
feeds = Blueprint("calendar_feeds", __name__)


class MyActionOut(BaseModel):
    id: UUID
    title: str
    kind: ActionKind
    role: Literal["posted", "joined"]
    status: ActionStatus
    participation_status: ParticipationStatus | None = Field(description="When joined")
    starts_at: datetime | None
    unread: int = Field(description="Unread notifications about it (requests, messages, …)")


class MyActionsOut(BaseModel):
    items: list[MyActionOut]


class CalendarOut(BaseModel):
    url: str = Field(description="Private iCalendar feed; anyone with it can read it")


@blueprint.get("/me/actions")
@security_scheme(BEARER)
@validate_response(MyActionsOut)
async def list_my_actions() -> MyActionsOut:
    """What the caller posted and joined, newest first, with state and unread notifications."""
    rows = await service.my_actions(await require_member())
    return MyActionsOut(
        items=[
            MyActionOut(
                id=row.action.id,
                title=row.action.title,
                kind=row.action.kind,
                role=row.role,  # type: ignore[arg-type]
                status=row.status,
                participation_status=row.participation,
                starts_at=row.action.starts_at,
                unread=row.unread,
            )
            for row in rows
        ]
    )


@blueprint.post("/me/calendar/reset")
@security_scheme(BEARER)
@validate_response(CalendarOut)
async def reset_calendar() -> CalendarOut:
    """A new private feed URL; the old one stops working."""
    return CalendarOut(url=await service.reset_calendar(current_node(), await require_member()))


@feeds.get("/calendar/<token>.ics")
async def calendar_feed(token: str) -> Response:
    node = current_node()
    member = await service.member_for_calendar(node, token[:100])
    if member is None:
        raise NotFound("No such calendar.")
    return Response(
        await service.calendar(node, member),
        content_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )
