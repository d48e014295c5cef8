"""API routes: the solidarity guide (/api/v1/places).

Places are organisations' doors: their address and point are public, and anyone may look for
them, logged in or not. Only the owning association's coordinators and node admins change them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field
from quart import Blueprint
from quart_schema import security_scheme, validate_querystring, validate_request, validate_response

from node import clock
from node.api.deps import optional_member, require_member, require_verified_member
from node.api.types import BEARER
from node.errors import Forbidden
from node.http_state import current_node
from node.models import Member, Place, PlaceSuggestion, SuggestionStatus
from node.services.inputs.places import (
    PlaceChanges,
    PlaceIn,
    PlaceQuery,
    SuggestionDecision,
    SuggestionIn,
)
from node.services.places import store, suggestions
from node.services.places.finding import find_places
from node.services.places.hours import HoursNow, hours_now
from node.services.places.words import hours_in_words

blueprint = Blueprint("places", __name__, url_prefix="/api/v1")


class PlacePostIn(PlaceIn):
    association_id: UUID | None = Field(
        None, description="The owning association (its coordinators edit the place)"
    )


class HoursNowOut(BaseModel):
    state: str = Field(description="open, closed, closed_for_a_period or unknown")
    closes_at: datetime | None
    opens_at: datetime | None
    reopens_on: date | None
    full_tonight: bool
    words_fr: str
    words_en: str


class PlaceOriginOut(BaseModel):
    domain: str = Field(description="The partner node that shares the place")
    name: str = Field(description="Who it is attributed to there: an association or the node")
    url: str = Field(description="The place on its own node")


class PlaceOut(BaseModel):
    id: UUID
    name: str
    description: str
    categories: list[str]
    audiences: list[str]
    conditions: str
    languages: list[str]
    address: str
    postcode: str
    town: str
    lat: float
    lon: float
    opening_hours: str
    closed_from: date | None
    closed_to: date | None
    closure_reason: str
    phone: str
    email: str
    website: str
    free: bool | None
    source: str
    checked_on: date
    association_id: UUID | None
    origin_domain: str | None = Field(description="The partner node it comes from, if any")
    origin: PlaceOriginOut | None = Field(
        description="For a partner's place (the guide scope): its node; null for this node's"
    )
    now: HoursNowOut
    distance_km: float | None = None
    can_edit: bool


class PlaceListOut(BaseModel):
    items: list[PlaceOut]


def _now_out(now: HoursNow, at: datetime) -> HoursNowOut:
    return HoursNowOut(
        state=now.state.value,
        closes_at=now.closes_at,
        opens_at=now.opens_at,
        reopens_on=now.reopens_on,
        full_tonight=now.full_tonight,
        words_fr=hours_in_words(now, at, "fr"),
        words_en=hours_in_words(now, at, "en"),
    )


def _origin(place: Place) -> PlaceOriginOut | None:
    if not place.origin_domain or place.remote_iri is None:
        return None
    return PlaceOriginOut(
        domain=place.origin_domain,
        name=place.remote_owner_name or place.origin_domain,
        url=place.remote_iri,
    )


async def place_out(
    place: Place,
    viewer: Member | None,
    *,
    now: HoursNow | None = None,
    distance: float | None = None,
    rights: store.EditRights | None = None,
) -> PlaceOut:
    settings = current_node().settings
    at = clock.now().astimezone(ZoneInfo(settings.timezone))
    if now is None:
        now = hours_now(place, at, tz=settings.timezone, country=settings.country)
    return PlaceOut(
        id=place.id,
        name=place.name,
        description=place.description,
        categories=list(place.categories),
        audiences=list(place.audiences),
        conditions=place.conditions,
        languages=list(place.languages),
        address=place.address,
        postcode=place.postcode,
        town=place.town,
        lat=place.lat,
        lon=place.lon,
        opening_hours=place.opening_hours,
        closed_from=place.closed_from,
        closed_to=place.closed_to,
        closure_reason=place.closure_reason,
        phone=place.phone,
        email=place.email,
        website=place.website,
        free=place.free,
        source=place.source,
        checked_on=place.checked_on,
        association_id=place.association_id,  # type: ignore[attr-defined]
        origin_domain=place.origin_domain or None,
        origin=_origin(place),
        now=_now_out(now, at),
        distance_km=round(distance, 2) if distance is not None else None,
        can_edit=rights.may_edit(place)
        if rights is not None
        else await store.may_edit(viewer, place),
    )


@blueprint.get("/places")
@validate_querystring(PlaceQuery)
@validate_response(PlaceListOut)
async def list_places(query_args: PlaceQuery) -> PlaceListOut:
    """Places within ``radius_km`` (default 5, at most 50) of ``lat``/``lon``, nearest first;
    ``category``, ``audience`` and ``open_now=true`` narrow the list. No log-in needed. 422 for
    a bad point, radius or word."""
    member = await optional_member()
    found = await find_places(current_node(), query_args)
    rights = await store.edit_rights(member)  # one query for the whole list
    return PlaceListOut(
        items=[
            await place_out(
                item.place, member, now=item.now, distance=item.distance_km, rights=rights
            )
            for item in found
        ]
    )


@blueprint.post("/places")
@security_scheme(BEARER)
@validate_request(PlacePostIn)
@validate_response(PlaceOut, 201)
async def post_place(data: PlacePostIn) -> tuple[PlaceOut, int]:
    """Add a place: a coordinator of ``association_id``, or a node admin. 401 anonymous, 403
    others, 404 unknown association, 422 bad hours, category or dates."""
    member = await require_verified_member()
    fields = data.model_dump(exclude={"association_id"})
    place = await store.create_place(
        current_node(), member, PlaceIn.model_validate(fields), association_id=data.association_id
    )
    return await place_out(place, member), 201


@blueprint.get("/places/<uuid:place_id>")
@validate_response(PlaceOut)
async def get_place(place_id: UUID) -> PlaceOut:
    """A place (public); 404 when there is none."""
    member = await optional_member()
    return await place_out(await store.visible_place(place_id, member), member)


@blueprint.patch("/places/<uuid:place_id>")
@security_scheme(BEARER)
@validate_request(PlaceChanges)
@validate_response(PlaceOut)
async def edit_place(place_id: UUID, data: PlaceChanges) -> PlaceOut:
    """Change a place; ``full_tonight: true`` says it is full until tomorrow morning. 403 for
    anyone but its association's coordinators and node admins, 404, 422."""
    member = await require_member()
    place = await store.update_place(current_node(), member, place_id, data)
    return await place_out(place, member)


