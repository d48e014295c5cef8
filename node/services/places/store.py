"""Making, changing, importing and deleting places; each change is announced (PlaceCreated,
PlaceUpdated, PlaceDeleted) in its transaction, so partners with the ``guide`` scope hear of it.

Who may change a place: a node admin, or an admin or coordinator of the association that owns
it. An imported place (no association) is the node admins'.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import h3
from tortoise.transactions import in_transaction

from node import clock
from node.errors import Forbidden, NotFound, Unprocessable
from node.events import PlaceCreated, PlaceDeleted, PlaceUpdated
from node.models import (
    LOCAL_SOURCE,
    Association,
    AssociationMembership,
    AssociationStatus,
    Member,
    Place,
)
from node.services.calls.reading import COORDINATING, can_coordinate
from node.services.guide_data.records import PlaceRecord
from node.services.inputs.places import PlaceChanges, PlaceIn
from node.services.places.hours import check_opening_hours

if TYPE_CHECKING:
    from node.state import NodeState

# The ``source`` of partners' places (node.services.places.remote).
PARTNER_SOURCE = "partner"

# The columns an import may set; comparing them tells "unchanged" from "updated".
RECORD_COLUMNS = (
    "name",
    "description",
    "categories",
    "audiences",
    "conditions",
    "address",
    "postcode",
    "town",
    "lat",
    "lon",
    "opening_hours",
    "phone",
    "email",
    "website",
    "free",
    "closed_from",
    "closed_to",
    "checked_on",
)


NULLABLE = frozenset({"closed_from", "closed_to", "free"})


def place_cells(lat: float, lon: float) -> dict[str, Any]:
    return {"h3_r7": h3.latlng_to_cell(lat, lon, 7), "h3_r5": h3.latlng_to_cell(lat, lon, 5)}


def check_values(node: NodeState, values: dict[str, Any]) -> None:
    known = set(node.settings.place_categories)
    for category in values.get("categories") or ():
        if category not in known:
            raise Unprocessable.field("categories", f"unknown category: {category}")
    hours = values.get("opening_hours")
    if hours:
        problem = check_opening_hours(hours)
        if problem:
            raise Unprocessable.field("opening_hours", problem)
    start, end = values.get("closed_from"), values.get("closed_to")
    if end is not None and start is None:
        raise Unprocessable.field("closed_from", "say from when the place is closed")
    if start is not None and end is not None and end < start:
        raise Unprocessable.field("closed_to", "the end of a closure comes after its start")


async def may_edit(member: Member | None, place: Place) -> bool:
    if place.origin_domain:
        return False  # a partner's place is edited on its own node
    return await can_coordinate(member, place.association_id)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class EditRights:
    """Which places a member may change, read once for a whole list (one query, not one per
    place): node admins change every place of this node, coordinators their associations'."""

    admin: bool
    associations: frozenset[UUID]

    def may_edit(self, place: Place) -> bool:
        if place.origin_domain:
            return False
        association_id = place.association_id  # type: ignore[attr-defined]
        return self.admin or association_id in self.associations


async def edit_rights(member: Member | None) -> EditRights:
    if member is None:
        return EditRights(admin=False, associations=frozenset())
    if member.is_admin:
        return EditRights(admin=True, associations=frozenset())
    ids = await AssociationMembership.filter(
        member_id=member.id, role__in=COORDINATING
    ).values_list("association_id", flat=True)
    return EditRights(admin=False, associations=frozenset(ids))  # type: ignore[arg-type]


async def get_place(place_id: UUID) -> Place:
    place = await Place.get_or_none(id=place_id)
    if place is None:
        raise NotFound("no such place")
    return place


async def visible_place(place_id: UUID, viewer: Member | None) -> Place:
    """A place as ``viewer`` may see it: 404 when moderators hid it, unless ``viewer`` is one
    of them or may edit it."""
    place = await get_place(place_id)
    if place.hidden_at is None or (viewer is not None and viewer.is_moderator):
        return place
    if not await may_edit(viewer, place):
        raise NotFound("no such place")
    return place


