"""What the API shows of an action and of the people in it, and what it takes to post one.

Privacy (DESIGN §5): responses carry the public point (moved randomly within ~125 m) and its H3
cell; ``exact_lat``/``exact_lon`` are filled only for the author. People appear as id and
pseudonym, never phone or email.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints

from node.api.types import MULTI_LINE, ONE_LINE, Lat, Lon, Moment, Strict
from node.models import Action, ActionCategory, ActionKind, ActionStatus, Member, Visibility
from node.services import actions as actions_service

Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=120), ONE_LINE
]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000), MULTI_LINE]
PlaceName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), ONE_LINE
]


# --- requests -----------------------------------------------------------------------------------


class ActionIn(Strict):
    """A need, an offer or an outing. Outings need ``starts_at``, ``ends_at`` (later, both in the
    future), ``place_name`` and ``capacity``; needs and offers must not have them."""

    kind: ActionKind
    category: ActionCategory
    title: Title
    description: Description = ""
    lat: Lat = Field(description="The exact point: only you will see it")
    lon: Lon
    visibility: Visibility = Visibility.PUBLIC
    association_id: UUID | None = Field(None, description="Post as this association")
    on_behalf_of: UUID | None = Field(
        None, description="A proxy profile managed by an association you coordinate"
    )
    consent: bool = Field(False, description="Required (true) with on_behalf_of")
    auto_accept: bool = Field(False, description="Accept participations without review")
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    place_name: PlaceName | None = Field(None, description="A public meeting point, no address")
    capacity: int | None = Field(None, ge=1, le=1000)


class ActionPatch(Strict):
    """Only the keys present change. A new ``lat``/``lon`` is jittered again. ``status`` moves an
    open action to ``fulfilled`` or ``closed``."""

    title: Title | None = None
    description: Description | None = None
    category: ActionCategory | None = None
    status: Literal["fulfilled", "closed"] | None = None
    auto_accept: bool | None = None
    lat: Lat | None = None
    lon: Lon | None = None


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


def action_out(action: Action, viewer: Member | None, distance: float | None = None) -> ActionOut:
    mine = viewer is not None and action.author_id == viewer.id  # type: ignore[attr-defined]
    association = action.association
    return ActionOut(
        id=action.id,
        kind=action.kind,
        category=action.category,
        title=action.title,
        description=action.description,
        status=actions_service.effective_status(action),
        visibility=action.visibility,
        lat=action.public_lat,
        lon=action.public_lon,
        h3_cell=action.h3_cell,
        distance_km=round(distance, 3) if distance is not None else None,
        author=person_out(action.author, getattr(action, "remote_author_name", None)),
        on_behalf_of=person_out(action.on_behalf_of) if action.on_behalf_of else None,
        association=AssociationRef(id=association.id, name=association.name)
        if association
        else None,
        auto_accept=action.auto_accept,
        starts_at=action.starts_at,
        ends_at=action.ends_at,
        place_name=action.place_name,
        capacity=action.capacity,
        expires_at=action.expires_at,
        created_at=action.created_at,
        updated_at=action.updated_at,
        is_mine=mine,
        origin=OriginOut(domain=action.origin_domain, url=action.remote_url or action.ap_id or "")
        if action.origin_domain
        else None,
        exact_lat=action.lat if mine else None,
        exact_lon=action.lon if mine else None,
    )
