"""This node's JSON-LD context: served by the node itself and named by every document it sends.

A context nobody can fetch makes JSON-LD processors drop every term it defines (an Entraide
``Proposal`` read by such a processor loses ``purpose``, ``publishes``, ``actionKind`` … and its
type). So the Entraide context is served at ``{base_url}/contexts/entraide/v1`` with the JSON-LD
media type, long-lived caching and CORS (JSON-LD playgrounds fetch from browsers), and documents
name that URL instead of the project namespace's ``https://w3id.org/entraide/v1`` (which no
server answers). The terms keep their IRIs under ``https://w3id.org/entraide/ns#``: every node
serves the same context, so the same term means the same thing everywhere.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from federation.context import NODE_CONTEXT_PATH, get_context
from federation.vocab import DEFAULT_CONTEXT, ENTRAIDE_CONTEXT
from node.settings import Settings

CONTEXT_PATH = NODE_CONTEXT_PATH
CONTEXT_MEDIA_TYPE = "application/ld+json"
CONTEXT_MAX_AGE = 86_400  # one day: the context changes only with a new version of Entraide


def context_iri(s: Settings) -> str:
    return s.base_url + CONTEXT_PATH


def node_context(s: Settings) -> list[str]:
    """The ``@context`` of every document this node sends or serves."""
    return [context_iri(s) if c == ENTRAIDE_CONTEXT else c for c in DEFAULT_CONTEXT]


def localize(document: dict[str, Any], s: Settings) -> dict[str, Any]:
    """``document`` with the project context URL replaced by this node's, at the top and in an
    embedded ``object`` (a copy; the rest is shared)."""
    out = dict(document)
    if "@context" in out:
        out["@context"] = _replace(out["@context"], s)
    inner = out.get("object")
    if isinstance(inner, dict) and "@context" in inner:
        out["object"] = {**inner, "@context": _replace(inner["@context"], s)}
    return out


def _replace(context: Any, s: Settings) -> Any:
    if context == ENTRAIDE_CONTEXT:
        return context_iri(s)
    if isinstance(context, list):
        return [context_iri(s) if c == ENTRAIDE_CONTEXT else c for c in context]
    return context


@cache
def context_body() -> tuple[bytes, str]:
    """The context document and its ETag (computed once per process)."""
    body = json.dumps(get_context(ENTRAIDE_CONTEXT), ensure_ascii=False, indent=1).encode()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
