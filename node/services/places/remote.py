"""Places of partner nodes (the ``guide`` scope): stored here as mirrors, never edited here.

A partner's place arrives already parsed by the federation layer into :class:`RemotePlace`
(sizes bounded, words checked); the rules that depend on this node are here: its point must lie
in this node's area or near it (:data:`NEAR_KM` beyond its edge: people cross city limits), its
categories must be ones this node knows, and its hours must read. A mirror is keyed on its IRI:
a second ``Create`` updates it, and an ``Update`` older than the version held is left aside
(deliveries are not ordered).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from tortoise.transactions import in_transaction

from node.errors import NotFound, Unprocessable
from node.events import PlaceCreated, PlaceDeleted, PlaceUpdated
from node.models import Place
from node.services import geo
from node.services.places.hours import check_opening_hours
from node.services.places.store import PARTNER_SOURCE, place_cells

if TYPE_CHECKING:
    from node.state import NodeState

# How far beyond the edge of this node's area a partner's place may lie and still be shown.
NEAR_KM = 10.0

# The columns a partner's object sets; comparing them tells a change from a repeat.
_COLUMNS = (
    "name",
    "description",
    "categories",
    "audiences",
    "conditions",
    "languages",
    "address",
    "postcode",
    "town",
    "lat",
    "lon",
    "opening_hours",
    "closed_from",
    "closed_to",
    "closure_reason",
    "full_since",
    "phone",
    "website",
    "free",
    "checked_on",
    "remote_owner_iri",
    "remote_owner_name",
)


@dataclass(frozen=True)
class RemotePlace:
    iri: str
    origin_domain: str
    owner_iri: str
    owner_name: str
    name: str
    lat: float
    lon: float
    categories: tuple[str, ...]
    checked_on: date
    description: str = ""
    audiences: tuple[str, ...] = ()
    conditions: str = ""
    languages: tuple[str, ...] = ()
    address: str = ""
    postcode: str = ""
    town: str = ""
    opening_hours: str = ""
    closed_from: date | None = None
    closed_to: date | None = None
    closure_reason: str = ""
    full_since: datetime | None = None
    phone: str = ""
    website: str = ""
    free: bool | None = None
    # The partner's ``updated`` (or ``published``) of this version.
    updated: datetime | None = None


class Stale(Unprocessable):
    """An ``Update`` older than the version this node holds."""


def _values(node: NodeState, data: RemotePlace) -> dict[str, Any]:
    settings = node.settings
    distance = geo.haversine_km(settings.area_lat, settings.area_lon, data.lat, data.lon)
    if distance > settings.area_radius_km + NEAR_KM:
        raise Unprocessable.field("location", "the place is far from this node's area")
    known = set(settings.place_categories)
    categories = [c for c in data.categories if c in known]
    if not categories:
        raise Unprocessable.field("placeCategories", "none of this node's categories")
    hours = data.opening_hours
    if check_opening_hours(hours):
        hours = ""  # unreadable here: shown as "hours unknown" rather than wrong
    closed_from, closed_to = data.closed_from, data.closed_to
    if closed_from is None or (closed_to is not None and closed_to < closed_from):
        closed_from = closed_to = None
    return {
        "name": data.name,
        "description": data.description,
        "categories": categories,
        "audiences": list(data.audiences),
        "conditions": data.conditions,
        "languages": list(data.languages),
        "address": data.address,
        "postcode": data.postcode,
        "town": data.town,
        "lat": data.lat,
        "lon": data.lon,
        "opening_hours": hours,
        "closed_from": closed_from,
        "closed_to": closed_to,
        "closure_reason": data.closure_reason if closed_from else "",
        "full_since": data.full_since,
        "phone": data.phone,
        "website": data.website,
        "free": data.free,
        "checked_on": data.checked_on,
        "remote_owner_iri": data.owner_iri,
        "remote_owner_name": data.owner_name,
    }


async def receive_place(node: NodeState, data: RemotePlace) -> Place:
    """Store or refresh a partner's place (``Create`` and ``Update`` alike: an Update of a
    place we missed carries the whole object). 422 when it is far from here or of no known
    category, :class:`Stale` for an older version, 422 when another node's place has this IRI."""
    values = _values(node, data)
    async with in_transaction():
        place = await Place.select_for_update().get_or_none(remote_iri=data.iri)
        if place is None:
            place = await Place.create(
                source=PARTNER_SOURCE,
                source_id=uuid.uuid5(uuid.NAMESPACE_URL, data.iri).hex,
                origin_domain=data.origin_domain,
                remote_iri=data.iri,
                remote_updated_at=data.updated,
                **place_cells(data.lat, data.lon),
                **values,
            )
            await node.events.record(node, PlaceCreated(place=place))
            return place
        if place.origin_domain != data.origin_domain:
            raise Unprocessable("Only the node that shares a place may change it.")
        held, incoming = place.remote_updated_at, data.updated
        if held is not None and incoming is not None and incoming < held:
            raise Stale("an older version of the place than the one already received")
        changed = {key for key, value in values.items() if getattr(place, key) != value}
        if incoming is not None:
            place.remote_updated_at = incoming
        for key in changed:
            setattr(place, key, values[key])
        if changed & {"lat", "lon"}:
            for key, cell in place_cells(place.lat, place.lon).items():
                setattr(place, key, cell)
        await place.save()
        if changed:
            await node.events.record(node, PlaceUpdated(place=place, changed=frozenset(changed)))
    return place


async def delete_partner_place(node: NodeState, iri: str, origin_domain: str) -> None:
    """A partner deleted one of its places; 404 when none of its places has this IRI."""
    async with in_transaction():
        place = await Place.get_or_none(remote_iri=iri, origin_domain=origin_domain)
        if place is None or not origin_domain:
            raise NotFound("No place of this node under this id.")
        await node.events.record(node, PlaceDeleted(place=place))
        await place.delete()


async def remove_partner_places(domain: str) -> int:
    """A partnership ended: the partner's places leave the guide."""
    if not domain:
        return 0
    return await Place.filter(origin_domain=domain).delete()