async def create_place(
    node: NodeState, author: Member, data: PlaceIn, *, association_id: UUID | None = None
) -> Place:
    """A place made on the node, owned by ``association_id`` (whose coordinator the author
    must be) or, without one, by the node admins."""
    if association_id is not None:
        association = await Association.get_or_none(id=association_id)
        if association is None or association.status != AssociationStatus.APPROVED:
            raise NotFound("no such association")
    if not await can_coordinate(author, association_id):
        raise Forbidden("only the association's coordinators or a node admin add its places")
    values = data.model_dump()
    check_values(node, values)
    place_id = uuid4()
    async with in_transaction():
        place = await Place.create(
            id=place_id,
            source=LOCAL_SOURCE,
            source_id=str(place_id),
            association_id=association_id,
            checked_on=clock.now().date(),
            **place_cells(data.lat, data.lon),
            **values,
        )
        await node.events.record(node, PlaceCreated(place=place))
    return place


async def update_place(
    node: NodeState, editor: Member, place_id: UUID, data: PlaceChanges
) -> Place:
    place = await get_place(place_id)
    if not await may_edit(editor, place):
        raise Forbidden("only the place's association or a node admin change it")
    return await apply_changes(node, place, data.model_dump(exclude_unset=True))


async def apply_changes(node: NodeState, place: Place, values: dict[str, Any]) -> Place:
    """Change ``place`` (one of this node's) by ``values`` (fields of :class:`PlaceChanges`)
    for someone already allowed to: an edit, or an accepted suggestion. 422 for values that
    do not fit together."""
    place_id = place.id
    values = dict(values)
    full = values.pop("full_tonight", None)
    for key, value in values.items():
        if value is None and key not in NULLABLE:
            raise Unprocessable.field(key, "cannot be emptied this way")
    check_values(node, {"closed_from": place.closed_from, "closed_to": place.closed_to, **values})
    changed: set[str] = set()
    async with in_transaction():
        place = await Place.select_for_update().get(id=place_id)
        for key, value in values.items():
            if getattr(place, key) != value:
                setattr(place, key, value)
                changed.add(key)
        if changed & {"lat", "lon"}:
            for key, cell in place_cells(place.lat, place.lon).items():
                setattr(place, key, cell)
        if full or (full is False and place.full_since is not None):
            place.full_since = clock.now() if full else None  # saying it again renews it
            changed.add("full_since")
        if changed:
            place.checked_on = clock.now().date()
            await place.save()
            await node.events.record(node, PlaceUpdated(place=place, changed=frozenset(changed)))
    return place


async def delete_place(node: NodeState, editor: Member, place_id: UUID) -> None:
    place = await get_place(place_id)
    if not await may_edit(editor, place):
        raise Forbidden("only the place's association or a node admin delete it")
    async with in_transaction():
        await node.events.record(node, PlaceDeleted(place=place))
        await place.delete()


@dataclass(frozen=True, slots=True)
class Stored:
    place: Place
    outcome: str  # "created", "updated" or "unchanged"


def _record_values(record: PlaceRecord) -> dict[str, Any]:
    values: dict[str, Any] = {column: getattr(record, column) for column in RECORD_COLUMNS}
    values["categories"] = list(record.categories)
    values["audiences"] = list(record.audiences)
    return values


async def store_record(node: NodeState, record: PlaceRecord) -> Stored:
    """An imported place, keyed on ``(source, source_id)``: created the first time, updated
    when a column differs, left alone (and not announced) when nothing did."""
    if record.source in (LOCAL_SOURCE, PARTNER_SOURCE):
        raise Unprocessable.field("source", f"{record.source!r} names places made on a node")
    values = _record_values(record)
    values["categories"] = [c for c in values["categories"] if c in node.settings.place_categories]
    if not values["categories"]:
        raise Unprocessable.field("categories", "none of the node's categories")
    async with in_transaction():
        place = (
            await Place.select_for_update()
            .filter(source=record.source, source_id=record.source_id)
            .first()
        )
        if place is None:
            place = await Place.create(
                source=record.source,
                source_id=record.source_id,
                **place_cells(record.lat, record.lon),
                **values,
            )
            await node.events.record(node, PlaceCreated(place=place))
            return Stored(place, "created")
        changed = {key for key, value in values.items() if getattr(place, key) != value}
        if not changed:
            return Stored(place, "unchanged")
        for key in changed:
            setattr(place, key, values[key])
        for key, cell in place_cells(place.lat, place.lon).items():
            setattr(place, key, cell)
        await place.save()
        await node.events.record(node, PlaceUpdated(place=place, changed=frozenset(changed)))
        return Stored(place, "updated")
