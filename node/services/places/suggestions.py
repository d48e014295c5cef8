"""Members suggest changes to a place (new hours, a closure, the phone...); the people who edit
it decide.

Anyone verified may suggest; the owning association's coordinators and node admins (who edit
the place) and the node's moderators may accept or refuse. An accepted suggestion is applied by
the same code as an edit (:func:`store.apply_changes`), so partners hear of it as of any change;
the suggester is told either way (:class:`PlaceSuggestionDecided`), with the reason of a
refusal. A partner's place is suggested on its own node: this node cannot change it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from tortoise.transactions import in_transaction

from node import clock
from node.errors import Conflict, Forbidden, NotFound, TooManyRequests, Unprocessable
from node.events import PlaceSuggested, PlaceSuggestionDecided
from node.models import Member, Place, PlaceSuggestion, SuggestionStatus
from node.services.inputs.places import PlaceChanges, SuggestionIn
from node.services.moderation.roles import is_moderator
from node.services.places import store

if TYPE_CHECKING:
    from node.state import NodeState

# Suggestions one member may make in a day (a few corrections, not a flood to sort).
PER_DAY = 10


async def may_decide(member: Member | None, place: Place) -> bool:
    """The place's editors (its association's coordinators, node admins) and moderators."""
    if place.origin_domain:
        return False
    return is_moderator(member) or await store.may_edit(member, place)


def _changes(place: Place, data: SuggestionIn) -> dict[str, Any]:
    """The suggested values that differ from the place's, as JSON."""
    values = data.model_dump(exclude_unset=True, exclude={"note"}, mode="json")
    return {key: value for key, value in values.items() if _json(getattr(place, key)) != value}


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


async def suggest(
    node: NodeState, member: Member, place_id: UUID, data: SuggestionIn
) -> PlaceSuggestion:
    """409 for a partner's place or a pending suggestion of the same member on this place, 422
    when nothing differs from the place, 429 past :data:`PER_DAY`."""
    place = await store.visible_place(place_id, member)
    if place.origin_domain:
        raise Conflict(f"This place is {place.origin_domain}'s: suggest the change there.")
    changes = _changes(place, data)
    if not changes:
        raise Unprocessable("Nothing in this suggestion differs from the place.")
    for key, value in changes.items():
        if value is None and key not in store.NULLABLE:
            raise Unprocessable.field(key, "cannot be emptied this way")
    # The same checks as an edit (known categories, readable hours, a closure in order).
    merged = {"closed_from": place.closed_from, "closed_to": place.closed_to}
    merged |= PlaceChanges.model_validate(changes).model_dump(exclude_unset=True)
    store.check_values(node, merged)
    now = clock.now()
    async with in_transaction():
        if await PlaceSuggestion.exists(
            place_id=place.id, member_id=member.id, status=SuggestionStatus.PENDING
        ):
            raise Conflict("You already suggested a change to this place; it is being looked at.")
        since = now - timedelta(days=1)
        if await PlaceSuggestion.filter(member_id=member.id, created_at__gte=since).count() >= (
            PER_DAY
        ):
            raise TooManyRequests(f"At most {PER_DAY} suggestions a day; thank you!")
        suggestion = await PlaceSuggestion.create(
            place=place, member=member, changes=changes, note=data.note, created_at=now
        )
        await node.events.record(node, PlaceSuggested(suggestion=suggestion, place=place))
    return suggestion


async def pending(place: Place) -> list[PlaceSuggestion]:
    return (
        await PlaceSuggestion.filter(place_id=place.id, status=SuggestionStatus.PENDING)
        .order_by("created_at")
        .select_related("member")
    )


async def pending_for(member: Member) -> list[PlaceSuggestion]:
    """The suggestions waiting for ``member``: all of them for a moderator or an admin, else
    those of the places of the associations they coordinate."""
    rows = (
        await PlaceSuggestion.filter(status=SuggestionStatus.PENDING)
        .order_by("created_at")
        .select_related("place", "member")
    )
    if is_moderator(member):
        return list(rows)
    rights = await store.edit_rights(member)
    return [row for row in rows if rights.may_edit(row.place)]


@dataclass(frozen=True, slots=True)
class Decided:
    suggestion: PlaceSuggestion
    place: Place


async def _deciding(member: Member, suggestion_id: UUID) -> tuple[PlaceSuggestion, Place]:
    suggestion = await PlaceSuggestion.get_or_none(id=suggestion_id).select_related("place")
    if suggestion is None:
        raise NotFound("No such suggestion.")
    place = suggestion.place
    if not await may_decide(member, place):
        raise Forbidden("Only the place's association, a node admin or a moderator decide.")
    if suggestion.status != SuggestionStatus.PENDING:
        raise Conflict(f"This suggestion is already {suggestion.status.value}.")
    return suggestion, place


async def accept(node: NodeState, member: Member, suggestion_id: UUID) -> Decided:
    """Apply the suggestion as an edit. 403, 404, 409 already decided, 422 when it no longer
    fits the place (a closure that now ends before it starts, a category gone)."""
    suggestion, place = await _deciding(member, suggestion_id)
    values = PlaceChanges.model_validate(suggestion.changes).model_dump(exclude_unset=True)
    async with in_transaction():
        row = await PlaceSuggestion.select_for_update().get(id=suggestion.id)
        if row.status != SuggestionStatus.PENDING:
            raise Conflict(f"This suggestion is already {row.status.value}.")
        place = await store.apply_changes(node, place, values)
        row.status = SuggestionStatus.ACCEPTED
        row.decided_at = clock.now()
        row.decided_by = member
        await row.save()
        await node.events.record(node, PlaceSuggestionDecided(suggestion=row, place=place))
    return Decided(row, place)


async def refuse(node: NodeState, member: Member, suggestion_id: UUID, reason: str) -> Decided:
    """403, 404, 409 already decided."""
    suggestion, place = await _deciding(member, suggestion_id)
    async with in_transaction():
        row = await PlaceSuggestion.select_for_update().get(id=suggestion.id)
        if row.status != SuggestionStatus.PENDING:
            raise Conflict(f"This suggestion is already {row.status.value}.")
        row.status = SuggestionStatus.REFUSED
        row.reason = reason
        row.decided_at = clock.now()
        row.decided_by = member
        await row.save()
        await node.events.record(node, PlaceSuggestionDecided(suggestion=row, place=place))
    return Decided(row, place)
