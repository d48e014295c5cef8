"""RFC 9457 problem details: every API error is ``application/problem+json``.

Services raise :class:`Problem` subclasses (no HTTP objects below the routes); the app turns them,
and Quart's and quart-schema's own errors, into one JSON shape with field-level details::

    {"type": "about:blank", "title": "Unprocessable Content", "status": 422,
     "detail": "…", "errors": [{"field": "phone", "message": "…"}]}
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """An error a client can act on; ``status`` is the HTTP status it maps to."""

    status = 400
    type = "about:blank"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        if status is not None:
            self.status = status
        self.headers = headers or {}

    @classmethod
    def field(cls, field: str, message: str) -> Problem:
        """A problem about one input field."""
        return cls(message, errors=[{"field": field, "message": message}])

    def body(self) -> dict[str, Any]:
        return problem_body(self.status, self.detail, self.errors, self.type)


class BadRequest(Problem):
    status = 400


class Unauthorized(Problem):
    status = 401


class Forbidden(Problem):
    status = 403


class NotFound(Problem):
    status = 404


class Conflict(Problem):
    status = 409


class PayloadTooLarge(Problem):
    status = 413


class Unprocessable(Problem):
    status = 422


class TooManyRequests(Problem):
    status = 429


class InvalidInput(Unprocessable):
    """Input that does not parse into its typed form (``node.services.inputs``): one message per
    field, and each field's kind of error (pydantic's ``type``: ``missing``, ``enum``,
    ``text_length``…) for front ends that word some messages themselves."""

    def __init__(self, errors: list[dict[str, str]], kinds: dict[str, str]) -> None:
        super().__init__("Some values are not valid.", errors=errors)
        self.kinds = kinds


def problem_body(
    status: int, detail: str, errors: list[dict[str, str]] | None = None, type_: str = "about:blank"
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": type_,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


def _field(error: dict[str, Any]) -> str:
    return ".".join(str(part) for part in error.get("loc", ()) if part != "body") or "body"


def pydantic_errors(exc: Any) -> list[dict[str, str]]:
    """Field-level details from a pydantic ``ValidationError``."""
    return [
        {"field": _field(error), "message": str(error.get("msg", "invalid"))}
        for error in exc.errors()
    ]


def invalid_input(exc: Any) -> InvalidInput:
    """The :class:`InvalidInput` of a pydantic ``ValidationError``."""
    kinds: dict[str, str] = {}
    for error in exc.errors():
        kinds.setdefault(_field(error), str(error.get("type", "")))
    return InvalidInput(pydantic_errors(exc), kinds)
