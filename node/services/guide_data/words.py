"""The words people use for the guide's categories, in French and English, accents optional.

An SMS says "douche gare du nord", "manger 75011" or "where can I sleep"; a data·inclusion or
Soliguide name says "Bains-douches Oberkampf" or "Bagagerie solidaire". Both are normalised the
way the gazetteer does (lower case, no accents, punctuation as spaces) and matched on whole
words, longest phrase first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from node.services.gazetteer import normalise

# Category → words and phrases (already normalised). Names are matched with NAME_WORDS only:
# words such as "eau" or "nuit" say what someone wants in an SMS, not what a place is.
SMS_WORDS: dict[str, tuple[str, ...]] = {
    "food": (
        "manger",
        "mange",
        "repas",
        "nourriture",
        "alimentaire",
        "alimentation",
        "colis",
        "faim",
        "resto",
        "restos",
        "restaurant solidaire",
        "petit dejeuner",
        "dejeuner",
        "diner",
        "soupe",
        "maraude",
        "food",
        "eat",
        "meal",
        "meals",
        "lunch",
        "dinner",
        "breakfast",
        "hungry",
    ),
    "shelter": (
        "dormir",
        "dors",
        "hebergement",
        "heberger",
        "abri",
        "nuit",
        "lit",
        "foyer",
        "mise a l abri",
        "115",
        "chu",
        "sleep",
        "shelter",
        "bed",
        "night",
        "hostel",
    ),
    "shower": ("douche", "douches", "bains douches", "se laver", "shower", "showers", "wash"),
    "laundry": ("laverie", "linge", "lessive", "machine a laver", "laundry", "laundrette"),
    "toilets": ("toilettes", "toilette", "wc", "sanitaires", "toilet", "toilets", "restroom"),
    "day_centre": (
        "accueil de jour",
        "accueil",
        "espace solidarite insertion",
        "esi",
        "day centre",
        "day center",
        "drop in",
    ),
    "health": (
        "soin",
        "soins",
        "sante",
        "medecin",
        "docteur",
        "infirmier",
        "infirmiere",
        "pass",
        "malade",
        "health",
        "doctor",
        "nurse",
        "care",
        "clinic",
        "sick",
    ),
    "dental": ("dentiste", "dentaire", "dent", "dents", "dentist", "dental", "teeth", "tooth"),
    "domiciliation": (
        "domiciliation",
        "domicilier",
        "adresse postale",
        "courrier",
        "boite aux lettres",
        "postal address",
        "mail address",
    ),
    "luggage": ("bagagerie", "bagages", "bagage", "consigne", "casier", "luggage", "locker"),
    "water": ("eau", "fontaine", "boire", "soif", "water", "fountain", "drink", "thirsty"),
    "charging": (
        "recharger",
        "recharge",
        "charger",
        "prise",
        "electricite",
        "batterie",
        "charging",
        "charge",
        "plug",
        "battery",
    ),
}
NAME_WORDS: dict[str, tuple[str, ...]] = {
    "food": (
        "restaurant solidaire",
        "restos du coeur",
        "distribution alimentaire",
        "epicerie solidaire",
        "soupe",
    ),
    "shelter": ("centre d hebergement", "hebergement d urgence", "halte de nuit", "chu", "chrs"),
    "shower": ("douche", "douches", "bains douches"),
    "laundry": ("laverie", "lavomatic"),
    "toilets": ("toilettes", "sanisette", "wc"),
    "day_centre": ("accueil de jour", "espace solidarite insertion", "esi"),
    "health": ("centre de sante", "pass", "permanence d acces aux soins", "caso"),
    "dental": ("dentaire", "dentiste", "bus dentaire"),
    "domiciliation": ("domiciliation",),
    "luggage": ("bagagerie", "consigne solidaire"),
    "water": ("fontaine",),
    "charging": ("recharge", "borne de recharge"),
}
HELP_WORDS = ("aide", "help", "info", "menu", "?")
# The phrases above that are English: the answer is then written in English.
ENGLISH = frozenset(
    [
        "food",
        "eat",
        "meal",
        "meals",
        "lunch",
        "dinner",
        "breakfast",
        "hungry",
        "sleep",
        "shelter",
        "bed",
        "night",
        "hostel",
        "shower",
        "showers",
        "wash",
        "laundry",
        "laundrette",
        "toilet",
        "toilets",
        "restroom",
        "health",
        "doctor",
        "nurse",
        "care",
        "clinic",
        "sick",
        "dentist",
        "dental",
        "teeth",
        "tooth",
        "luggage",
        "locker",
        "water",
        "fountain",
        "drink",
        "thirsty",
        "charging",
        "charge",
        "plug",
        "battery",
        "help",
    ]
) | {"day centre", "day center", "drop in", "postal address", "mail address"}
_POSTCODE = re.compile(r"\b(\d{5})\b")


def _phrases(table: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    pairs = [(phrase, category) for category, phrases in table.items() for phrase in phrases]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


_SMS_PHRASES = _phrases(SMS_WORDS)
_NAME_PHRASES = _phrases(NAME_WORDS)


def categories_in_name(name: str) -> list[str]:
    """The categories a place's name says it is ("Bains-douches Oberkampf" → shower)."""
    padded = f" {normalise(name)} "
    found: list[str] = []
    for phrase, category in _NAME_PHRASES:
        if f" {phrase} " in padded and category not in found:
            found.append(category)
    return found


