"""Shared request types of the JSON API: they reject, with a 422 naming the field, what would
otherwise reach the database or the date arithmetic and fail there (a 500).

* Text: no control characters (PostgreSQL refuses NUL in ``text``; the others have no business
  in a title or a name). Multi-line text keeps tabs and line breaks.
* Numbers: finite floats (no ``NaN``/``inf``), strict in bodies (``true`` is not a latitude);
  integers that fit the database's columns.
* Times: aware datetimes and dates between 2000 and 2100, so that adding hours or days to them
  never overflows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
"""``@security_scheme(BEARER)``: the route takes ``Authorization: Bearer <token>``."""

MAX_INT = 2**31 - 1
"""The largest id or count the database's integer columns hold (PostgreSQL ``integer``)."""

_CONTROL = frozenset(chr(c) for c in (*range(0x20), *range(0x7F, 0xA0)))
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


class Strict(BaseModel):
    """A request model: unknown keys are a 422."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class NoControls:
    """``Annotated[str, StringConstraints(…), ONE_LINE]``: a 422 for control characters, other
    than ``allowed`` ones; the OpenAPI schema says so with a ``pattern``."""

    allowed: frozenset[str]
    pattern: str
    message: str

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = self.pattern
        return json_schema

    def check(self, value: str) -> str:
        if any(c in _CONTROL and c not in self.allowed for c in value):
            raise ValueError(self.message)
        return value


ONE_LINE = NoControls(
    frozenset(), r"^[^\x00-\x1f\x7f-\x9f]*$", "must not contain control characters"
)
"""A name, a title, a phone number: no control character at all."""
MULTI_LINE = NoControls(
    frozenset("\t\n\r"),
    r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$",
    "must not contain control characters other than tabs and line breaks",
)
"""Free text (a description, a message): tabs and line breaks, no other control character."""


Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=32), ONE_LINE
]
"""A phone number as typed (normalised by the services)."""
Pseudonym = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50), ONE_LINE
]
"""How a member appears to others."""


def _reasonable_time(value: datetime) -> datetime:
    if not EARLIEST <= value < LATEST:
        raise ValueError(f"must be between {EARLIEST.year} and {LATEST.year}")
    return value


def _reasonable_date(value: date) -> date:
    if not EARLIEST.date() <= value < LATEST.date():
        raise ValueError(f"must be between {EARLIEST.year} and {LATEST.year}")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_reasonable_time)]
"""An ISO 8601 time with its offset, between 2000 and 2100."""
Day = Annotated[date, AfterValidator(_reasonable_date)]
"""An ISO 8601 date between 2000 and 2100."""

Lat = Annotated[
    float,
    Field(ge=-90, le=90, allow_inf_nan=False, strict=True, description="Latitude, WGS 84 degrees"),
]
Lon = Annotated[
    float,
    Field(
        ge=-180, le=180, allow_inf_nan=False, strict=True, description="Longitude, WGS 84 degrees"
    ),
]
QueryLat = Annotated[
    float, Field(ge=-90, le=90, allow_inf_nan=False, description="Latitude, WGS 84 degrees")
]
"""A latitude in a query string (where every value arrives as text)."""
QueryLon = Annotated[
    float, Field(ge=-180, le=180, allow_inf_nan=False, description="Longitude, WGS 84 degrees")
]
