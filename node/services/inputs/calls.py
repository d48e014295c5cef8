"""Inputs about calls for help: posting or editing a call, answering one, a member's area."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from node.models import CallKind
from node.services.inputs.types import Lat, Lon, Moment, Strict, Text

TITLE = Text(3, 120)
BODY = Text(0, 2000, lines=True)
PLACE = Text(0, 200)
ITEM_LABEL = Text(1, 120)
THANKS = Text(1, 500, lines=True)
MESSAGE = Text(1, 1000, lines=True)
MAX_ITEMS = 30
MAX_QUANTITY = 10_000
MAX_CELLS = 400
MAX_RADIUS_KM = 50.0
MAX_DATES = 100  # a repeating call has at most 100 dates


class ItemIn(Strict):
    label: Annotated[str, ITEM_LABEL]
    quantity: int = Field(ge=1, le=MAX_QUANTITY)


class AreaIn(Strict):
    """A disc (``lat``, ``lon``, ``radius_km``) or a list of H3 ``cells`` of one resolution
    (5, 7 or 8)."""

    lat: Lat | None = None
    lon: Lon | None = None
    radius_km: float | None = Field(None, gt=0, le=MAX_RADIUS_KM)
    cells: list[Annotated[str, Field(max_length=16)]] | None = Field(
        None, min_length=1, max_length=MAX_CELLS
    )


class CallIn(Strict):
    kind: CallKind
    title: Annotated[str, TITLE]
    body: Annotated[str, BODY] = ""
    place_name: Annotated[str, PLACE] = ""
    opening_hours: Annotated[str, PLACE] = ""
    skills: Annotated[str, PLACE] = ""
    starts_at: Moment | None = None
    ends_at: Moment
    people: int | None = Field(None, ge=1, le=MAX_QUANTITY, description="volunteers calls")
    items: list[ItemIn] = Field(default_factory=list, max_length=MAX_ITEMS)
    area: AreaIn
    recurrence: str | None = Field(
        None,
        max_length=300,
        description="Volunteers calls: an RFC 5545 RRULE repeating starts_at, with COUNT or UNTIL",
    )


class QuantityIn(Strict):
    item_id: int
    wanted: int = Field(ge=1, le=MAX_QUANTITY)


class CallChanges(Strict):
    """What a coordinator may change after posting (quantities only upwards of what is
    pledged)."""

    title: Annotated[str, TITLE] | None = None
    body: Annotated[str, BODY] | None = None
    place_name: Annotated[str, PLACE] | None = None
    opening_hours: Annotated[str, PLACE] | None = None
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    quantities: list[QuantityIn] | None = Field(
        None, max_length=MAX_ITEMS, description="New wanted quantities (volunteers: the people)"
    )


class PledgeIn(Strict):
    item_id: int
    quantity: int = Field(ge=1, le=MAX_QUANTITY)


class AnswerIn(Strict):
    """Volunteers calls: no pledges ("I'm coming"). Donations calls: one or more pledges."""

    pledges: list[PledgeIn] = Field(default_factory=list, max_length=MAX_ITEMS)
    dates: list[Moment] | None = Field(
        None,
        max_length=MAX_DATES,
        description="A repeating volunteers call: the dates you come (default: the next one)",
    )


class WithdrawIn(Strict):
    date: Moment | None = Field(
        None, description="A repeating call: withdraw from this date only (default: every date)"
    )


class ThanksIn(Strict):
    message: Annotated[str, THANKS]


class CallMessageIn(Strict):
    """A word to the respondents (coordinators: all of them, or one with ``answer_id``), or a
    respondent's reply to the association."""

    body: Annotated[str, MESSAGE]
    answer_id: int | None = None


class MyAreaIn(Strict):
    lat: Lat
    lon: Lon
