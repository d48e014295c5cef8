"""Share Werkzeug's compiled URL builders between the many apps a test session creates.

Each Quart app compiles two URL-building functions per route (``Rule._compile_builder``: it
builds a Python AST and calls ``compile``), about 1.5 ms a route; with some 280 routes that is
most of the cost of creating a node, and the suite creates thousands of nodes. The generated
function depends only on the rule's parsed trace when the rule has no defaults (the converters
are looked up on the bound rule at call time), so rules with the same trace can share it.
Only tests install this; a served node builds its single app the usual way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing.rules import Rule

_Builder = Callable[..., tuple[str, str]]


def share_builders() -> None:
    original = Rule._compile_builder
    if getattr(original, "shared", False):
        return
    compiled: dict[tuple[Any, ...], _Builder] = {}

    def compile_builder(self: Rule, append_unknown: bool = True) -> _Builder:
        if self.defaults:  # defaults are folded into the code: not shareable
            return original(self, append_unknown)
        key = (tuple(self._trace), append_unknown)
        builder = compiled.get(key)
        if builder is None:
            builder = compiled[key] = original(self, append_unknown)
        return builder

    compile_builder.shared = True  # type: ignore[attr-defined]
    Rule._compile_builder = compile_builder  # type: ignore[method-assign]