@dataclass(frozen=True, slots=True)
class SmsQuestion:
    """What an SMS asks: a category (None when no word was understood), and where: a postcode
    or the rest of the words (a station or district name), either may be empty."""

    category: str | None
    postcode: str = ""
    where: str = ""
    wants_help: bool = False
    language: str = "fr"


_FILLERS = {
    "trouver",
    "find",
    "ce",
    "soir",
    "tonight",
    "today",
    "maintenant",
    "now",
    "aujourd",
    "hui",
    "je",
    "veux",
    "voudrais",
    "cherche",
    "ou",
    "pour",
    "a",
    "au",
    "aux",
    "de",
    "des",
    "du",
    "le",
    "la",
    "les",
    "un",
    "une",
    "pres",
    "vers",
    "svp",
    "stp",
    "merci",
    "bonjour",
    "i",
    "want",
    "need",
    "where",
    "can",
    "to",
    "near",
    "the",
    "please",
    "in",
    "at",
    "is",
    "there",
    "some",
    "any",
    "me",
    "en",
    "sur",
    "d",
    "l",
    "y",
    "il",
    "s",
    "avoir",
    "prendre",
}


def parse_sms(text: str) -> SmsQuestion:
    """The question in an SMS body ("Douche Gare du Nord", "manger 75011", "help")."""
    words = normalise(text[:500])
    padded = f" {words} "
    if not words or words in HELP_WORDS or text.strip() == "?":
        return SmsQuestion(None, wants_help=True, language="en" if words == "help" else "fr")
    category = None
    language = "en" if any(f" {w} " in padded for w in ("i", "where", "need", "want")) else "fr"
    for phrase, candidate in _SMS_PHRASES:
        if f" {phrase} " in padded:
            category = candidate
            language = "en" if phrase in ENGLISH else "fr"
            padded = padded.replace(f" {phrase} ", " ", 1)
            break
    postcode_match = _POSTCODE.search(padded)
    postcode = ""
    if postcode_match and postcode_match.group(1) != "115":
        postcode = postcode_match.group(1)
        padded = padded.replace(postcode, " ", 1)
    rest = padded.split()
    # Fillers go from both ends only: "pres de gare du nord" → "gare du nord".
    while rest and rest[0] in _FILLERS:
        rest.pop(0)
    while rest and rest[-1] in _FILLERS:
        rest.pop()
    return SmsQuestion(category, postcode=postcode, where=" ".join(rest), language=language)
