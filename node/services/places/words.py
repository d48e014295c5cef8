"""A place's hours in a few plain words, French first, English too.

"ouvert jusqu'à 17 h", "ouvre demain à 9 h", "fermé jusqu'au 3 janvier": what someone reading on
a basic phone, an SMS or a printed sheet needs, no more. Day and month names come from CLDR
(Babel). Used by the web pages, the printed guide and the SMS answers alike.
"""

from __future__ import annotations

from datetime import date, datetime, time

from babel.dates import format_date

from node.services.places.hours import HoursNow, Now

_WORDS = {
    "fr": {
        "open_until": "ouvert jusqu'à {time}",
        "open_until_tomorrow": "ouvert jusqu'à demain {time}",
        "open_until_day": "ouvert jusqu'à {day} {time}",
        "open_always": "ouvert 24 h/24",
        "opens": "ouvre à {time}",
        "opens_tomorrow": "ouvre demain à {time}",
        "opens_day": "ouvre {day} à {time}",
        "closed": "fermé",
        "closed_until": "fermé jusqu'au {date}",
        "closed_for_now": "fermé pour l'instant",
        "unknown": "horaires non connus",
        "full": "complet ce soir",
    },
    "en": {
        "open_until": "open until {time}",
        "open_until_tomorrow": "open until {time} tomorrow",
        "open_until_day": "open until {time} on {day}",
        "open_always": "open round the clock",
        "opens": "opens at {time}",
        "opens_tomorrow": "opens tomorrow at {time}",
        "opens_day": "opens on {day} at {time}",
        "closed": "closed",
        "closed_until": "closed until {date}",
        "closed_for_now": "closed for now",
        "unknown": "hours not known",
        "full": "full tonight",
    },
}


def _lang(language: str) -> str:
    return "en" if language.startswith("en") else "fr"


def clock_time(value: time, language: str) -> str:
    """17 h, 12 h 30 (French); 5 pm, 12:30 pm (English)."""
    if _lang(language) == "fr":
        return f"{value.hour} h" + (f" {value.minute:02d}" if value.minute else "")
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}:{value.minute:02d} {suffix}" if value.minute else f"{hour} {suffix}"


def _relative(moment: datetime, today: date, kind: str, language: str) -> str:
    words = _WORDS[_lang(language)]
    at = clock_time(moment.time(), language)
    days = (moment.date() - today).days
    if days <= 0:
        return words[kind].format(time=at)
    if days == 1:
        return words[f"{kind}_tomorrow"].format(time=at)
    day = format_date(moment.date(), "EEEE", locale=_lang(language))
    return words[f"{kind}_day"].format(time=at, day=day)


def hours_in_words(now: HoursNow, at: datetime, language: str = "fr") -> str:
    """The state of a place at ``at`` (aware, the node's timezone) in words."""
    words = _WORDS[_lang(language)]
    today = at.date()
    if now.state == Now.OPEN:
        text = (
            words["open_always"]
            if now.closes_at is None
            else _relative(now.closes_at, today, "open_until", language)
        )
    elif now.state == Now.CLOSED:
        text = (
            _relative(now.opens_at, today, "opens", language)
            if now.opens_at is not None
            else words["closed"]
        )
    elif now.state == Now.CLOSED_FOR_A_PERIOD:
        if now.reopens_on is None:
            text = words["closed_for_now"]
        else:
            last = date.fromordinal(now.reopens_on.toordinal() - 1)
            text = words["closed_until"].format(
                date=format_date(last, "d MMMM", locale=_lang(language))
            )
    else:
        text = words["unknown"]
    if now.full_tonight:
        text = f"{text} — {words['full']}"
    return text


def ranges_in_words(ranges: list[tuple[time, time]], language: str = "fr") -> str:
    """Today's ranges: "9 h – 12 h 30, 14 h – 17 h", or "fermé"."""
    if not ranges:
        return _WORDS[_lang(language)]["closed"]
    return ", ".join(
        f"{clock_time(start, language)} – {clock_time(end, language)}" for start, end in ranges
    )
