"""The answer to a guide SMS, in one message.

One SMS carries 160 characters of the GSM 03.38 7-bit alphabet (3GPP TS 23.038 §6.2.1); a
single character outside it (a curly apostrophe, "ê", "œ") switches the whole message to UCS-2
and 70 characters, and a longer text is split in segments of 153 that basic phones sometimes
show out of order. So the answer is written in GSM-7 only (letters it lacks lose their accent,
the few symbols of the extension table count twice) and is shortened until it fits 160.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import time

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "^{}\\[~]|€"
SMS_LIMIT = 160
_REPLACEMENTS = {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "œ": "oe", "Œ": "OE",
                 "…": "...", "\u00a0": " ", "\u202f": " "}  # fmt: skip

LABELS = {
    "fr": {
        "food": "Manger",
        "shelter": "Dormir",
        "shower": "Douche",
        "laundry": "Laverie",
        "toilets": "Toilettes",
        "day_centre": "Accueil de jour",
        "health": "Soins",
        "dental": "Dentiste",
        "domiciliation": "Domiciliation",
        "luggage": "Bagagerie",
        "water": "Eau",
        "charging": "Recharge",
    },
    "en": {
        "food": "Food",
        "shelter": "Sleep",
        "shower": "Shower",
        "laundry": "Laundry",
        "toilets": "Toilets",
        "day_centre": "Day centre",
        "health": "Care",
        "dental": "Dentist",
        "domiciliation": "Postal address",
        "luggage": "Luggage",
        "water": "Water",
        "charging": "Charging",
    },
}
HELP = {
    "fr": "Envoyez un mot + code postal ou gare: manger, dormir, douche, soins, eau, "
    "toilettes, laverie, bagagerie. Ex: douche 75010. Urgence: 115",
    "en": "Send a word + postcode or station: food, sleep, shower, care, water, toilets, "
    "laundry, luggage. Ex: shower 75010. Emergency: 115",
}
NOT_UNDERSTOOD = {
    "fr": "Mot non compris. ",
    "en": "Word not understood. ",
}
WHERE_UNKNOWN = {
    "fr": "Lieu inconnu: envoyez un code postal (ex: manger 75011) ou une gare.",
    "en": "Unknown place: send a postcode (e.g. food 75011) or a station.",
}
NONE_OPEN = {
    "fr": "{label}: aucun lieu ouvert maintenant près de {where}. Urgence: 115",
    "en": "{label}: nothing open now near {where}. Emergency: 115",
}
HEADER = {"fr": "{label} ouvert maintenant:", "en": "{label} open now:"}


@dataclass(frozen=True, slots=True)
class NearbyPlace:
    name: str
    address: str
    distance_km: float
    closes_at: time | None  # None: open round the clock, or the closing time is unknown


def to_gsm7(text: str) -> str:
    """``text`` written with the GSM 03.38 alphabet only: accents it lacks are dropped, other
    characters become a space or "?"."""
    out = []
    for char in text:
        char = _REPLACEMENTS.get(char, char)
        if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in char):
            out.append(char)
            continue
        bare = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if bare and all(c in GSM7_BASIC for c in bare):
            out.append(bare)
        elif char.isspace():
            out.append(" ")
        else:
            out.append("?")
    return "".join(out)


def septets(text: str) -> int:
    """Length of a GSM-7 text in septets: extension characters take two (an escape first)."""
    return sum(2 if c in GSM7_EXTENSION else 1 for c in text)


def _distance(km: float, language: str) -> str:
    if km < 1:
        return f"{max(100, round(km * 10) * 100)} m"
    figure = f"{km:.1f}"
    return f"{figure.replace('.', ',') if language == 'fr' else figure} km"


def _closes(closes_at: time | None, language: str) -> str:
    if closes_at is None:
        return ""
    if language == "fr":
        minutes = f"{closes_at.minute:02d}" if closes_at.minute else ""
        return f", ferme {closes_at.hour}h{minutes}"
    return f", closes {closes_at.hour:02d}:{closes_at.minute:02d}"


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: max(1, length - 1)].rstrip() + "."


def answer(category: str, where: str, places: list[NearbyPlace], language: str = "fr") -> str:
    """The SMS listing up to three ``places`` open now, nearest first, within 160 septets."""
    label = LABELS[language][category]
    if not places:
        return fit(NONE_OPEN[language].format(label=label, where=_shorten(where, 40)))
    header = HEADER[language].format(label=label)
    chosen = places[:3]
    # Shorten addresses, then names, then drop addresses, then places, until it is one SMS.
    lengths = [(n, a) for a in (40, 30, 24, 18) for n in (40, 30, 24, 18)]
    lengths += [(n, 0) for n in (40, 30, 24, 18, 14, 10)]
    for count in range(len(chosen), 0, -1):
        for name_length, address_length in lengths:
            lines = [header]
            for number, place in enumerate(chosen[:count], start=1):
                line = f"{number} {_shorten(place.name, name_length)}"
                if address_length and place.address:
                    line += f", {_shorten(place.address, address_length)}"
                line += f", {_distance(place.distance_km, language)}"
                line += _closes(place.closes_at, language)
                lines.append(line)
            text = to_gsm7("\n".join(lines))
            if septets(text) <= SMS_LIMIT:
                return text
    return fit(header)


def fit(text: str) -> str:
    """``text`` in GSM-7, cut to one SMS."""
    text = to_gsm7(text)
    while septets(text) > SMS_LIMIT:
        text = text[:-2].rstrip() + "."
    return text
