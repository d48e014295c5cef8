"""What the API shows of an action and of the people in it.

Privacy (DESIGN §5): responses carry the public point (moved randomly within ~125 m) and its H3
cell; ``exact_lat``/``exact_lon`` are filled only for the author. People appear as id and
pseudonym, never phone or email.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from node import clock
from node.models import Action, ActionCategory, ActionKind, ActionStatus, Member, Visibility
from node.services.feed import FeedAction

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


def person_out(member: Member | None, remote_name: str | None = None) -> PersonOut:
    if member is None:  # a person on another node (federation)
        return PersonOut(id=None, pseudonym=remote_name or "Membre")
    return PersonOut(id=member.id, pseudonym=member.display_name)


def _json_time(value: datetime | None) -> str | None:
    """A time as pydantic writes it (ISO 8601, ``Z`` for UTC)."""
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def action_json(
    a: FeedAction, viewer_id: UUID | None, now: datetime, distance_km: float | None = None
) -> dict[str, Any]:
    """An action as :class:`ActionOut` documents it (same keys, same order), built without the
    model so that a feed page costs no validation: the one place where an action's JSON is
    made, for the feed and for single actions (``tests/node/services/test_feed_cache.py`` checks it
    against the model)."""
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
        "distance_km": round(distance_km, 3) if distance_km is not None else None,
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


def action_out(action: Action, viewer: Member | None, distance: float | None = None) -> ActionOut:
    """An ORM action (``author``, ``on_behalf_of``, ``association`` loaded) as the model."""
    viewer_id = viewer.id if viewer is not None else None
    return ActionOut.model_validate(
        action_json(FeedAction.of(action), viewer_id, clock.now(), distance)
    )
