"""API routes: actions, the nearby feed, participations and the action chat (under /api/v1).

Privacy (DESIGN §5): responses carry the public point (moved randomly within ~125 m) and its H3
cell; ``exact_lat``/``exact_lon`` are filled only for the author. People appear as id and
pseudonym, never phone or email.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints
from quart import Blueprint, Response, g, request
from quart_schema import security_scheme, validate_querystring, validate_request, validate_response
from quart_schema.validation import QUART_SCHEMA_RESPONSE_ATTRIBUTE

from node import clock
from node.api.deps import optional_member, require_member, require_verified_member
from node.api.types import (
    BEARER,
    MULTI_LINE,
    ONE_LINE,
    Lat,
    Lon,
    Moment,
    QueryLat,
    QueryLon,
    Strict,
)
from node.errors import Unprocessable
from node.models import (
    Action,
    ActionCategory,
    ActionKind,
    ActionStatus,
    Member,
    Message,
    Participation,
    ParticipationStatus,
    Visibility,
)
from node.services import actions as actions_service
from node.services import chat, feed, participations
from node.state import current_node

blueprint = Blueprint("actions", __name__, url_prefix="/api/v1")

Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=120), ONE_LINE
]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000), MULTI_LINE]
PlaceName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), ONE_LINE
]


# --- requests -----------------------------------------------------------------------------------


class ActionIn(Strict):
    """A need, an offer or an outing. Outings need ``starts_at``, ``ends_at`` (later, both in the
    future), ``place_name`` and ``capacity``; needs and offers must not have them."""

    kind: ActionKind
    category: ActionCategory
    title: Title
    description: Description = ""
    lat: Lat = Field(description="The exact point: only you will see it")
    lon: Lon
    visibility: Visibility = Visibility.PUBLIC
    association_id: UUID | None = Field(None, description="Post as this association")
    on_behalf_of: UUID | None = Field(
        None, description="A proxy profile managed by an association you coordinate"
    )
    consent: bool = Field(False, description="Required (true) with on_behalf_of")
    auto_accept: bool = Field(False, description="Accept participations without review")
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    place_name: PlaceName | None = Field(None, description="A public meeting point, no address")
    capacity: int | None = Field(None, ge=1, le=1000)


class ActionPatch(Strict):
    """Only the keys present change. A new ``lat``/``lon`` is jittered again. ``status`` moves an
    open action to ``fulfilled`` or ``closed``."""

    title: Title | None = None
    description: Description | None = None
    category: ActionCategory | None = None
    status: Literal["fulfilled", "closed"] | None = None
    auto_accept: bool | None = None
    lat: Lat | None = None
    lon: Lon | None = None


class FeedQuery(Strict):
    """The nearby feed. Without ``lat``/``lon``: the centre of the node's area."""

    lat: QueryLat | None = None
    lon: QueryLon | None = None
    radius_km: float = Field(feed.DEFAULT_RADIUS_KM, gt=0, le=feed.MAX_RADIUS_KM)
    kind: ActionKind | None = None
    category: ActionCategory | None = None
    status: ActionStatus = ActionStatus.OPEN
    order: Literal["recent", "distance"] = "recent"
    cursor: Annotated[str, StringConstraints(max_length=512), ONE_LINE] | None = Field(
        None, description="next_cursor of the last page"
    )
    limit: int = Field(feed.DEFAULT_LIMIT, ge=1, le=feed.MAX_LIMIT)


class JoinIn(Strict):
    message: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=500), MULTI_LINE
    ] = ""


class DecisionIn(Strict):
    status: Literal["accepted", "declined"]


class MessageIn(Strict):
    body: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), MULTI_LINE
    ]


class MessagesQuery(Strict):
    """``before``: older messages, newest first (default: the latest). ``after``: newer
    messages, oldest first (polling). Pass ``next_cursor`` back in the same parameter."""

    before: int | None = Field(None, ge=1, le=2**63 - 1)
    after: int | None = Field(None, ge=0, le=2**63 - 1)
    limit: int = Field(chat.DEFAULT_LIMIT, ge=1, le=chat.MAX_LIMIT)


# --- responses ----------------------------------------------------------------------------------


class PersonOut(BaseModel):
    """A person as others see them: never a phone number or an email address."""

    id: UUID | None = Field(description="Null for someone on another node")
    pseudonym: str


class AssociationRef(BaseModel):
    id: UUID
    name: str


class OriginOut(BaseModel):
    """Where a remote action comes from: its node and its page there."""

    domain: str
    url: str


