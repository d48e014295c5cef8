"""Moments in words, as people say them: "il y a 5 min", "aujourd'hui à 14 h", "mardi 3 déc.
à 14 h" ("5 min. ago", "today at 2 PM", "Tuesday, Dec 3 at 2 PM"), never with seconds.

Everything comes from Babel's CLDR data: relative durations (``format_timedelta``), the names of
relative days ("hier", "demain"), the "{date} à {time}" pattern used with them, and the date
skeleton ``MMMEd`` with the weekday written out. Only the hour of French is written by hand:
CLDR gives "14:00", French typography (and people) write "14 h" and "14 h 30".
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime, format_skeleton, format_timedelta, match_skeleton

RECENT = timedelta(hours=1)
_QUOTED = re.compile(r"'([^']*)'")


def _hour(moment: datetime, locale: Locale) -> str:
    if locale.language == "fr":
        # Non-breaking spaces, as CLDR puts in "il y a 5 min": "14 h" never splits.
        pattern = "H'\u00a0h'" if moment.minute == 0 else "H'\u00a0h\u00a0'mm"
        return format_datetime(moment, pattern, locale=locale)
    return format_skeleton("h" if moment.minute == 0 else "hm", moment, locale=locale)


def _day(moment: datetime, today: datetime, locale: Locale) -> str:
    offset = (moment.date() - today.date()).days
    relative = locale._data["date_fields"]["day"]["relative"]
    if offset in (-1, 0, 1) and offset in relative:
        return str(relative[offset])
    skeleton = "MMMEd" if moment.year == today.year else "yMMMEd"
    best = match_skeleton(skeleton, locale.datetime_skeletons) or skeleton
    # The weekday in full ("mardi", "Tuesday"): the short one is hard to read for many.
    pattern = re.sub(r"E+", "EEEE", str(locale.datetime_skeletons[best].pattern))
    return format_datetime(moment, pattern, locale=locale)


def _at(day: str, hour: str, locale: Locale) -> str:
    """CLDR's "{date} at {time}" (``atTime``), kept by Babel as the relative date-time form."""
    pattern = str(locale._data["datetime_formats_relative"]["full"])
    return _QUOTED.sub(r"\1", pattern).replace("{1}", day).replace("{0}", hour)


def describe(moment: datetime, *, now: datetime, timezone: str, language: str) -> str:
    """``moment`` as words for a reader in ``language``, in the node's ``timezone``."""
    locale = Locale.parse(language)
    gap = moment - now
    if abs(gap) < timedelta(minutes=1):
        return str(locale._data["date_fields"]["second"]["relative"][0])  # "maintenant"
    if abs(gap) < RECENT:
        minutes = timedelta(minutes=round(gap.total_seconds() / 60))
        return format_timedelta(
            minutes,
            granularity="minute",
            threshold=2,
            add_direction=True,
            format="short",
            locale=locale,
        )
    zone = ZoneInfo(timezone)
    local, today = moment.astimezone(zone), now.astimezone(zone)
    return _at(_day(local, today, locale), _hour(local, locale), locale)


def absolute(moment: datetime, *, timezone: str, language: str) -> str:
    """``moment`` with its date in full, for text read later (a mail): "mardi 3 déc. 2026 à
    14 h", "Tuesday, Dec 3, 2026 at 2 PM"."""
    locale = Locale.parse(language)
    local = moment.astimezone(ZoneInfo(timezone))
    best = match_skeleton("yMMMEd", locale.datetime_skeletons) or "yMMMEd"
    pattern = re.sub(r"E+", "EEEE", str(locale.datetime_skeletons[best].pattern))
    return _at(format_datetime(local, pattern, locale=locale), _hour(local, locale), locale)
