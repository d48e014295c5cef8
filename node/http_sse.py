"""Server-Sent Events responses for the API and the web pages (Quart streams the body)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from quart import Response


def event_stream(body: AsyncIterator[bytes]) -> Response:
    """A streamed ``text/event-stream`` response that no proxy buffers or caches: nginx reads
    ``X-Accel-Buffering: no`` (and the recipe sets ``proxy_buffering off`` for these paths)."""
    response = Response(
        body,
        content_type="text/event-stream; charset=utf-8",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
    response.timeout = None  # open as long as the client stays
    return response