class ActionOut(BaseModel):
    id: UUID
    kind: ActionKind
    category: ActionCategory
    title: str
    description: str
    status: ActionStatus
    visibility: Visibility
    lat: float = Field(description="Public point, moved randomly within ~125 m")
    lon: float
    h3_cell: str = Field(description="H3 cell (resolution 9) of the public point")
    distance_km: float | None = Field(None, description="From the feed's point (feed only)")
    author: PersonOut
    on_behalf_of: PersonOut | None
    association: AssociationRef | None
    auto_accept: bool
    starts_at: datetime | None
    ends_at: datetime | None
    place_name: str | None
    capacity: int | None
    expires_at: datetime
    created_at: datetime
    updated_at: datetime
    is_mine: bool
    origin: OriginOut | None = Field(None, description="Another node's action: null if local")
    exact_lat: float | None = Field(None, description="The exact point: the author's view only")
    exact_lon: float | None = None


class FeedOut(BaseModel):
    items: list[ActionOut]
    next_cursor: str | None


class ParticipationOut(BaseModel):
    id: int
    action_id: UUID
    member: PersonOut
    status: ParticipationStatus
    message: str
    created_at: datetime
    updated_at: datetime


class ParticipationsOut(BaseModel):
    items: list[ParticipationOut]


class MessageOut(BaseModel):
    id: int
    action_id: UUID
    author: PersonOut
    body: str
    created_at: datetime


class MessagesOut(BaseModel):
    items: list[MessageOut]
    next_cursor: int | None = Field(description="Pass as before/after for the next page")


def _person(member: Member | None, remote_name: str | None = None) -> PersonOut:
    if member is None:  # a person on another node (federation)
        return PersonOut(id=None, pseudonym=remote_name or "Membre")
    return PersonOut(id=member.id, pseudonym=member.display_name)


def _action_out(action: Action, viewer: Member | None, distance: float | None = None) -> ActionOut:
    mine = viewer is not None and action.author_id == viewer.id  # type: ignore[attr-defined]
    association = action.association
    return ActionOut(
        id=action.id,
        kind=action.kind,
        category=action.category,
        title=action.title,
        description=action.description,
        status=actions_service.effective_status(action),
        visibility=action.visibility,
        lat=action.public_lat,
        lon=action.public_lon,
        h3_cell=action.h3_cell,
        distance_km=round(distance, 3) if distance is not None else None,
        author=_person(action.author, getattr(action, "remote_author_name", None)),
        on_behalf_of=_person(action.on_behalf_of) if action.on_behalf_of else None,
        association=AssociationRef(id=association.id, name=association.name)
        if association
        else None,
        auto_accept=action.auto_accept,
        starts_at=action.starts_at,
        ends_at=action.ends_at,
        place_name=action.place_name,
        capacity=action.capacity,
        expires_at=action.expires_at,
        created_at=action.created_at,
        updated_at=action.updated_at,
        is_mine=mine,
        origin=OriginOut(domain=action.origin_domain, url=action.remote_url or action.ap_id or "")
        if action.origin_domain
        else None,
        exact_lat=action.lat if mine else None,
        exact_lon=action.lon if mine else None,
    )


