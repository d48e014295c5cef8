"""JSON from the network is parsed within bounds: depth before parsing, members after."""

from __future__ import annotations

import json

import pytest

from federation import jsonbounds
from federation.errors import ParseError
from federation.jsonbounds import JsonTooComplex, nesting_depth


def test_depth_ignores_brackets_inside_strings() -> None:
    assert nesting_depth(b'{"a": [1, {"b": "[[[{{{\\"]]]"}]}') == 3
    assert nesting_depth(b'"just a string"') == 0


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 20_000 + b"]" * 20_000,
        b'{"a":' * 65 + b"1" + b"}" * 65,
        json.dumps({f"k{i}": i for i in range(2_001)}).encode(),
        json.dumps(list(range(2_001))).encode(),
        json.dumps([list(range(1_000)) for _ in range(60)]).encode(),
    ],
    ids=["deep-arrays", "deep-objects", "many-keys", "many-items", "many-values"],
)
def test_documents_beyond_the_bounds_are_refused(raw: bytes) -> None:
    with pytest.raises(JsonTooComplex):
        jsonbounds.loads(raw)


def test_a_real_activity_is_well_within_bounds() -> None:
    note = {
        "@context": ["https://www.w3.org/ns/activitystreams", {"sensitive": "as:sensitive"}],
        "type": "Create",
        "object": {
            "tag": [{"type": "Mention", "href": f"https://m.example/u/{i}"} for i in range(50)]
        },
    }
    assert jsonbounds.loads(json.dumps(note)) == note


def test_not_json_is_a_parse_error() -> None:
    for raw in (b"\xff{", b'{"a":', b""):
        with pytest.raises(ParseError):
            jsonbounds.loads(raw)
