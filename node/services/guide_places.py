"""The guide's open data, printed guide and SMS answers over the node's places.

Imports go through :func:`node.services.places.store.store_record`, idempotent on
(source, source id): a row already imported with the same content changes nothing (no update,
no event, nothing sent to partners); a changed row updates its place, which is announced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from node import clock
from node.errors import Problem
from node.models import Place
from node.models.place import LOCAL_SOURCE
from node.services.guide_data.printed import GuideEntry
from node.services.guide_data.reading import read_files
from node.services.guide_data.records import PlaceRecord, Rejection
from node.services.guide_data.sms_text import LABELS, NearbyPlace
from node.services.inputs.places import PlaceQuery
from node.services.places.finding import find_places
from node.services.places.hours import check_opening_hours, today_ranges
from node.services.places.store import store_record
from node.services.places.words import ranges_in_words
from node.state import NodeState

SMS_RADIUS_KM = 5.0
MAX_PRINTED = 200
# The longest text each stored field holds: longer open data is cut, not refused.
_LIMITS = {
    "name": 150,
    "address": 250,
    "postcode": 10,
    "town": 100,
    "conditions": 500,
    "phone": 30,
    "email": 254,
    "website": 500,
    "opening_hours": 500,
    "source": 64,
    "source_id": 200,
}


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [r.as_dict() for r in self.rejections],
        }


def _fitted(record: PlaceRecord) -> PlaceRecord:
    cut = {name: getattr(record, name)[:limit] for name, limit in _LIMITS.items()}
    return replace(record, **cut)


async def import_files(node: NodeState, files: Iterable[tuple[str, bytes]]) -> ImportReport:
    """Import data·inclusion and Soliguide files (see :func:`read_files`); returns the report.
    :class:`~node.services.guide_data.datainclusion.DataFileError` for a file that is no such
    file at all (nothing is imported then)."""
    reading = read_files(files, check_hours=check_opening_hours)
    report = ImportReport(rows=reading.rows, rejections=list(reading.rejections))
    for record, (name, row) in zip(reading.records, reading.origins, strict=True):
        try:
            stored = await store_record(node, _fitted(record))
        except Problem as problem:
            fields = [error.get("field", "") for error in problem.errors] or [""]
            report.rejections.append(Rejection(name, row, fields[0], problem.detail))
            continue
        if stored.outcome == "created":
            report.created += 1
        elif stored.outcome == "updated":
            report.updated += 1
        else:
            report.unchanged += 1
    report.rejections.sort(key=lambda r: (r.file, r.row))
    return report


def record_of(node: NodeState, place: Place) -> PlaceRecord:
    """A place as an open-data record: imported places keep their producer's source and id;
    places made here are published under the node's domain."""
    domain = node.settings.domain
    local = place.source == LOCAL_SOURCE
    return PlaceRecord(
        source=domain if local else place.source,
        source_id=f"{domain}--{place.source_id}" if local else place.source_id,
        name=place.name,
        categories=tuple(place.categories),
        lat=place.lat,
        lon=place.lon,
        checked_on=place.checked_on,
        address=place.address,
        postcode=place.postcode,
        town=place.town,
        description=place.description,
        opening_hours=place.opening_hours,
        audiences=tuple(place.audiences),
        conditions=place.conditions,
        phone=place.phone,
        email=place.email,
        website=place.website,
        free=place.free,
        closed_from=place.closed_from,
        closed_to=place.closed_to,
    )


async def export_records(node: NodeState) -> list[PlaceRecord]:
    """The node's own places (not its partners'), oldest first."""
    places = await Place.filter(origin_domain="", hidden_at__isnull=True).order_by(
        "created_at", "id"
    )
    return [record_of(node, place) for place in places]


async def nearby_open(node: NodeState, category: str, lat: float, lon: float) -> list[NearbyPlace]:
    """The three nearest places of ``category`` open now around a point, for an SMS answer."""
    query = PlaceQuery(
        lat=lat, lon=lon, radius_km=SMS_RADIUS_KM, category=category, open_now=True, limit=3
    )
    zone = ZoneInfo(node.settings.timezone)
    nearby = []
    for found in await find_places(node, query):
        closing = found.now.closes_at
        local = closing.astimezone(zone).time() if closing is not None else None
        nearby.append(NearbyPlace(found.place.name, found.place.address, found.distance_km, local))
    return nearby


def _today(node: NodeState, place: Place, at: datetime, language: str) -> str:
    if not place.opening_hours.strip():
        return "horaires inconnus" if language == "fr" else "hours unknown"
    settings = node.settings
    day = at.astimezone(ZoneInfo(settings.timezone)).date()
    ranges = today_ranges(place, day, tz=settings.timezone, country=settings.country)
    return ranges_in_words(ranges, language)


async def guide_entries(
    node: NodeState,
    *,
    lat: float,
    lon: float,
    radius_km: float,
    categories: list[str],
    language: str,
    at: datetime | None = None,
    partners: bool = True,
) -> list[GuideEntry]:
    """The places of a printed guide (the nearest :data:`MAX_PRINTED`), with today's hours;
    partners' places (the ``guide`` scope) too unless ``partners`` is false, each saying who
    shares it."""
    moment = at or clock.now()
    only = categories[0] if len(categories) == 1 else None
    query = PlaceQuery(lat=lat, lon=lon, radius_km=radius_km, category=only, limit=MAX_PRINTED)
    entries = []
    for found in await find_places(node, query, at=moment):
        place = found.place
        if categories and not set(categories) & set(place.categories):
            continue
        if place.origin_domain and not partners:
            continue
        words = ", ".join(LABELS[language][c] for c in place.categories if c in LABELS[language])
        entries.append(
            GuideEntry(
                name=place.name,
                address=", ".join(p for p in (place.address, place.postcode, place.town) if p),
                categories=words,
                today=_today(node, place, moment, language),
                phone=place.phone,
                origin=_origin(place),
            )
        )
    return entries


def _origin(place: Place) -> str:
    if not place.origin_domain:
        return ""
    name = place.remote_owner_name or place.origin_domain
    return name if name == place.origin_domain else f"{name} ({place.origin_domain})"