def _participation_out(row: Participation) -> ParticipationOut:
    return ParticipationOut(
        id=row.id,
        action_id=row.action_id,  # type: ignore[attr-defined]
        member=_person(row.member, getattr(row, "remote_name", None)),
        status=row.status,
        message=row.message,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _message_out(row: Message) -> MessageOut:
    return MessageOut(
        id=row.id,
        action_id=row.action_id,  # type: ignore[attr-defined]
        author=_person(row.author, getattr(row, "remote_author_name", None)),
        body=row.body,
        created_at=row.created_at,
    )


# --- actions ------------------------------------------------------------------------------------


@blueprint.post("/actions")
@security_scheme(BEARER)
@validate_request(ActionIn)
@validate_response(ActionOut, 201)
async def create_action(data: ActionIn) -> tuple[ActionOut, int]:
    """Post a need, an offer or an outing (verified members only)."""
    member = await require_verified_member()
    action = await actions_service.create_action(
        member,
        **data.model_dump(),
        ttl_days=current_node().settings.action_ttl_days,
        node=current_node(),
    )
    return _action_out(action, member), 201


F = TypeVar("F", bound=Callable[..., Any])


def documented_response(model: type[BaseModel], status: int = 200) -> Callable[[F], F]:
    """Document ``model`` as the response in the OpenAPI schema, like quart-schema's
    ``validate_response``, without validating each response: for routes that build their JSON
    themselves (the feed), whose output is checked against the model by the tests."""

    def decorator(func: F) -> F:
        schemas = getattr(func, QUART_SCHEMA_RESPONSE_ATTRIBUTE, {})
        schemas[status] = (model, None)
        setattr(func, QUART_SCHEMA_RESPONSE_ATTRIBUTE, schemas)
        return func

    return decorator


def _json_time(value: datetime | None) -> str | None:
    """A time as pydantic writes it (ISO 8601, ``Z`` for UTC)."""
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _feed_item_json(item: feed.FeedItem, viewer_id: UUID | None, now: datetime) -> dict[str, Any]:
    """One feed item exactly as :class:`ActionOut` serialises it (same keys, same order),
    without building the model: ``tests/node/test_feed_cache.py`` checks the equivalence."""
    a = item.action
    mine = viewer_id is not None and a.author_id == viewer_id
    if a.author_id is None:  # a person on another node (federation)
        author = {"id": None, "pseudonym": a.remote_author_name or "Membre"}
    else:
        author = {"id": str(a.author_id), "pseudonym": a.author_pseudonym or "Membre"}
    return {
        "id": str(a.id),
        "kind": a.kind.value,
        "category": a.category.value,
        "title": a.title,
        "description": a.description,
        "status": a.shown_status(now).value,
        "visibility": a.visibility.value,
        "lat": a.public_lat,
        "lon": a.public_lon,
        "h3_cell": a.h3_cell,
        "distance_km": round(item.distance_km, 3),
        "author": author,
        "on_behalf_of": {
            "id": str(a.on_behalf_of_id),
            "pseudonym": a.on_behalf_of_pseudonym or "Membre",
        }
        if a.on_behalf_of_id is not None
        else None,
        "association": {"id": str(a.association_id), "name": a.association_name}
        if a.association_id is not None
        else None,
        "auto_accept": a.auto_accept,
        "starts_at": _json_time(a.starts_at),
        "ends_at": _json_time(a.ends_at),
        "place_name": a.place_name,
        "capacity": a.capacity,
        "expires_at": _json_time(a.expires_at),
        "created_at": _json_time(a.created_at),
        "updated_at": _json_time(a.updated_at),
        "is_mine": mine,
        "origin": {"domain": a.origin_domain, "url": a.remote_url or a.ap_id or ""}
        if a.origin_domain
        else None,
        "exact_lat": a.lat if mine else None,
        "exact_lon": a.lon if mine else None,
    }


def feed_body(page: feed.FeedPage, viewer_id: UUID | None) -> bytes:
    """The JSON of a :class:`FeedOut`."""
    now = clock.now()
    body = {
        "items": [_feed_item_json(item, viewer_id, now) for item in page.items],
        "next_cursor": page.next_cursor,
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _public_feed_response(entry: feed.CachedFeed, ttl_s: float) -> Response:
    headers = {
        "ETag": entry.etag,
        "Cache-Control": f"public, max-age={int(ttl_s)}",
        "Vary": "Authorization",
    }
    if entry.etag in request.headers.get("If-None-Match", ""):
        return Response(b"", status=304, headers=headers)
    return Response(entry.body, content_type="application/json", headers=headers)


@blueprint.get("/actions")
@validate_querystring(FeedQuery)
@documented_response(FeedOut)
async def list_actions(query_args: FeedQuery) -> Response:
    """The nearby feed: visible actions within ``radius_km`` (max 40) of the point, newest first
    (``order=recent``) or nearest first (``order=distance``), ``limit`` per page (max 100).

    Without ``Authorization`` the point is rounded to 3 decimals (~110 m; published points are
    moved by up to 125 m anyway) and the response may come from a cache of up to 10 s
    (``Cache-Control``, ``ETag``); this node's own changes show at once."""
    if (query_args.lat is None) != (query_args.lon is None):
        raise Unprocessable.field("lon", "give both lat and lon, or neither")
    node = current_node()
    settings = node.settings
    lat = query_args.lat if query_args.lat is not None else settings.area_lat
    lon = query_args.lon if query_args.lon is not None else settings.area_lon
    q = query_args

    async def page_for(lat: float, lon: float, viewer: Member | None) -> feed.FeedPage:
        return await feed.nearby(
            lat=lat,
            lon=lon,
            radius_km=q.radius_km,
            viewer=viewer,
            kind=q.kind,
            category=q.category,
            status=q.status,
            order=q.order,
            cursor=q.cursor,
            limit=q.limit,
        )

    if "member" not in g and not request.headers.get("Authorization"):
        lat, lon = round(lat, 3), round(lon, 3)
        key = (lat, lon, q.radius_km, q.kind, q.category, q.status, q.order, q.cursor, q.limit)
        cache = node.feed_cache
        entry = cache.get(key)
        if entry is None:
            version = actions_service.actions_version()  # before reading
            entry = cache.put(key, feed_body(await page_for(lat, lon, None), None), version)
        return _public_feed_response(entry, cache.ttl_s)
    viewer = await optional_member()
    page = await page_for(lat, lon, viewer)
    return Response(
        feed_body(page, viewer.id if viewer is not None else None),
        content_type="application/json",
        headers={"Cache-Control": "private, no-cache"},
    )


@blueprint.get("/actions/<uuid:action_id>")
@validate_response(ActionOut)
async def get_action(action_id: UUID) -> ActionOut:
    """One action, if you may see it (404 otherwise)."""
    viewer = await optional_member()
    return _action_out(await actions_service.get_visible_action(action_id, viewer), viewer)


@blueprint.patch("/actions/<uuid:action_id>")
@security_scheme(BEARER)
@validate_request(ActionPatch)
@validate_response(ActionOut)
async def update_action(action_id: UUID, data: ActionPatch) -> ActionOut:
    """Change an action (its author, a coordinator of its association, or a node admin)."""
    member = await require_member()
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None:
            raise Unprocessable.field(name, "cannot be null")
    action = await actions_service.update_action(action_id, member, changes, current_node())
    return _action_out(action, member)


@blueprint.delete("/actions/<uuid:action_id>")
@security_scheme(BEARER)
async def delete_action(action_id: UUID) -> tuple[str, int]:
    """Delete an action with its participations and chat."""
    member = await require_member()
    await actions_service.delete_action(action_id, member, current_node())
    return "", 204


# --- participations -----------------------------------------------------------------------------


@blueprint.post("/actions/<uuid:action_id>/participations")
@security_scheme(BEARER)
@validate_request(JoinIn)
@validate_response(ParticipationOut, 201)
async def join_action(action_id: UUID, data: JoinIn) -> tuple[ParticipationOut, int]:
    """Join an action: pending until the author accepts, or accepted at once (auto_accept).
    409: your own action, already joined, not open, or a full outing."""
    member = await require_verified_member()
    row = await participations.join(action_id, member, data.message, current_node())
    return _participation_out(row), 201


@blueprint.get("/actions/<uuid:action_id>/participations")
@security_scheme(BEARER)
@validate_response(ParticipationsOut)
async def list_participations(action_id: UUID) -> ParticipationsOut:
    """Everyone's participations for the author, your own otherwise."""
    member = await require_member()
    rows = await participations.list_participations(action_id, member)
    return ParticipationsOut(items=[_participation_out(row) for row in rows])


@blueprint.patch("/actions/<uuid:action_id>/participations/<int:participation_id>")
@security_scheme(BEARER)
@validate_request(DecisionIn)
@validate_response(ParticipationOut)
async def decide_participation(
    action_id: UUID, participation_id: int, data: DecisionIn
) -> ParticipationOut:
    """The author accepts or declines a participation (409 when accepting into a full outing)."""
    member = await require_member()
    row = await participations.decide(
        action_id, participation_id, member, ParticipationStatus(data.status), current_node()
    )
    return _participation_out(row)


@blueprint.delete("/actions/<uuid:action_id>/participations/<int:participation_id>")
@security_scheme(BEARER)
async def leave_action(action_id: UUID, participation_id: int) -> tuple[str, int]:
    """Leave an action (your own participation)."""
    member = await require_member()
    await participations.leave(action_id, participation_id, member, current_node())
    return "", 204


@blueprint.delete("/actions/<uuid:action_id>/participations/me")
@security_scheme(BEARER)
async def leave_action_me(action_id: UUID) -> tuple[str, int]:
    """Leave an action without knowing your participation's id."""
    member = await require_member()
    await participations.leave(action_id, None, member, current_node())
    return "", 204


# --- chat ---------------------------------------------------------------------------------------


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
    return MessagesOut(items=[_message_out(m) for m in page.items], next_cursor=page.next_cursor)


@blueprint.post("/actions/<uuid:action_id>/messages")
@security_scheme(BEARER)
@validate_request(MessageIn)
@validate_response(MessageOut, 201)
async def post_message(action_id: UUID, data: MessageIn) -> tuple[MessageOut, int]:
    """Write in the action's chat (author and accepted participants only)."""
    member = await require_member()
    message = await chat.post_message(action_id, member, data.body, current_node())
    return _message_out(message), 201
