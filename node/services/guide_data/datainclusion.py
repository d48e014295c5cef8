"""Read and write the data·inclusion schema v1: structures and services, as JSON or CSV.

Every row is validated against the published JSON schema (``schema/structure.json`` and
``schema/service.json``, shipped unchanged) before it is mapped. A place of the guide is a
**service** (it has the hours, the themes and the audiences); the address, point, phone and
hours it lacks come from its structure (``structure_id``). A structure without a service of
the guide is no place.

The schema's themes (``thematiques``) cover food, shelter and care but not showers, laundries
or luggage storage, so the guide's other categories are also recognised by words of the
service's or structure's name ("Bains-douches", "Bagagerie") — the words the SMS answers use.

CSV files carry one row per line under a header naming the schema's fields; a list field
(``thematiques``, ``publics``, ``frais``, ``modes_accueil``…) holds its values separated by
commas; an empty cell is a missing value.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from node.services.guide_data.datainclusion_schema import (
    PUBLIC_AUDIENCES,
    THEMATIQUE_CATEGORIES,
    list_fields,
    number_fields,
    schema_errors,
)
from node.services.guide_data.datainclusion_writing import (
    service_row,
    structure_row,
    to_csv,
    to_json,
)
from node.services.guide_data.records import PlaceRecord, Reading, Rejection
from node.services.guide_data.words import categories_in_name

__all__ = [
    "DataFileError",
    "HoursCheck",
    "load_file",
    "read",
    "schema_errors",
    "service_row",
    "structure_row",
    "to_csv",
    "to_json",
]

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_CELL = 10_000

HoursCheck = Callable[[str], str | None]


class DataFileError(ValueError):
    """A file that is not a data·inclusion JSON or CSV file at all (the whole file is refused)."""


def _csv_rows(text: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise DataFileError("the CSV file has no header line")
    rows: list[dict[str, Any]] = []
    for line in reader:
        if len(rows) >= MAX_ROWS:
            raise DataFileError(f"more than {MAX_ROWS} rows")
        rows.append({key: value for key, value in line.items() if key})
    return rows


def _json_rows(text: str) -> list[dict[str, Any]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataFileError(f"not JSON: {error.msg} (line {error.lineno})") from None
    if isinstance(document, dict):
        # The data·inclusion API pages its answers as {"items": [...], ...}.
        document = document.get("items", document.get("data"))
    if not isinstance(document, list):
        raise DataFileError("a JSON list of structures or services was expected")
    if len(document) > MAX_ROWS:
        raise DataFileError(f"more than {MAX_ROWS} rows")
    return [row if isinstance(row, dict) else {"_not_an_object": row} for row in document]


def _typed_csv_row(kind: str, row: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A CSV row with the schema's types: lists split on commas, numbers parsed, empty cells
    dropped. Problems a type cannot express are returned as (field, reason)."""
    lists, numbers = list_fields(kind), number_fields(kind)
    typed: dict[str, Any] = {}
    problems = []
    for key, value in row.items():
        if value is None:
            continue
        if isinstance(value, list):  # more cells than header fields
            problems.append(("", "more cells than the header has fields"))
            continue
        value = value.strip()
        if not value:
            continue
        if len(value) > MAX_CELL:
            problems.append((key, f"longer than {MAX_CELL} characters"))
            continue
        if key in lists:
            typed[key] = [part.strip() for part in value.split(",") if part.strip()]
        elif key in numbers:
            try:
                typed[key] = int(value) if numbers[key] == "integer" else float(value)
            except ValueError:
                problems.append((key, "not a number"))
        else:
            typed[key] = value
    return typed, problems


Row = tuple[str, dict[str, Any], list[tuple[str, str]]]


