"""Recurring volunteer slots: an RFC 5545 ``RRULE`` ("every Tuesday at 19:00 until March").

The rule repeats the call's ``starts_at``; the call's ``ends_at`` still closes it, so no date
after it counts. A rule must be bounded (``COUNT`` or ``UNTIL``), at most daily (no ``HOURLY``
and shorter, never two dates on one day) and give at most :data:`MAX_OCCURRENCES` dates.

Dates repeat on the node's wall clock (``settings.timezone``): 19:00 stays 19:00 in Paris
across the change to summer time, as a calendar would show it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import islice, pairwise
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr  # type: ignore[import-untyped]

from node import clock
from node.errors import Problem, Unprocessable
from node.models import Call

MAX_OCCURRENCES = 100
MAX_LENGTH = 300
_FREQUENCIES = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
# Two dates closer than this are on one day (23 hours: a day with the clock going forward).
_ONE_DAY = timedelta(hours=23)


def _refuse(message: str) -> Problem:
    return Unprocessable.field("recurrence", message)


def normalize(rule: str) -> str:
    """The rule without an ``RRULE:`` prefix, upper case, no spaces; 422 when it is not a
    bounded RRULE of at most daily frequency."""
    text = "".join(rule.split()).upper()
    text = text.removeprefix("RRULE:")
    if not text or len(text) > MAX_LENGTH:
        raise _refuse("Give a repetition rule (RRULE) of at most 300 characters.")
    parts: dict[str, str] = {}
    for part in text.split(";"):
        name, sep, value = part.partition("=")
        if not sep or not value or name in parts:
            raise _refuse("The repetition rule is not a valid RRULE.")
        parts[name] = value
    if parts.get("FREQ") not in _FREQUENCIES:
        raise _refuse("A call repeats at most once a day (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY).")
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise _refuse("Say when the repetition ends (COUNT or UNTIL).")
    if "COUNT" in parts and "UNTIL" in parts:
        raise _refuse("Give COUNT or UNTIL, not both.")
    return text


def occurrences(rule: str, start: datetime, end: datetime, timezone: str) -> list[datetime]:
    """The dates (UTC) of ``rule`` repeating ``start``, up to ``end``; 422 for a rule that
    does not parse, gives more than 100 dates or two on one day."""
    zone = ZoneInfo(timezone)
    try:
        parsed = rrulestr(normalize(rule), dtstart=start.astimezone(zone))
        dates = list(islice(iter(parsed), MAX_OCCURRENCES + 1))
    except (ValueError, TypeError) as exc:
        raise _refuse("The repetition rule is not a valid RRULE.") from exc
    if len(dates) > MAX_OCCURRENCES:
        raise _refuse("A call repeats at most 100 times.")
    if not dates:
        raise _refuse("The repetition rule gives no date.")
    result = [d.astimezone(UTC) for d in dates]
    if any(b - a < _ONE_DAY for a, b in pairwise(result)):
        raise _refuse("A call repeats at most once a day.")
    return [d for d in result if d <= end]


def upcoming(
    rule: str, start: datetime, end: datetime, timezone: str, now: datetime, limit: int = 5
) -> list[datetime]:
    """The next ``limit`` dates not yet begun (a stored rule was checked when posted)."""
    try:
        dates = occurrences(rule, start, end, timezone)
    except Problem:
        return []
    return [d for d in dates if d >= now][:limit]


def next_dates(call: Call, timezone: str, limit: int = 5) -> list[datetime]:
    """A repeating call's next dates (empty for a call that does not repeat)."""
    if call.recurrence is None or call.starts_at is None:
        return []
    return upcoming(call.recurrence, call.starts_at, call.ends_at, timezone, clock.now(), limit)
