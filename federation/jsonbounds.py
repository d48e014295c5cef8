"""JSON from the network, parsed within bounds.

A body that nests 20,000 arrays deep makes ``json.loads`` raise ``RecursionError`` (and costs a
deep C stack on the way); one with a million tiny keys costs memory and time in every later
walk. Real activities are shallow and small — a Mastodon ``Create`` of a ``Note`` with
attachments, tags and a poll nests about 6 levels and has a few hundred values — so the bounds
below are far above anything a server sends and far below anything that hurts.

The nesting depth is measured on the raw text *before* parsing (strings removed first, so
brackets inside them do not count); keys per object and items per array are counted right
after, with an iterative walk (no recursion either).
"""

from __future__ import annotations

import json
import re
from typing import Any

from federation.errors import ParseError

MAX_DEPTH = 64
MAX_MEMBERS = 2_000  # keys of one object, items of one array
MAX_VALUES = 50_000  # every value of the document together

# A JSON string literal: quote, then non-quote-non-backslash runs or escapes, then quote.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


class JsonTooComplex(ParseError):
    """The document is nested too deeply or has too many members (answer 400)."""


def nesting_depth(raw: bytes) -> int:
    """The deepest nesting of arrays/objects in ``raw`` (JSON text), strings ignored."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRING.sub(b'""', raw)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def check_bounds(
    value: Any, *, max_members: int = MAX_MEMBERS, max_values: int = MAX_VALUES
) -> None:
    """Raise :class:`JsonTooComplex` when a parsed document has an object or array with more
    than ``max_members`` members, or more than ``max_values`` values in all."""
    stack = [value]
    seen = 0
    while stack:
        current = stack.pop()
        seen += 1
        if seen > max_values:
            raise JsonTooComplex(f"more than {max_values} values")
        if isinstance(current, dict):
            if len(current) > max_members:
                raise JsonTooComplex(f"an object with more than {max_members} keys")
            stack.extend(current.values())
        elif isinstance(current, list):
            if len(current) > max_members:
                raise JsonTooComplex(f"an array with more than {max_members} items")
            stack.extend(current)


def loads(
    raw: bytes | str,
    *,
    max_depth: int = MAX_DEPTH,
    max_members: int = MAX_MEMBERS,
    max_values: int = MAX_VALUES,
) -> Any:
    """``json.loads`` within bounds: :class:`JsonTooComplex` for a document beyond them,
    ``ParseError`` for one that is not JSON (or not UTF-8)."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if nesting_depth(data) > max_depth:
        raise JsonTooComplex(f"nested deeper than {max_depth} levels")
    try:
        value = json.loads(data)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise ParseError(f"not JSON: {exc}") from exc
    check_bounds(value, max_members=max_members, max_values=max_values)
    return value
