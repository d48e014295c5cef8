"""The typed pieces every input is made of, for the API and the web pages alike: they refuse,
with a message naming the field, what would otherwise reach the database or the date arithmetic
and fail there.

* Text: stripped, within its length, no control characters (PostgreSQL refuses NUL in ``text``;
  the others have no business in a title or a name). Multi-line text keeps tabs and line breaks.
* Numbers: within their range, which also refuses ``NaN`` and ``inf``; strict in JSON bodies
  (``true`` is not a latitude); integers that fit the database's columns.
* Times: aware datetimes and dates between 2000 and 2100, so that adding hours or days to them
  never overflows.

Messages are plain English message ids (``must be 3 to 120 characters long``): the API returns
them as they are, the web pages translate them (``node/web/service_messages.py``).
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
from pydantic_core import PydanticCustomError, core_schema

MAX_INT = 2**31 - 1
"""The largest id or count the database's integer columns hold (PostgreSQL ``integer``)."""

_CONTROL = frozenset(chr(c) for c in (*range(0x20), *range(0x7F, 0xA0)))
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


class Strict(BaseModel):
    """An input model: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class NoControls:
    """``Annotated[str, …, ONE_LINE]``: refuses control characters other than ``allowed`` ones;
    the JSON schema says so with a ``pattern``."""

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
            raise PydanticCustomError("control_characters", self.message)
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


@dataclass(frozen=True)
class Text:
    """``Annotated[str, Text(3, 120)]``: stripped, ``low`` to ``high`` characters, and no control
    characters (tabs and line breaks allowed with ``lines=True``). The length's message names
    both bounds, as people read them in a form."""

    low: int
    high: int
    lines: bool = False

    @property
    def controls(self) -> NoControls:
        return MULTI_LINE if self.lines else ONE_LINE

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, core_schema.str_schema())

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema.update(minLength=self.low, maxLength=self.high, pattern=self.controls.pattern)
        return json_schema

    def check(self, value: str) -> str:
        value = self.controls.check(value.strip())
        if not self.low <= len(value) <= self.high:
            raise PydanticCustomError(
                "text_length",
                "must be {low} to {high} characters long",
                {"low": self.low, "high": self.high},
            )
        return value


@dataclass(frozen=True)
class Range:
    """``Annotated[float, Range(-90, 90)]``: between ``low`` and ``high`` included, which refuses
    ``NaN`` and infinities too (they compare false)."""

    low: float
    high: float
    message: str

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema.update(minimum=self.low, maximum=self.high)
        return json_schema

    def check(self, value: float) -> float:
        if not self.low <= value <= self.high:
            raise PydanticCustomError("range", self.message)
        return value


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
        raise PydanticCustomError("time_range", "must be between 2000 and 2100")
    return value


def _reasonable_date(value: date) -> date:
    if not EARLIEST.date() <= value < LATEST.date():
        raise PydanticCustomError("time_range", "must be between 2000 and 2100")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_reasonable_time)]
"""An ISO 8601 time with its offset, between 2000 and 2100."""
Day = Annotated[date, AfterValidator(_reasonable_date)]
"""An ISO 8601 date between 2000 and 2100."""

LATITUDE = Range(-90, 90, "must be between -90 and 90")
LONGITUDE = Range(-180, 180, "must be between -180 and 180")
Lat = Annotated[float, Field(strict=True, description="Latitude, WGS 84 degrees"), LATITUDE]
Lon = Annotated[float, Field(strict=True, description="Longitude, WGS 84 degrees"), LONGITUDE]
QueryLat = Annotated[float, Field(description="Latitude, WGS 84 degrees"), LATITUDE]
"""A latitude in a query string (where every value arrives as text)."""
QueryLon = Annotated[float, Field(description="Longitude, WGS 84 degrees"), LONGITUDE]
