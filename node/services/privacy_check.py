"""Spot personal data in a text about to be published: street addresses, phone numbers, emails.

Published actions must not carry an exact address or contact details (DESIGN §5): the web form
warns and asks for a confirmation when :func:`find_personal_data` finds something. It is a
heuristic (French street words, ``phonenumbers``' matcher, a plain email pattern), so it warns,
it never refuses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers


class PersonalDataKind(StrEnum):
    ADDRESS = "address"
    PHONE = "phone"
    EMAIL = "email"


@dataclass(frozen=True, slots=True)
class PersonalData:
    kind: PersonalDataKind
    text: str


# "12 rue …", "12bis, avenue …", "3 bd …", "7 av. …": a number, then a street word.
_STREET_WORDS = (
    r"rue|avenue|av\.?|boulevard|bd|blvd|bvd|place|pl\.|impasse|imp\.|all[ée]e|chemin|ch\.|quai"
    r"|cours|passage|square|sq\.|route|rte|villa|cit[ée]|faubourg|fbg|sentier|voie|rond-point"
    r"|esplanade|promenade|parvis|hameau|lieu-dit|street|road|lane"
)
_ADDRESS = re.compile(
    rf"\b\d{{1,4}}\s*(?:bis|ter|quater|[abt])?\s*,?\s+(?:{_STREET_WORDS})(?=\s|$|[,.;:])"
    r"[^\n,.;]{0,60}",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)


def find_personal_data(text: str, region: str = "FR") -> list[PersonalData]:
    """Addresses, phone numbers and email addresses found in ``text``, in that order."""
    found: list[PersonalData] = []
    for match in _ADDRESS.finditer(text):
        found.append(PersonalData(PersonalDataKind.ADDRESS, match.group(0).strip()))
    emails = list(_EMAIL.finditer(text))
    # Digits inside an email address are not a phone number.
    masked = text
    for match in emails:
        masked = masked[: match.start()] + " " * len(match.group(0)) + masked[match.end() :]
    for number in phonenumbers.PhoneNumberMatcher(masked, region):
        found.append(PersonalData(PersonalDataKind.PHONE, number.raw_string))
    for match in emails:
        found.append(PersonalData(PersonalDataKind.EMAIL, match.group(0)))
    return found
