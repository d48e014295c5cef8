"""Opening hours of a place: OSM ``opening_hours`` text, read by a maintained parser.

The syntax is OpenStreetMap's (https://wiki.openstreetmap.org/wiki/Key:opening_hours/
specification): ``Mo-Fr 09:00-17:00; Sa 10:00-12:00; PH off``, overnight ranges such as
``Mo-Su 20:00-08:00``, ``24/7``. We use ``opening-hours-py`` (Rust core, the reference
implementation's test suite): it knows public holidays (``PH``) per country, and evaluates in
the place's timezone — the node's, since a node serves one city.

On top of the text, a place may be closed for a period (``closed_from``–``closed_to``, dates
included) and may have said "full tonight" (complet ce soir), which holds until 8 a.m. the next
morning in the node's timezone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import opening_hours

from node.models.place import Place

# How far ahead "opens at" looks: beyond a fortnight we say "closed" without a date.
HORIZON = timedelta(days=15)
FULL_UNTIL = time(8, 0)
# What the parser raises for text it refuses (its type stubs only name SyntaxError; the module
# also has ParserError and UnknownCountryError, plain Exception subclasses).
PARSE_ERRORS: tuple[type[Exception], ...] = (
    SyntaxError,
    ValueError,
    getattr(opening_hours, "ParserError", SyntaxError),
    getattr(opening_hours, "UnknownCountryError", ValueError),
)


class Now(StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # by its hours
    CLOSED_FOR_A_PERIOD = "closed_for_a_period"
    UNKNOWN = "unknown"  # no hours given


@dataclass(frozen=True, slots=True)
class HoursNow:
    """What a place is doing at a moment, in the node's timezone."""

    state: Now
    closes_at: datetime | None = None  # when open: the next change (None: round the clock)
    opens_at: datetime | None = None  # when closed: the next opening within the horizon
    reopens_on: date | None = None  # closed for a period: the day after it ends
    full_tonight: bool = False


def check_opening_hours(text: str) -> str | None:
    """An error message for hours the parser refuses, or None when they read."""
    if not text.strip():
        return None
    try:
        opening_hours.OpeningHours(text)
    except PARSE_ERRORS as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return f"not in the opening_hours syntax ({first[:120]})" if first else "unreadable"
    return None


def parsed(text: str, tz: str, country: str) -> opening_hours.OpeningHours | None:
    """The hours, evaluated in ``tz`` with ``country``'s public holidays; None if unreadable."""
    try:
        return opening_hours.OpeningHours(text, timezone=ZoneInfo(tz), country=country.upper())
    except PARSE_ERRORS:
        return None


def _closed_period(place: Place, day: date) -> bool:
    if place.closed_from is None:
        return False
    end = place.closed_to or date.max
    return place.closed_from <= day <= end


def is_full_tonight(place: Place, at: datetime, tz: str) -> bool:
    """Full since an evening: until 8 a.m. the day after it was said."""
    if place.full_since is None:
        return False
    zone = ZoneInfo(tz)
    said = place.full_since.astimezone(zone)
    until_day = said.date() + timedelta(days=1 if said.time() >= FULL_UNTIL else 0)
    until = datetime.combine(until_day, FULL_UNTIL, tzinfo=zone)
    return said <= at.astimezone(zone) < until


def hours_now(place: Place, at: datetime, *, tz: str, country: str) -> HoursNow:
    """Open or closed at ``at`` (aware), and until when."""
    zone = ZoneInfo(tz)
    local = at.astimezone(zone)
    full = is_full_tonight(place, at, tz)
    if _closed_period(place, local.date()):
        reopens = place.closed_to + timedelta(days=1) if place.closed_to else None
        return HoursNow(Now.CLOSED_FOR_A_PERIOD, reopens_on=reopens, full_tonight=full)
    hours = parsed(place.opening_hours, tz, country) if place.opening_hours.strip() else None
    if hours is None:
        return HoursNow(Now.UNKNOWN, full_tonight=full)
    if hours.is_open(local):
        change = hours.next_change(local)
        closes = change.astimezone(zone) if change is not None else None
        return HoursNow(Now.OPEN, closes_at=closes, full_tonight=full)
    opens = _next_opening(place, hours, local)
    return HoursNow(Now.CLOSED, opens_at=opens, full_tonight=full)


def _next_opening(
    place: Place, hours: opening_hours.OpeningHours, local: datetime
) -> datetime | None:
    """The next moment the hours say open, past a closure period, within the horizon (counted
    from the end of the closure when there is one)."""
    limit = local + HORIZON
    moment = local
    for _ in range(64):  # each step crosses one change; bounded whatever the text says
        if _closed_period(place, moment.date()):
            if place.closed_to is None:
                return None
            moment = datetime.combine(place.closed_to + timedelta(days=1), time(0), local.tzinfo)
            limit = max(limit, moment + HORIZON)
            if hours.is_open(moment):
                return moment
        change = hours.next_change(moment)
        if change is None or change > limit:
            return None
        change = change.astimezone(local.tzinfo)
        if hours.is_open(change) and not _closed_period(place, change.date()):
            return change
        moment = change
    return None


def today_ranges(place: Place, day: date, *, tz: str, country: str) -> list[tuple[time, time]]:
    """The opening ranges of ``day`` (local times; an overnight range ends at midnight)."""
    hours = parsed(place.opening_hours, tz, country) if place.opening_hours.strip() else None
    if hours is None or _closed_period(place, day):
        return []
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = start + timedelta(days=1)
    ranges = []
    for begin, finish, state, _comment in hours.intervals(start, end):
        if state == opening_hours.State.OPEN:
            finish_time = time(23, 59) if finish >= end else finish.astimezone(zone).time()
            ranges.append((begin.astimezone(zone).time(), finish_time))
    return ranges
