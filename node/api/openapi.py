"""What the OpenAPI document says beyond quart-schema's defaults, so that it is honest:

* every API operation may answer an RFC 9457 problem (``4XX``, ``application/problem+json``);
* ``<int:…>`` path ids fit the database's integer columns (larger ones are a 404, not a 500);
* ``<uuid:…>`` path ids are UUIDs.
"""

from __future__ import annotations

from typing import Any

from quart_schema import OpenAPIProvider
from werkzeug.routing import Map, Rule
from werkzeug.routing.converters import BaseConverter, IntegerConverter, UUIDConverter

from node.api.types import MAX_INT
from node.errors import PROBLEM_JSON

API_PREFIX = "/api/v1/"

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                "required": ["field", "message"],
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
}


class DatabaseIntConverter(IntegerConverter):
    """``<int:…>``: an unsigned integer no larger than the database's ``integer`` columns."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)


class EntraideOpenAPIProvider(OpenAPIProvider):
    def build_path_parameter(self, name: str, converter: BaseConverter) -> dict[str, Any]:
        parameter = super().build_path_parameter(name, converter)
        if isinstance(converter, IntegerConverter):
            bounds = {"minimum": converter.min or 0, "maximum": converter.max}
            parameter["schema"].update({k: v for k, v in bounds.items() if v is not None})
        elif isinstance(converter, UUIDConverter):
            parameter["schema"]["format"] = "uuid"
        return parameter

    def build_paths(self, rule: Rule) -> tuple[dict[str, Any], dict[str, Any]]:
        paths, components = super().build_paths(rule)
        if rule.rule.startswith(API_PREFIX):
            for operations in paths.values():
                for operation in operations.values():
                    documented = {str(status): r for status, r in operation["responses"].items()}
                    operation["responses"] = {
                        **documented,
                        "4XX": {
                            "description": "A problem: the detail says what, errors which fields",
                            "content": {
                                PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}
                            },
                        },
                    }
            components["Problem"] = PROBLEM_SCHEMA
        return paths, components
