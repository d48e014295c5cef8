"""JSON from the network, parsed within bounds.

A body that nests 20,000 arrays deep makes ``json.loads`` raise ``RecursionError``; one with a
million tiny keys costs memory and time in every later walk. Real activities are shallow and
small — a Mastodon ``Create`` of a ``Note`` with attachments, tags and a poll nests about 6
levels and has a few hundred values — so the bounds below are far above anything a server sends
and far below anything that hurts.

CPython's JSON scanner counts its own recursion against the interpreter's limit (about 1,000
levels) and raises ``RecursionError`` there, before the stack is at risk: that is turned into
:class:`JsonTooComplex`. The parsed document is then walked once, iteratively (no recursion),
for the depth, the members of each object/array and the values in all. (A regex pre-scan of the
raw text for the depth cost 5-14 times the parse itself; this costs a fraction of it.)
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


class JsonTooLarge(JsonTooComplex):
    """The document has more members or values than the bounds: well-formed, only too big to
    process, which an HTTP server may answer 413 (RFC 9110, section 15.5.14)."""


def nesting_depth(raw: bytes) -> int:
    """The deepest nesting of arrays/objects in ``raw`` (JSON text), strings ignored (a slow
    scan of the text, for tools and tests; :func:`loads` measures the parsed value)."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRING.sub(b'""', raw)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def check_bounds(
    value: Any,
    *,
    max_depth: int = MAX_DEPTH,
    max_members: int = MAX_MEMBERS,
    max_values: int = MAX_VALUES,
) -> None:
    """Raise :class:`JsonTooComplex` when a parsed document nests deeper than ``max_depth``,
    has an object or array with more than ``max_members`` members, or more than
    ``max_values`` values in all."""
    if type(value) is not dict and type(value) is not list:
        return
    stack: list[tuple[Any, int]] = [(value, 1)]
    seen = 0
    while stack:
        current, depth = stack.pop()
        seen += 1
        if seen > max_values:
            raise JsonTooLarge(f"more than {max_values} values")
        # Only containers are on the stack; scalars are counted where they are met.
        children: Any = current.values() if type(current) is dict else current
        if depth > max_depth:
            raise JsonTooComplex(f"nested deeper than {max_depth} levels")
        if len(children) > max_members:
            raise JsonTooLarge(f"an object or array with more than {max_members} members")
        for child in children:
            if type(child) is dict or type(child) is list:
                stack.append((child, depth + 1))
            else:
                seen += 1


def loads(
    raw: bytes | str,
    *,
    max_depth: int = MAX_DEPTH,
    max_members: int = MAX_MEMBERS,
    max_values: int = MAX_VALUES,
) -> Any:
    """``json.loads`` within bounds: :class:`JsonTooComplex` for a document beyond them,
    ``ParseError`` for one that is not JSON (or not UTF-8)."""
    try:
        value = json.loads(raw)
    except RecursionError as exc:
        raise JsonTooComplex("nested too deeply to parse") from exc
    except ValueError as exc:  # UnicodeDecodeError is a ValueError
        raise ParseError(f"not JSON: {exc}") from exc
    check_bounds(value, max_depth=max_depth, max_members=max_members, max_values=max_values)
    return value
