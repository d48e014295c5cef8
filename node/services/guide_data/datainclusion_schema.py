"""The data·inclusion schema v1 as published (``schema/structure.json`` and
``schema/service.json``, shipped unchanged): validation of a row, the fields of each kind, and
the schema's themes and audiences that mean one of the guide's categories and audiences."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

SCHEMA_DIR = Path(__file__).parent / "schema"

# data·inclusion themes → the guide's categories (only those that mean one).
THEMATIQUE_CATEGORIES = {
    "equipement-et-alimentation--alimentation": "food",
    "logement-hebergement--rechercher-une-solution-dhebergement-temporaire": "shelter",
    "sante--acces-aux-soins": "health",
    "sante--addictions": "health",
    "sante--sante-mentale": "health",
    "sante--sante-sexuelle": "health",
}
CATEGORY_THEMATIQUES = {
    "food": "equipement-et-alimentation--alimentation",
    "shelter": "logement-hebergement--rechercher-une-solution-dhebergement-temporaire",
    "health": "sante--acces-aux-soins",
    "dental": "sante--acces-aux-soins",
}
PUBLIC_AUDIENCES = {
    "tous-publics": "unconditional",
    "femmes": "women",
    "familles": "families",
    "jeunes": "under_25",
    "personnes-exilees": "exiles",
    "personnes-en-situation-de-handicap": "disabled",
}
AUDIENCE_PUBLICS = {audience: public for public, audience in PUBLIC_AUDIENCES.items()}


@cache
def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMA_DIR / f"{name}.json").read_text("utf-8"))
    return loaded


@cache
def _validator(name: str) -> Any:
    return jsonschema_rs.validator_for(schema(name), validate_formats=True)


def schema_errors(kind: str, row: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, message) for each way ``row`` breaks the ``kind`` ("structure" or "service")
    schema; empty when it is valid."""
    errors = []
    for error in _validator(kind).iter_errors(row):
        path = [str(part) for part in error.instance_path]
        field = path[0] if path else _missing_field(error.message)
        errors.append((field, _plain(error.message)))
    return errors


def _missing_field(message: str) -> str:
    # "'nom' is a required property"
    if message.startswith('"') or message.startswith("'"):
        return message[1:].split(message[0], 1)[0]
    return ""


def _plain(message: str) -> str:
    if "under any of the schemas listed in the 'anyOf'" in message:
        return "invalid value"
    return message[:200]


def list_fields(kind: str) -> set[str]:
    found = set()
    for name, spec in schema(kind)["properties"].items():
        options = spec.get("anyOf", [spec])
        if any(option.get("type") == "array" for option in options):
            found.add(name)
    return found


def number_fields(kind: str) -> dict[str, str]:
    found = {}
    for name, spec in schema(kind)["properties"].items():
        for option in spec.get("anyOf", [spec]):
            if option.get("type") in ("number", "integer"):
                found[name] = option["type"]
    return found


def fields(kind: str) -> list[str]:
    """The ``kind``'s fields in the schema's order (a CSV file's header)."""
    return list(schema(kind)["properties"])
