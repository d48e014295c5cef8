"""What the solidarity guide's editors and contributors are told about suggestions."""

from __future__ import annotations

from uuid import UUID

from node.events import (
    PlaceSuggested,
    PlaceSuggestionDecided,
)
from node.models import (
    AssociationMembership,
    Member,
    SuggestionStatus,
)
from node.services import notifications
from node.state import NodeState


async def _place_editors(association_id: UUID | None) -> list[UUID]:
    """Who edits a place: its association's admins and coordinators, else the node admins."""
    if association_id is not None:
        ids: list[UUID] = await AssociationMembership.filter(
            association_id=association_id, role__in=("admin", "coordinator")
        ).values_list("member_id", flat=True)  # type: ignore[assignment]
        if ids:
            return ids
    admins: list[UUID] = await Member.filter(is_admin=True).values_list("id", flat=True)  # type: ignore[assignment]
    return admins


async def place_suggested(node: NodeState, event: PlaceSuggested) -> None:
    suggestion, place = event.suggestion, event.place
    author = await Member.get(id=suggestion.member_id)  # type: ignore[attr-defined]
    editors = await _place_editors(place.association_id)  # type: ignore[attr-defined]
    payload = {"actor": author.display_name, "title": place.name, "url": "/guide/suggestions"}
    await notifications.notify(
        node, "place_suggested", [m for m in editors if m != author.id], payload=payload
    )


async def place_suggestion_decided(node: NodeState, event: PlaceSuggestionDecided) -> None:
    suggestion, place = event.suggestion, event.place
    accepted = suggestion.status == SuggestionStatus.ACCEPTED
    kind = "place_suggestion_accepted" if accepted else "place_suggestion_refused"
    payload = {"title": place.name, "reason": suggestion.reason, "url": f"/guide/{place.id}"}
    await notifications.notify(node, kind, [suggestion.member_id], payload=payload)  # type: ignore[attr-defined]
