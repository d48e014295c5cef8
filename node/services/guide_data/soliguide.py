"""Read a Soliguide-shaped JSON export of places ("lieux").

Soliguide's API answers a search with ``{"places": [lieu, …]}``; a lieu has ``lieu_id``,
``name``, ``description``, ``updatedAt`` (ISO 8601), ``position`` (``adresse``, ``codePostal``,
``ville``, ``location`` as a GeoJSON ``Point``, longitude first), ``entity`` (``mail``,
``website``, ``phones`` as ``[{"phoneNumber": …}]``), ``newhours`` (a day name → ``{"open":
bool, "timeslot": [{"start": 930, "end": 1730}]}``, times as HHMM integers, plus
``closedHolidays``: ``"CLOSED"``/``"OPEN"``/``"UNKNOWN"``), ``publics`` (``accueil`` 0 means
unconditional; ``gender``) and ``services_all`` (``category`` and a temporary ``close`` with
``actif``, ``dateDebut``, ``dateFin``). The mapping onto the guide is in docs/operators.md.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from node.services.guide_data.datainclusion import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    DataFileError,
    HoursCheck,
)
from node.services.guide_data.records import PlaceRecord, Reading, Rejection

SOURCE = "soliguide"
CATEGORIES = {
    "shower": "shower",
    "laundry": "laundry",
    "toilets": "toilets",
    "food_distribution": "food",
    "food_packages": "food",
    "social_grocery_stores": "food",
    "solidarity_fridge": "food",
    "community_garden": "food",
    "fountain": "water",
    "drinking_water": "water",
    "day_hosting": "day_centre",
    "rest_area": "day_centre",
    "emergency_accommodation": "shelter",
    "accomodation_and_housing": "shelter",
    "accommodation_and_housing": "shelter",
    "overnight_stop": "shelter",
    "domiciliation": "domiciliation",
    "luggage_storage": "luggage",
    "electrical_outlets_available": "charging",
    "health": "health",
    "general_practitioner": "health",
    "nurse": "health",
    "psychological_support": "health",
    "health_specialists": "health",
    "dental_care": "dental",
}
DAYS = (
    ("monday", "Mo"),
    ("tuesday", "Tu"),
    ("wednesday", "We"),
    ("thursday", "Th"),
    ("friday", "Fr"),
    ("saturday", "Sa"),
    ("sunday", "Su"),
)


def _hhmm(value: Any) -> str:
    number = int(value)
    hours, minutes = divmod(number, 100)
    if not (0 <= hours <= 24 and 0 <= minutes < 60):
        raise ValueError(f"{value} is not a time")
    return f"{hours:02d}:{minutes:02d}"


def opening_hours(newhours: Any) -> str:
    """Soliguide's ``newhours`` in the OSM ``opening_hours`` syntax ("Mo-Fr 09:00-17:30;
    PH off"): days with the same slots are grouped; an end before its start runs past midnight,
    which the syntax writes the same way ("Mo 19:00-08:00")."""
    if not isinstance(newhours, dict):
        return ""
    per_day: list[tuple[str, str]] = []
    for key, short in DAYS:
        day = newhours.get(key)
        if not isinstance(day, dict) or not day.get("open"):
            per_day.append((short, ""))
            continue
        slots = day.get("timeslot") or []
        text = ",".join(
            f"{_hhmm(s['start'])}-{_hhmm(s['end'])}" for s in slots if isinstance(s, dict)
        )
        per_day.append((short, text))
    rules: list[str] = []
    index = 0
    while index < len(per_day):
        short, slots = per_day[index]
        end = index
        while end + 1 < len(per_day) and per_day[end + 1][1] == slots:
            end += 1
        if slots:
            days = short if end == index else f"{short}-{per_day[end][0]}"
            if end == index + 1:
                days = f"{short},{per_day[end][0]}"
            rules.append(f"{days} {slots}")
        index = end + 1
    if not rules:
        return ""
    if newhours.get("closedHolidays") == "CLOSED":
        rules.append("PH off")
    return "; ".join(rules)


def _day(value: Any) -> date | None:
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def read(name: str, data: bytes, check_hours: HoursCheck | None = None) -> Reading:
    """The places of a Soliguide JSON file and the lieux left out, with the reason."""
    if len(data) > MAX_FILE_BYTES:
        raise DataFileError(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DataFileError("not a JSON file") from None
    if isinstance(document, dict):
        document = document.get("places")
    if not isinstance(document, list):
        raise DataFileError('a JSON list of lieux, or {"places": […]}, was expected')
    if len(document) > MAX_ROWS:
        raise DataFileError(f"more than {MAX_ROWS} rows")
    reading = Reading(rows=len(document))
    seen: dict[str, int] = {}
    for number, lieu in enumerate(document, start=1):
        try:
            record = _lieu(lieu, check_hours)
        except _Refused as refused:
            reading.rejections.append(Rejection(name, number, refused.field, refused.reason))
            continue
        if record.source_id in seen:
            reading.rejections.append(
                Rejection(name, number, "lieu_id", f"same lieu_id as row {seen[record.source_id]}")
            )
            continue
        seen[record.source_id] = number
        reading.add(record, name, number)
    return reading


class _Refused(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.reason = field, reason


def _text(value: Any, field: str, limit: int = 10_000) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Refused(field, "not a text")
    return value.strip()[:limit]


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _lieu(lieu: Any, check_hours: HoursCheck | None) -> PlaceRecord:
    if not isinstance(lieu, dict):
        raise _Refused("", "not a JSON object")
    lieu_id = lieu.get("lieu_id")
    if isinstance(lieu_id, bool) or not isinstance(lieu_id, (int, str)) or str(lieu_id) == "":
        raise _Refused("lieu_id", "missing")
    name = _text(lieu.get("name"), "name", 150)
    if len(name) < 3:
        raise _Refused("name", "missing or shorter than 3 characters")
    position = _obj(lieu.get("position"))
    location = _obj(position.get("location"))
    coordinates = location.get("coordinates")
    if (
        not isinstance(coordinates, list)
        or len(coordinates) != 2
        or not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coordinates)
    ):
        raise _Refused("position.location", "no GeoJSON point [longitude, latitude]")
    lon, lat = float(coordinates[0]), float(coordinates[1])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise _Refused("position.location", "the point is outside the Earth's coordinates")
    services = [s for s in lieu.get("services_all") or [] if isinstance(s, dict)]
    categories = list(
        dict.fromkeys(
            CATEGORIES[s["category"]] for s in services if s.get("category") in CATEGORIES
        )
    )
    if not categories:
        raise _Refused("services_all", "none of the guide's categories")
    try:
        hours = opening_hours(lieu.get("newhours"))
    except (KeyError, TypeError, ValueError) as error:
        raise _Refused("newhours", f"cannot be read: {error}") from None
    if hours and check_hours is not None:
        problem = check_hours(hours)
        if problem:
            raise _Refused("newhours", problem)
    updated = _day(lieu.get("updatedAt"))
    if updated is None:
        raise _Refused("updatedAt", "missing or not a date")
    entity = _obj(lieu.get("entity"))
    phones = [p.get("phoneNumber") for p in entity.get("phones") or [] if isinstance(p, dict)]
    publics = _obj(lieu.get("publics"))
    audiences = []
    if publics.get("accueil") == 0:
        audiences.append("unconditional")
    if publics.get("gender") == ["women"]:
        audiences.append("women")
    closed = [_obj(s.get("close")) for s in services if _obj(s.get("close")).get("actif")]
    closed_from = _day(closed[0].get("dateDebut")) if closed else None
    closed_to = _day(closed[0].get("dateFin")) if closed else None
    return PlaceRecord(
        source=SOURCE,
        source_id=str(lieu_id),
        name=name,
        categories=tuple(categories),
        lat=lat,
        lon=lon,
        checked_on=updated,
        address=_text(position.get("adresse"), "position.adresse", 300),
        postcode=_text(position.get("codePostal"), "position.codePostal", 10),
        town=_text(position.get("ville"), "position.ville", 100),
        description=_text(lieu.get("description"), "description"),
        opening_hours=hours,
        audiences=tuple(audiences),
        phone=str(phones[0])[:40] if phones and phones[0] else "",
        email=_text(entity.get("mail"), "entity.mail", 254),
        website=_text(entity.get("website"), "entity.website", 2000),
        closed_from=closed_from,
        closed_to=closed_to,
    )
