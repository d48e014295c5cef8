"""Inputs about solidarity places: making or changing a place, and looking for places."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, HttpUrl, field_validator

from node.services.inputs.types import Day, Lat, Lon, QueryLat, QueryLon, Strict, Text

NAME = Text(2, 150)
DESCRIPTION = Text(0, 2000, lines=True)
SHORT = Text(0, 250)
HOURS = Text(0, 500)
MAX_LIST = 20
MAX_RADIUS_KM = 50.0
WORD = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]


def http_address(value: str) -> str:
    if value:
        url = HttpUrl(value)
        if url.scheme not in ("http", "https"):
            raise ValueError("must be an http or https address")
    return value


class PlaceIn(Strict):
    name: Annotated[str, NAME]
    categories: list[WORD] = Field(min_length=1, max_length=MAX_LIST)
    lat: Lat
    lon: Lon
    address: Annotated[str, SHORT] = ""
    postcode: Annotated[str, Text(0, 10)] = ""
    town: Annotated[str, Text(0, 100)] = ""
    description: Annotated[str, DESCRIPTION] = ""
    opening_hours: Annotated[str, HOURS] = ""
    audiences: list[WORD] = Field(default_factory=list, max_length=MAX_LIST)
    conditions: Annotated[str, Text(0, 500)] = ""
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]] = Field(
        default_factory=list, max_length=MAX_LIST
    )
    phone: Annotated[str, Text(0, 30)] = ""
    email: Annotated[str, Text(0, 254)] = ""
    website: Annotated[str, Text(0, 500)] = ""
    free: bool | None = None
    closed_from: Day | None = None
    closed_to: Day | None = None
    closure_reason: Annotated[str, Text(0, 200)] = ""

    @field_validator("website")
    @classmethod
    def _website(cls, value: str) -> str:
        return http_address(value)


class PlaceChanges(Strict):
    """Any field of :class:`PlaceIn`; the ones left out keep their value."""

    name: Annotated[str, NAME] | None = None
    categories: list[WORD] | None = Field(None, min_length=1, max_length=MAX_LIST)
    lat: Lat | None = None
    lon: Lon | None = None
    address: Annotated[str, SHORT] | None = None
    postcode: Annotated[str, Text(0, 10)] | None = None
    town: Annotated[str, Text(0, 100)] | None = None
    description: Annotated[str, DESCRIPTION] | None = None
    opening_hours: Annotated[str, HOURS] | None = None
    audiences: list[WORD] | None = Field(None, max_length=MAX_LIST)
    conditions: Annotated[str, Text(0, 500)] | None = None
    phone: Annotated[str, Text(0, 30)] | None = None
    email: Annotated[str, Text(0, 254)] | None = None
    website: Annotated[str, Text(0, 500)] | None = None
    free: bool | None = None
    closed_from: Day | None = None
    closed_to: Day | None = None
    closure_reason: Annotated[str, Text(0, 200)] | None = None
    full_tonight: bool | None = None


class PlaceQuery(Strict):
    lat: QueryLat
    lon: QueryLon
    radius_km: float = Field(5.0, gt=0, le=MAX_RADIUS_KM)
    category: WORD | None = None
    audience: WORD | None = None
    open_now: bool = False
    limit: int = Field(50, ge=1, le=200)


class SuggestionIn(Strict):
    """A member's suggested change: the fields of a place a passer-by can check (hours, a
    closure, the phone...), and a note for whoever decides. Not the point, nor "full tonight"
    (only the place itself says it)."""

    name: Annotated[str, NAME] | None = None
    description: Annotated[str, DESCRIPTION] | None = None
    categories: list[WORD] | None = Field(None, min_length=1, max_length=MAX_LIST)
    audiences: list[WORD] | None = Field(None, max_length=MAX_LIST)
    conditions: Annotated[str, Text(0, 500)] | None = None
    address: Annotated[str, SHORT] | None = None
    postcode: Annotated[str, Text(0, 10)] | None = None
    town: Annotated[str, Text(0, 100)] | None = None
    opening_hours: Annotated[str, HOURS] | None = None
    phone: Annotated[str, Text(0, 30)] | None = None
    email: Annotated[str, Text(0, 254)] | None = None
    website: Annotated[str, Text(0, 500)] | None = None
    free: bool | None = None
    closed_from: Day | None = None
    closed_to: Day | None = None
    closure_reason: Annotated[str, Text(0, 200)] | None = None
    note: Annotated[str, Text(0, 500, lines=True)] = ""

    @field_validator("website")
    @classmethod
    def _website(cls, value: str | None) -> str | None:
        return http_address(value) if value else value


class SuggestionDecision(Strict):
    reason: Annotated[str, Text(0, 500, lines=True)] = ""
