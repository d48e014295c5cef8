"""Inputs about actions: posting one, changing one, joining one, writing in its chat.

The limits live here once; the services, the federation serializers (which cut what other
nodes send to the same lengths) and both front ends read them from here.
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from node.models import ActionCategory, ActionKind, Visibility
from node.services.inputs.types import Lat, Lon, Moment, Range, Strict, Text

TITLE = Text(3, 120)
DESCRIPTION = Text(0, 4000, lines=True)
PLACE_NAME = Text(1, 120)
JOIN_MESSAGE = Text(0, 500, lines=True)
CHAT_MESSAGE = Text(1, 2000, lines=True)
CAPACITY = Range(1, 1000, "must be 1 to 1000")

Title = Annotated[str, TITLE]
Description = Annotated[str, DESCRIPTION]
PlaceName = Annotated[str, PLACE_NAME]
Capacity = Annotated[int, CAPACITY]


class ActionDraft(Strict):
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
    capacity: Capacity | None = None


class ActionChanges(Strict):
    """Only the keys present change. A new ``lat``/``lon`` is jittered again. ``status`` moves an
    open action to ``fulfilled`` or ``closed``."""

    title: Title | None = None
    description: Description | None = None
    category: ActionCategory | None = None
    status: Literal["fulfilled", "closed"] | None = None
    auto_accept: bool | None = None
    lat: Lat | None = None
    lon: Lon | None = None


class JoinRequest(Strict):
    message: Annotated[str, JOIN_MESSAGE] = ""


class ChatMessageDraft(Strict):
    body: Annotated[str, CHAT_MESSAGE]
