"""Write the guide's places as data·inclusion structures and services, as JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from node.services.guide_data.datainclusion_schema import (
    AUDIENCE_PUBLICS,
    CATEGORY_THEMATIQUES,
    fields,
)
from node.services.guide_data.records import PlaceRecord


def _name(place: PlaceRecord) -> str:
    # The schema wants 3 to 150 characters.
    name = place.name.strip()[:150]
    return name if len(name) >= 3 else f"{name} (lieu)"


def _description(place: PlaceRecord) -> str:
    text = place.description.strip() or place.name
    return text if len(text) >= 5 else f"{text} : lieu solidaire"


def _where_and_how_to_reach(place: PlaceRecord) -> dict[str, Any]:
    """The fields a structure and its service share in the schema: which row, where, when
    checked, and how to reach it."""
    return {
        "source": place.source,
        "id": place.source_id,
        "nom": _name(place),
        "date_maj": place.checked_on.isoformat(),
        "adresse": place.address or None,
        "code_postal": place.postcode or None,
        "commune": place.town or None,
        "latitude": place.lat,
        "longitude": place.lon,
        "telephone": place.phone or None,
        "courriel": place.email or None,
        "horaires_accueil": place.opening_hours or None,
    }


def structure_row(place: PlaceRecord) -> dict[str, Any]:
    return {**_where_and_how_to_reach(place), "site_web": place.website or None}


def service_row(place: PlaceRecord) -> dict[str, Any]:
    themes = list(
        dict.fromkeys(
            CATEGORY_THEMATIQUES[c] for c in place.categories if c in CATEGORY_THEMATIQUES
        )
    )
    publics = list(
        dict.fromkeys(AUDIENCE_PUBLICS[a] for a in place.audiences if a in AUDIENCE_PUBLICS)
    )
    return {
        **_where_and_how_to_reach(place),
        "structure_id": place.source_id,
        "description": _description(place),
        "thematiques": themes or None,
        "publics": publics or None,
        "conditions_acces": place.conditions or None,
        "frais": None if place.free is None else ("gratuit" if place.free else "payant"),
        "modes_accueil": ["en-presentiel"],
    }


def to_json(rows: list[dict[str, Any]]) -> bytes:
    return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")


def to_csv(kind: str, rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields(kind), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                key: ",".join(value)
                if isinstance(value, list)
                else ("" if value is None else value)
                for key, value in row.items()
            }
        )
    return out.getvalue().encode("utf-8")
