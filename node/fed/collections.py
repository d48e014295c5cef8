"""ActivityStreams collections: paged outboxes (OrderedCollection / OrderedCollectionPage)."""

from __future__ import annotations

from typing import Any

from federation.vocab import DEFAULT_CONTEXT
from node.models import OutboxActivity

PAGE_SIZE = 20


def collection_response(
    collection_iri: str, total: int, first: str | None = None
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": list(DEFAULT_CONTEXT),
        "id": collection_iri,
        "type": "OrderedCollection",
        "totalItems": total,
    }
    if first:
        doc["first"] = first
    return doc


async def outbox_page(
    collection_iri: str, actor_iri: str, page: int | None, *, actor_prefix: str | None = None
) -> dict[str, Any]:
    """The outbox, newest first: the collection (with ``first``) or page ``page`` (1-based).
    With ``actor_prefix``, the public activities of every actor whose IRI starts with it."""
    if actor_prefix is not None:
        query = OutboxActivity.filter(actor_iri__startswith=actor_prefix, public=True)
    else:
        query = OutboxActivity.filter(actor_iri=actor_iri, public=True)
    total = await query.count()
    if not page or page < 1:
        return collection_response(collection_iri, total, f"{collection_iri}?page=1")
    rows = await query.order_by("-id").offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    items = [{k: v for k, v in row.body.items() if k != "@context"} for row in rows]
    doc: dict[str, Any] = {
        "@context": list(DEFAULT_CONTEXT),
        "id": f"{collection_iri}?page={page}",
        "type": "OrderedCollectionPage",
        "partOf": collection_iri,
        "totalItems": total,
        "orderedItems": items,
    }
    if page * PAGE_SIZE < total:
        doc["next"] = f"{collection_iri}?page={page + 1}"
    if page > 1:
        doc["prev"] = f"{collection_iri}?page={page - 1}"
    return doc
