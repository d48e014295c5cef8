"""Shared request types of the JSON API: the typed inputs of the services
(:mod:`node.services.inputs.types`), shared with the web pages, and the API's own markers."""

from __future__ import annotations

from node.services.inputs.types import (
    EARLIEST,
    LATEST,
    MAX_INT,
    MULTI_LINE,
    ONE_LINE,
    Day,
    Lat,
    Lon,
    Moment,
    NoControls,
    Phone,
    Pseudonym,
    QueryLat,
    QueryLon,
    Strict,
    Text,
)

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
"""``@security_scheme(BEARER)``: the route takes ``Authorization: Bearer <token>``."""

__all__ = [
    "BEARER",
    "EARLIEST",
    "LATEST",
    "MAX_INT",
    "MULTI_LINE",
    "ONE_LINE",
    "Day",
    "Lat",
    "Lon",
    "Moment",
    "NoControls",
    "Phone",
    "Pseudonym",
    "QueryLat",
    "QueryLon",
    "Strict",
    "Text",
]
