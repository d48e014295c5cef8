"""Home: the needs, offers and outings near a point, as a list and a map."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, request, url_for

from node.errors import Problem
from node.http_state import current_node
from node.models import ActionCategory, ActionKind
from node.services import feed
from node.services.calls import reading as call_reading
from node.services.partner_nodes import node_names
from node.web.context import current_member
from node.web.forms import FormErrors, render

blueprint = Blueprint("web_home", __name__)

RADII = (1, 2, 5, 10, 20, 40)
PAGE = 20


def _float(name: str, low: float, high: float) -> float | None:
    try:
        value = float(request.args.get(name, ""))
    except ValueError:
        return None
    return value if low <= value <= high else None


@blueprint.get("/")
async def index() -> Any:
    settings = current_node().settings
    lat, lon = _float("lat", -90, 90), _float("lon", -180, 180)
    located = lat is not None and lon is not None
    if lat is None or lon is None:
        lat, lon = settings.area_lat, settings.area_lon
    radius = _float("radius_km", 0.1, feed.MAX_RADIUS_KM) or min(
        settings.area_radius_km, feed.MAX_RADIUS_KM
    )
    kind = request.args.get("kind") or None
    kind = kind if kind in {k.value for k in ActionKind} else None
    category = request.args.get("category") or None
    category = category if category in {c.value for c in ActionCategory} else None
    local_only = request.args.get("origin") == "local"  # else this node and its partners
    errors = FormErrors()
    page = feed.FeedPage()
    try:
        page = await feed.nearby(
            lat=lat,
            lon=lon,
            radius_km=radius,
            viewer=current_member(),
            kind=kind,
            category=category,
            cursor=request.args.get("cursor") or None,
            limit=PAGE,
            local_only=local_only,
        )
    except Problem as exc:  # a tampered cursor: show the first page's form with the message
        errors = FormErrors.from_problem(exc)
    filters = {
        "kind": kind,
        "category": category,
        "radius_km": radius,
        "origin": "local" if local_only else None,
    }
    if located:
        filters.update(lat=round(lat, 5), lon=round(lon, 5))
    next_url = None
    if page.next_cursor:
        args = {k: v for k, v in filters.items() if v is not None}
        next_url = url_for("web_home.index", cursor=page.next_cursor, **args)  # type: ignore[arg-type]
    map_data = {
        "centre": [lat, lon],
        "radius_km": radius,
        "tiles": settings.map_tile_url,
        "attribution": settings.map_attribution,
        "points": [
            {
                "lat": round(item.action.public_lat, 5),
                "lon": round(item.action.public_lon, 5),
                "title": item.action.title,
                "kind": item.action.kind.value,
                "url": url_for("web_actions.show", action_id=item.action.id),
            }
            for item in page.items
        ],
    }
    viewer = current_member()
    return await render(
        "home.html",
        calls_near=await call_reading.near(viewer, 5) if viewer else [],
        node_names=await node_names(item.action.origin_domain for item in page.items),
        items=page.items,
        filters=filters,
        located=located,
        radii=RADII,
        kinds=list(ActionKind),
        categories=list(ActionCategory),
        next_url=next_url,
        map_data=map_data,
        errors=errors,
    )
