"""API routes: the caller's notifications, their preferences and Web Push devices."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import (
    BaseModel,
    Field,
    StrictBool,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)
from quart import Blueprint, Response, request
from quart_schema import security_scheme, validate_querystring, validate_request, validate_response

from node.api.deps import require_member
from node.api.types import BEARER, ONE_LINE, Strict
from node.errors import Unprocessable, pydantic_errors
from node.http_sse import event_stream
from node.http_state import current_node
from node.keys import vapid_public_key
from node.models import Notification, PushSubscription
from node.services import live_stream, push_subscriptions
from node.services import notifications as service
from node.services.notification_kinds import KINDS

blueprint = Blueprint("notifications", __name__, url_prefix="/api/v1")


class NotificationsQuery(Strict):
    """``unread=true``: unread ones only. ``before``: the ``next_cursor`` of the previous page."""

    unread: bool = False
    before: int | None = Field(None, ge=1, le=2**63 - 1)
    limit: int = Field(service.DEFAULT_LIMIT, ge=1, le=service.MAX_LIMIT)


class NotificationOut(BaseModel):
    id: int
    kind: str
    text: str = Field(description="In the node's language; people by pseudonym only")
    url: str | None = Field(description="The page it is about, relative to the node")
    action_id: UUID | None
    urgent: bool
    created_at: datetime
    read_at: datetime | None


class NotificationsOut(BaseModel):
    items: list[NotificationOut]
    next_cursor: int | None
    unread: int


class ReadIn(Strict):
    """Either ``ids`` (yours; others are ignored) or ``all: true``."""

    ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] | None = Field(None, max_length=500)
    all: StrictBool = False


class ReadOut(BaseModel):
    marked: int
    unread: int


Preferences = dict[str, dict[str, bool]]
_PREFERENCES = TypeAdapter(Preferences)


class PushKeyOut(BaseModel):
    public_key: str = Field(description="VAPID application server key (base64url)")


class SubscriptionKeys(Strict):
    p256dh: Annotated[str, StringConstraints(min_length=1, max_length=200), ONE_LINE]
    auth: Annotated[str, StringConstraints(min_length=1, max_length=100), ONE_LINE]


class SubscriptionIn(BaseModel):
    """The JSON of the browser's ``PushSubscription`` (``expirationTime`` is ignored)."""

    endpoint: Annotated[str, StringConstraints(min_length=8, max_length=1024), ONE_LINE]
    keys: SubscriptionKeys
    label: Annotated[str, StringConstraints(max_length=100), ONE_LINE] = ""


class SubscriptionOut(BaseModel):
    id: int
    label: str
    created_at: datetime
    last_success_at: datetime | None


class SubscriptionsOut(BaseModel):
    items: list[SubscriptionOut]


def notification_out(row: Notification, language: str) -> NotificationOut:
    spec = KINDS.get(row.kind)
    return NotificationOut(
        id=row.id,
        kind=row.kind,
        text=spec.text(language, row.payload) if spec else row.kind,
        url=row.payload.get("url") or None,
        action_id=row.action_id,  # type: ignore[attr-defined]
        urgent=row.urgent,
        created_at=row.created_at,
        read_at=row.read_at,
    )


def _subscription_out(row: PushSubscription) -> SubscriptionOut:
    return SubscriptionOut(
        id=row.id, label=row.label, created_at=row.created_at, last_success_at=row.last_success_at
    )


@blueprint.get("/notifications")
@security_scheme(BEARER)
@validate_querystring(NotificationsQuery)
@validate_response(NotificationsOut)
async def list_notifications(query_args: NotificationsQuery) -> NotificationsOut:
    """The caller's notifications, newest first, with the unread count."""
    member = await require_member()
    page = await service.list_notifications(
        member, unread_only=query_args.unread, before=query_args.before, limit=query_args.limit
    )
    language = current_node().settings.default_language
    return NotificationsOut(
        items=[notification_out(row, language) for row in page.items],
        next_cursor=page.next_cursor,
        unread=page.unread,
    )


@blueprint.post("/notifications/read")
@security_scheme(BEARER)
@validate_request(ReadIn)
@validate_response(ReadOut)
async def mark_read(data: ReadIn) -> ReadOut:
    """Mark some (``ids``) or all (``all: true``) of the caller's notifications read."""
    member = await require_member()
    if data.all == (data.ids is not None):
        raise Unprocessable.field("ids", "give either ids or all: true")
    marked = await service.mark_read(member, None if data.all else data.ids)
    return ReadOut(marked=marked, unread=await service.unread_count(member.id))


@blueprint.get("/notifications/preferences")
@security_scheme(BEARER)
async def get_preferences() -> Preferences:
    """kind → channel (``email``, ``push``, ``sms``) → on/off, defaults included."""
    return await service.preferences(await require_member())


@blueprint.patch("/notifications/preferences")
@security_scheme(BEARER)
async def update_preferences() -> Preferences:
    """``{"message_posted": {"push": false}, "*": {"sms": true}}``; ``*`` is every kind."""
    member = await require_member()
    try:
        changes = _PREFERENCES.validate_python(await request.get_json(force=True), strict=True)
    except ValidationError as error:
        raise Unprocessable(
            "The request does not match the schema.", errors=pydantic_errors(error)
        ) from None
    await service.set_preferences(member, changes)
    return await service.preferences(member)


@blueprint.get("/push/key")
@validate_response(PushKeyOut)
async def push_key() -> PushKeyOut:
    """The key to pass to ``pushManager.subscribe({applicationServerKey})``."""
    return PushKeyOut(public_key=vapid_public_key(current_node().settings))


@blueprint.get("/push/subscriptions")
@security_scheme(BEARER)
@validate_response(SubscriptionsOut)
async def list_subscriptions() -> SubscriptionsOut:
    member = await require_member()
    rows = await push_subscriptions.list_subscriptions(member)
    return SubscriptionsOut(items=[_subscription_out(row) for row in rows])


@blueprint.post("/push/subscriptions")
@security_scheme(BEARER)
@validate_request(SubscriptionIn)
@validate_response(SubscriptionOut)
async def subscribe(data: SubscriptionIn) -> tuple[SubscriptionOut, int]:
    """Register this device for Web Push (201; 200 when it was already registered)."""
    member = await require_member()
    row, created = await push_subscriptions.subscribe(
        current_node().settings,
        member,
        endpoint=data.endpoint,
        p256dh=data.keys.p256dh,
        auth=data.keys.auth,
        label=data.label,
    )
    return _subscription_out(row), 201 if created else 200


@blueprint.delete("/push/subscriptions/<int:subscription_id>")
@security_scheme(BEARER)
async def unsubscribe(subscription_id: int) -> tuple[str, int]:
    await push_subscriptions.unsubscribe(await require_member(), subscription_id)
    return "", 204


class StreamQuery(Strict):
    action: UUID | None = Field(None, description="Also this action's chat and participants")


@blueprint.get("/stream")
@security_scheme(BEARER)
@validate_querystring(StreamQuery)
async def live(query_args: StreamQuery) -> Response:
    """Server-Sent Events: ``unread``, and with ``action``, ``message`` and ``participants``
    (see docs/api.md). Resume with ``Last-Event-ID``."""
    member = await require_member()
    chat = await live_stream.check_stream(member, query_args.action)
    return event_stream(
        live_stream.stream(
            current_node(),
            member,
            action_id=query_args.action,
            chat=chat,
            last_event_id=live_stream.parse_last_event_id(request.headers.get("Last-Event-ID")),
        )
    )