def load_file(data: bytes) -> list[Row]:
    """The rows of a data·inclusion file, each as (kind, row, problems found while reading it):
    kind is "service" for a row with ``structure_id`` (a CSV file: in its header), else
    "structure". JSON or CSV is told from the content."""
    if len(data) > MAX_FILE_BYTES:
        raise DataFileError(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataFileError("not UTF-8 text") from None
    if text.lstrip()[:1] in ("[", "{"):
        return [
            ("service" if "structure_id" in row else "structure", row, [])
            for row in _json_rows(text)
        ]
    rows = _csv_rows(text)
    kind = "service" if rows and "structure_id" in rows[0] else "structure"
    return [(kind, *_typed_csv_row(kind, row)) for row in rows]


def read(
    files: Iterable[tuple[str, bytes]],
    check_hours: HoursCheck | None = None,
) -> Reading:
    """The places of data·inclusion files (structures and services, in any order), and the
    rows left out with the reason. ``check_hours`` returns why an ``opening_hours`` text cannot
    be read (None when it can)."""
    reading = Reading()
    structures: dict[tuple[str, str], dict[str, Any]] = {}
    services: list[tuple[str, int, dict[str, Any]]] = []
    for name, data in files:
        try:
            rows = load_file(data)
        except DataFileError as error:
            raise DataFileError(f"{name}: {error}") from None
        reading.rows += len(rows)
        for number, (kind, row, problems) in enumerate(rows, start=1):
            problems = problems + schema_errors(kind, row)
            if problems:
                for field, reason in problems:
                    reading.rejections.append(Rejection(name, number, field, reason))
                continue
            if kind == "structure":
                structures[(row["source"], row["id"])] = row
            else:
                services.append((name, number, row))
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    for name, number, row in services:
        key = (row["source"], row["id"])
        if key in seen:
            first = seen[key]
            reading.rejections.append(
                Rejection(name, number, "id", f"same source and id as row {first[1]} of {first[0]}")
            )
            continue
        seen[key] = (name, number)
        structure = structures.get((row["source"], row["structure_id"]), {})
        record, rejection = _service_place(row, structure, check_hours)
        if rejection is not None:
            reading.rejections.append(Rejection(name, number, *rejection))
        elif record is not None:
            reading.add(record, name, number)
    return reading


def _first(field: str, *rows: dict[str, Any]) -> Any:
    for row in rows:
        value = row.get(field)
        if value not in (None, "", []):
            return value
    return None


def _service_place(
    service: dict[str, Any], structure: dict[str, Any], check_hours: HoursCheck | None
) -> tuple[PlaceRecord | None, tuple[str, str] | None]:
    categories: list[str] = []
    for theme in service.get("thematiques") or ():
        category = THEMATIQUE_CATEGORIES.get(theme)
        if category and category not in categories:
            categories.append(category)
    for category in categories_in_name(f"{service['nom']} {structure.get('nom', '')}"):
        if category not in categories:
            categories.append(category)
    if not categories:
        return None, ("thematiques", "none of the guide's categories (food, shelter, care…)")
    lat, lon = _first("latitude", service, structure), _first("longitude", service, structure)
    if lat is None or lon is None:
        return None, ("latitude", "no point: neither the service nor its structure has one")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, ("latitude", "the point is outside the Earth's coordinates")
    hours = _first("horaires_accueil", service, structure) or ""
    if hours and check_hours is not None:
        problem = check_hours(hours)
        if problem:
            return None, ("horaires_accueil", problem)
    audiences = tuple(
        dict.fromkeys(
            PUBLIC_AUDIENCES[public]
            for public in service.get("publics") or ()
            if public in PUBLIC_AUDIENCES
        )
    )
    frais = service.get("frais")
    record = PlaceRecord(
        source=service["source"],
        source_id=service["id"],
        name=service["nom"].strip(),
        categories=tuple(categories),
        lat=float(lat),
        lon=float(lon),
        checked_on=date.fromisoformat(service["date_maj"]),
        address=_first("adresse", service, structure) or "",
        postcode=_first("code_postal", service, structure) or "",
        town=_first("commune", service, structure) or "",
        description=service.get("description") or "",
        opening_hours=hours,
        audiences=audiences,
        conditions=service.get("conditions_acces") or "",
        phone=_first("telephone", service, structure) or "",
        email=_first("courriel", service, structure) or "",
        website=_first("site_web", structure) or service.get("lien_source") or "",
        free=None if frais in (None, []) else frais == "gratuit" or frais == ["gratuit"],
    )
    return record, None
