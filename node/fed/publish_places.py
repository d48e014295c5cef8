"""Places of the solidarity guide on the wire (the ``guide`` partnership scope).

A place made on this node travels as an AS2 ``Place`` to the partners whose partnership has the
``guide`` scope: ``Create`` when it is made, ``Update`` on every change (hours, closure, "full
tonight"...), ``Delete`` of a ``Tombstone`` when it goes. It is sent by the actor of the
association that owns it, or by the instance actor for a place of the node admins, and it is
attributed to that actor (receivers accept a place only from the actor it is attributed to, on
its own domain). Unlike a resident's position, a place's point and address are public: it is an
organisation's door, so ``latitude``/``longitude`` are sent as they are (5 decimals, 1 m).

Every version carries ``updated`` in milliseconds: two changes within a second (a closure,
then "full tonight") stay in order, and a receiver leaves aside an ``Update`` older than the
version it holds.

Open-data imports (data·inclusion, Soliguide) are not relayed: each node imports them from
their producer, and relaying them would show every place twice on a partner that imports the
same file. Partners' places stored here are never sent on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from federation import build, objects
from federation.vocab import PUBLIC, PartnershipScope
from node import clock
from node.fed.outbox import publish
from node.iris import association_actor_iri, instance_actor_iri, new_activity_iri, place_iri
from node.models import LOCAL_SOURCE, Place, RemoteActor
from node.services.partnerships import partners_with_scope

if TYPE_CHECKING:
    from node.state import NodeState

GUIDE = PartnershipScope.GUIDE.value


def shared(place: Place) -> bool:
    """Whether partners see this place: made on this node, not imported nor received."""
    return not place.origin_domain and place.source == LOCAL_SOURCE


def author_iri(node: NodeState, place: Place) -> str:
    association_id = place.association_id  # type: ignore[attr-defined]
    if association_id is None:
        return instance_actor_iri(node.settings)
    return association_actor_iri(node.settings, association_id)


def _address(place: Place) -> dict[str, Any] | None:
    parts = {
        "streetAddress": place.address,
        "postalCode": place.postcode,
        "addressLocality": place.town,
    }
    parts = {key: value for key, value in parts.items() if value}
    return {"type": "PostalAddress", **parts} if parts else None


def place_object(node: NodeState, place: Place) -> dict[str, Any]:
    if not shared(place):
        raise ValueError("only places made on this node are published")
    iri = place_iri(node.settings, place.id)
    obj: dict[str, Any] = {
        "id": iri,
        "type": "Place",
        "attributedTo": author_iri(node, place),
        "name": place.name,
        "content": place.description or None,
        "url": iri,
        "latitude": round(place.lat, 5),
        "longitude": round(place.lon, 5),
        "address": _address(place),
        "placeCategories": list(place.categories),
        "openingHours": place.opening_hours or None,
        "placeAudiences": list(place.audiences),
        "placeConditions": place.conditions or None,
        "placeLanguages": list(place.languages),
        "closedFrom": place.closed_from.isoformat() if place.closed_from else None,
        "closedTo": place.closed_to.isoformat() if place.closed_to else None,
        "closureReason": place.closure_reason or None,
        "fullSince": build.iso(place.full_since) if place.full_since else None,
        "phone": place.phone or None,
        "website": place.website or None,
        "free": place.free,
        "checkedOn": place.checked_on.isoformat(),
        "published": build.iso(place.created_at),
        "updated": build.iso(place.updated_at, milliseconds=True),
        "to": [PUBLIC],
    }
    return build.with_context({k: v for k, v in obj.items() if v is not None and v != []})


async def audience() -> list[RemoteActor]:
    return await partners_with_scope(GUIDE)


async def publish_place(node: NodeState, place: Place, *, update: bool) -> None:
    if not shared(place) or place.hidden_at is not None:
        return  # a hidden place was deleted for partners until moderators restore it
    partners = await audience()
    if not partners:
        return
    obj = place_object(node, place)
    make = build.update if update else build.create
    activity = make(
        id=new_activity_iri(node.settings),
        actor=obj["attributedTo"],
        object=obj,
        to=[PUBLIC],
        cc=[p.ap_id for p in partners],
    )
    await publish(node, activity, to=partners, public=True)


async def publish_place_deleted(node: NodeState, place: Place) -> None:
    if not shared(place):
        return
    partners = await audience()
    if not partners:
        return
    activity = build.delete(
        id=new_activity_iri(node.settings),
        actor=author_iri(node, place),
        object=objects.tombstone(
            id=place_iri(node.settings, place.id), former_type="Place", deleted=clock.now()
        ),
        cc=[p.ap_id for p in partners],
    )
    await publish(node, activity, to=partners, public=True)


async def backfill_places(node: NodeState, partner: RemoteActor) -> int:
    """Every place made on this node, for a partner that just started sharing the guide."""
    rows = await Place.filter(origin_domain="", source=LOCAL_SOURCE).order_by("created_at")
    for place in rows:
        obj = place_object(node, place)
        activity = build.create(
            id=new_activity_iri(node.settings),
            actor=obj["attributedTo"],
            object=obj,
            to=[partner.ap_id],
        )
        await publish(node, activity, to=[partner], public=False)
    return len(rows)
