"""The nearby feed: visible actions within a radius, newest first or nearest first.

It is served from indexes, never a table scan (see docs in :func:`nearby`):

* the disc is covered by H3 cells (``geo.covering_cells``) at resolution 9, 7 or 5 (the
  finest that needs at most ~200 cells), queried with ``cell IN (…)`` on the
  ``(cell, status, created_at)`` indexes;
* ``order=recent`` reads time slices going back from the cursor (or now): one query per slice,
  ``lower < created_at ≤ upper`` seeks each cell's index range, widening ×4 until a page is
  full. A per-area hint remembers how far back the last page reached, so a steady feed costs one
  query reading about ``limit`` × (covering area / disc area) rows, whatever the table holds;
* ``order=distance`` searches growing discs (0.25 km, doubling, up to the radius) and stops at the
  first one that holds a full page: its cost is the number of rows in that disc, bounded for
  evenly spread data but growing with density inside the first disc (the documented limit);
* the exact great-circle filter runs in SQL as a squared chord of unit vectors (arithmetic only,
  so it is the same on SQLite and PostgreSQL), distances shown are computed from public points.

Pagination is keyset: the cursor is the base64 of the last row's sort key (``created_at``, id) or
(squared chord, id). A cursor that does not decode is a 400.
"""

from node.caches import CachedFeed, FeedCache
from node.services.feed.cursors import Order
from node.services.feed.items import FeedAction, FeedItem, FeedPage
from node.services.feed.query import (
    DEFAULT_LIMIT,
    DEFAULT_RADIUS_KM,
    FIRST_RING_KM,
    MAX_LIMIT,
    MAX_RADIUS_KM,
    recent_resolution,
    ring_resolution,
)
from node.services.feed.search import explain, nearby

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_RADIUS_KM",
    "FIRST_RING_KM",
    "MAX_LIMIT",
    "MAX_RADIUS_KM",
    "CachedFeed",
    "FeedAction",
    "FeedCache",
    "FeedItem",
    "FeedPage",
    "Order",
    "explain",
    "nearby",
    "recent_resolution",
    "ring_resolution",
]
