"""API route: the nearby feed (``GET /api/v1/actions``), its JSON built directly from the feed's
rows and its anonymous responses cached per node."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints
from quart import Blueprint, Response, g, request
from quart_schema import validate_querystring
from quart_schema.validation import QUART_SCHEMA_RESPONSE_ATTRIBUTE

from node import caches, clock
from node.api.action_views import ActionOut, action_json
from node.api.deps import optional_member
from node.api.types import ONE_LINE, QueryLat, QueryLon, Strict
from node.errors import Unprocessable
from node.http_state import current_node
from node.models import ActionCategory, ActionKind, ActionStatus, Member
from node.services import feed

blueprint = Blueprint("feed", __name__, url_prefix="/api/v1")


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


class FeedOut(BaseModel):
    items: list[ActionOut]
    next_cursor: str | None


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


def feed_body(page: feed.FeedPage, viewer_id: UUID | None) -> bytes:
    """The JSON of a :class:`FeedOut`."""
    now = clock.now()
    body = {
        "items": [
            action_json(item.action, viewer_id, now, item.distance_km) for item in page.items
        ],
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
            version = caches.actions_version()  # before reading
            entry = cache.put(key, feed_body(await page_for(lat, lon, None), None), version)
        return _public_feed_response(entry, cache.ttl_s)
    viewer = await optional_member()
    page = await page_for(lat, lon, viewer)
    return Response(
        feed_body(page, viewer.id if viewer is not None else None),
        content_type="application/json",
        headers={"Cache-Control": "private, no-cache"},
    )
