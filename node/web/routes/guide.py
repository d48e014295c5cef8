"""The solidarity guide on the web: places near a station, a postcode or the position given,
open now or not, and each place's page with today's hours in words. For anyone, logged in or
not; plain forms and links, so it works on a basic phone without JavaScript."""

from __future__ import annotations

from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from quart import Blueprint, request

from node import clock
from node.http_state import current_node
from node.services.gazetteer import node_gazetteer
from node.services.inputs.places import PlaceQuery
from node.services.places import store, suggestions
from node.services.places.finding import find_places
from node.services.places.hours import hours_now, today_ranges
from node.services.places.words import hours_in_words, ranges_in_words
from node.web.context import current_member
from node.web.context import gettext as _
from node.web.context import language as current_language
from node.web.forms import render
from node.web.guide_map import Located, guide_map
from node.web.nav import N_

blueprint = Blueprint("web_guide", __name__)

RADII = (1, 2, 5, 10)
CATEGORY_LABELS = {
    "food": N_("Food"),
    "shelter": N_("Shelter for the night"),
    "shower": N_("Showers"),
    "laundry": N_("Laundry"),
    "toilets": N_("Toilets"),
    "day_centre": N_("Day centre"),
    "health": N_("Health care"),
    "dental": N_("Dental care"),
    "domiciliation": N_("Postal address (domiciliation)"),
    "luggage": N_("Luggage storage"),
    "water": N_("Drinking water"),
    "charging": N_("Phone charging"),
}
AUDIENCE_LABELS = {
    "unconditional": N_("Everyone"),
    "women": N_("Women"),
    "families": N_("Families"),
    "under_25": N_("Under 25"),
    "pets": N_("With pets"),
    "exiles": N_("Exiles"),
    "disabled": N_("People with a disability"),
}


def category_label(word: str) -> str:
    label = CATEGORY_LABELS.get(word)
    return _(label) if label else word.replace("_", " ")


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


@blueprint.get("/guide")
async def index() -> Any:
    node = current_node()
    settings = node.settings
    args = request.args
    where = (args.get("where") or "").strip()[:80]
    category = args.get("category") or None
    open_now = args.get("open_now") == "1"
    radius = _float(args.get("radius_km")) or 2.0
    error = ""
    lat, lon = _float(args.get("lat")), _float(args.get("lon"))
    around = settings.node_name
    if lat is None or lon is None:
        lat, lon = settings.area_lat, settings.area_lon
        if where:
            found = node_gazetteer(settings).find(where)
            if found is None:
                error = _("We do not know this place. Try a station, a district or a postcode.")
            else:
                lat, lon, around = found.lat, found.lon, found.name
    else:
        around = _("the position you gave")
    items: list[Any] = []
    status = 200
    try:
        query = PlaceQuery(
            lat=lat,
            lon=lon,
            radius_km=radius,
            category=category if category in settings.place_categories else None,
            open_now=open_now,
            limit=50,
        )
    except ValidationError:
        error, status = _("This position or distance cannot be used."), 422
        query = None
    at = clock.now().astimezone(ZoneInfo(settings.timezone))
    language = current_language()
    if query is not None and not error:
        for item in await find_places(node, query, at=at):
            items.append(
                {
                    "place": item.place,
                    "distance_km": item.distance_km,
                    "words": hours_in_words(item.now, at, language),
                    "open": item.now.state.value == "open" and not item.now.full_tonight,
                }
            )
    located = [
        Located(
            name=item["place"].name,
            lat=item["place"].lat,
            lon=item["place"].lon,
            open=item["open"],
            partner=bool(item["place"].origin_domain),
            place_id=str(item["place"].id),
        )
        for item in items
    ]
    response = await render(
        "guide.html",
        items=items,
        map=guide_map(lat, lon, radius, located),
        error=error,
        where=where,
        around=around,
        category=category,
        categories=settings.place_categories,
        open_now=open_now,
        radius=radius,
        radii=RADII,
        category_label=category_label,
        member=current_member(),
    )
    response.status_code = status
    return response


@blueprint.get("/guide/<uuid:place_id>")
async def show(place_id: UUID) -> Any:
    settings = current_node().settings
    place = await store.visible_place(place_id, current_member())
    at = clock.now().astimezone(ZoneInfo(settings.timezone))
    language = current_language()
    now = hours_now(place, at, tz=settings.timezone, country=settings.country)
    today = today_ranges(place, at.date(), tz=settings.timezone, country=settings.country)
    return await render(
        "guide_place.html",
        place=place,
        words=hours_in_words(now, at, language),
        today=ranges_in_words(today, language),
        category_label=category_label,
        audience_labels=AUDIENCE_LABELS,
        can_edit=await store.may_edit(current_member(), place),
        can_suggest=current_member() is not None and not place.origin_domain,
        waiting=len(await suggestions.pending(place))
        if await suggestions.may_decide(current_member(), place)
        else 0,
    )
