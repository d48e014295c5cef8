"""Offline JSON-LD: the shipped contexts and a document loader that never touches the network.

Fetching ``@context`` URLs at runtime would make every inbound activity an outbound request
(and a way to make us hang on a slow host); we serve known contexts from package data and refuse
the rest. Unknown contexts are not an error for the tolerant parser, which reads JSON as JSON;
only JSON-LD processing (expansion, compaction) needs them.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

from pyld import jsonld

from federation.errors import ParseError
from federation.vocab import DEFAULT_CONTEXT, ENTRAIDE_CONTEXT


@cache
def _index() -> dict[str, str]:
    root = resources.files("federation.contexts")
    data: dict[str, str] = json.loads(root.joinpath("index.json").read_text("utf-8"))
    data.pop("_comment", None)
    return data


@cache
def _load(filename: str) -> dict[str, Any]:
    root = resources.files("federation.contexts")
    doc: dict[str, Any] = json.loads(root.joinpath(filename).read_text("utf-8"))
    return doc


def known_contexts() -> list[str]:
    return sorted(_index())


# Every Entraide node serves the project context at this path of its own origin
# (``{base_url}/contexts/entraide/v1``), with the same content as the shipped file.
NODE_CONTEXT_PATH = "/contexts/entraide/v1"


def get_context(url: str) -> dict[str, Any]:
    """The shipped context document for ``url``; raises :class:`ParseError` if unknown. An
    Entraide node's own context URL (:data:`NODE_CONTEXT_PATH`) is the shipped Entraide one."""
    filename = _index().get(url.rstrip("#")) or _index().get(url)
    node_context = url.startswith(("https://", "http://")) and url.endswith(NODE_CONTEXT_PATH)
    if filename is None and node_context:
        filename = _index()[ENTRAIDE_CONTEXT]
    if filename is None:
        raise ParseError(f"context {url!r} is not shipped with federation (no network loading)")
    return copy.deepcopy(_load(filename))


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld ``documentLoader`` serving shipped contexts only."""
    try:
        document = get_context(url)
    except ParseError as exc:
        raise jsonld.JsonLdError(
            str(exc), "jsonld.LoadDocumentError", code="loading document failed"
        ) from exc
    return {"contextUrl": None, "documentUrl": url, "document": document}


def expand(document: dict[str, Any]) -> list[dict[str, Any]]:
    """JSON-LD expansion with the offline loader."""
    result: list[dict[str, Any]] = jsonld.expand(document, {"documentLoader": document_loader})
    return result


def compact(
    document: dict[str, Any] | list[dict[str, Any]], context: list[str] | str | None = None
) -> dict[str, Any]:
    ctx = context if context is not None else DEFAULT_CONTEXT
    result: dict[str, Any] = jsonld.compact(document, ctx, {"documentLoader": document_loader})
    return result
