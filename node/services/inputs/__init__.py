"""Typed inputs: what the API and the web pages parse requests into before calling a service, so
that both refuse the same things with the same messages (lengths, control characters, NaN,
dates, coordinates). The API validates its JSON bodies against these models (quart-schema); the
pages decode their form fields (text, checkboxes, local times) and call :func:`parse`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from node.errors import InvalidInput, invalid_input

M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Mapping[str, Any]) -> M:
    """``data`` as a ``model``; :class:`InvalidInput` (a 422 naming each field) otherwise."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid_input(exc) from None


__all__ = ["InvalidInput", "parse"]