@blueprint.delete("/places/<uuid:place_id>")
@security_scheme(BEARER)
async def delete_place(place_id: UUID) -> tuple[str, int]:
    """Remove a place. 403, 404."""
    member = await require_member()
    await store.delete_place(current_node(), member, place_id)
    return "", 204


# --- members' suggestions ---------------------------------------------------------------------


class SuggestionOut(BaseModel):
    id: UUID
    place_id: UUID
    place_name: str
    author: str = Field(description="The suggester's pseudonym")
    changes: dict[str, Any] = Field(description="The suggested values, by field")
    note: str
    status: SuggestionStatus
    reason: str = Field(description="Why it was refused")
    created_at: datetime
    decided_at: datetime | None


class SuggestionListOut(BaseModel):
    items: list[SuggestionOut]


def suggestion_out(row: PlaceSuggestion, place: Place, author: str) -> SuggestionOut:
    return SuggestionOut(
        id=row.id,
        place_id=place.id,
        place_name=place.name,
        author=author,
        changes=dict(row.changes),
        note=row.note,
        status=row.status,
        reason=row.reason,
        created_at=row.created_at,
        decided_at=row.decided_at,
    )


async def _out(row: PlaceSuggestion) -> SuggestionOut:
    await row.fetch_related("place", "member")
    return suggestion_out(row, row.place, row.member.display_name)


@blueprint.post("/places/<uuid:place_id>/suggestions")
@security_scheme(BEARER)
@validate_request(SuggestionIn)
@validate_response(SuggestionOut, 201)
async def post_suggestion(place_id: UUID, data: SuggestionIn) -> tuple[SuggestionOut, int]:
    """Suggest a change to a place (hours, a closure, the phone...), with a ``note``; its
    association's coordinators (or a node admin or moderator) decide and you are told. 401,
    403 unverified phone, 404, 409 a partner's place or your suggestion already waiting, 422
    nothing differs or bad values, 429 past 10 a day."""
    member = await require_verified_member()
    row = await suggestions.suggest(current_node(), member, place_id, data)
    return await _out(row), 201


@blueprint.get("/places/<uuid:place_id>/suggestions")
@security_scheme(BEARER)
@validate_response(SuggestionListOut)
async def place_suggestions(place_id: UUID) -> SuggestionListOut:
    """The suggestions waiting for a place: for those who decide. 401, 403, 404."""
    member = await require_member()
    place = await store.get_place(place_id)
    if not await suggestions.may_decide(member, place):
        raise Forbidden("Only the place's association, a node admin or a moderator see them.")
    rows = await suggestions.pending(place)
    return SuggestionListOut(items=[suggestion_out(r, place, r.member.display_name) for r in rows])


@blueprint.get("/places/suggestions")
@security_scheme(BEARER)
@validate_response(SuggestionListOut)
async def my_suggestions_to_decide() -> SuggestionListOut:
    """Every suggestion waiting for me: of my associations' places, or all for a node admin
    or moderator (empty for others). 401."""
    member = await require_member()
    rows = await suggestions.pending_for(member)
    return SuggestionListOut(
        items=[suggestion_out(r, r.place, r.member.display_name) for r in rows]
    )


@blueprint.post("/places/suggestions/<uuid:suggestion_id>/accept")
@security_scheme(BEARER)
@validate_response(SuggestionOut)
async def accept_suggestion(suggestion_id: UUID) -> SuggestionOut:
    """Apply the suggestion to the place, as an edit (partners hear of it); its author is
    told. 401, 403, 404, 409 already decided, 422 no longer fits the place."""
    member = await require_member()
    decided = await suggestions.accept(current_node(), member, suggestion_id)
    return await _out(decided.suggestion)


@blueprint.post("/places/suggestions/<uuid:suggestion_id>/refuse")
@security_scheme(BEARER)
@validate_request(SuggestionDecision)
@validate_response(SuggestionOut)
async def refuse_suggestion(suggestion_id: UUID, data: SuggestionDecision) -> SuggestionOut:
    """Refuse it, with a ``reason`` its author is told. 401, 403, 404, 409, 422."""
    member = await require_member()
    decided = await suggestions.refuse(current_node(), member, suggestion_id, data.reason)
    return await _out(decided.suggestion)
