"""Response headers of the web pages: Content-Security-Policy and friends, and gzip.

Pages load nothing from outside but the map tiles (``settings.map_tile_url``), so the policy
allows ``'self'`` only, plus the tile host for images. There is no inline script or style.
"""

from __future__ import annotations

import gzip
from urllib.parse import urlsplit

from quart import Response, request

from node.settings import Settings

COMPRESSIBLE = frozenset(
    {"text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml"}
)
MIN_COMPRESS = 1024
_static_cache: dict[tuple[str, str], bytes] = {}


def content_security_policy(settings: Settings) -> str:
    tiles = urlsplit(settings.map_tile_url)
    image_sources = ["'self'", "data:"]
    if tiles.scheme and tiles.netloc:
        image_sources.append(f"{tiles.scheme}://{tiles.netloc}")
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {' '.join(image_sources)}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(response: Response, csp: str) -> None:
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = csp
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault("Cache-Control", "no-store")
    response.headers["X-Content-Type-Options"] = "nosniff"


async def compress(response: Response, static: bool) -> Response:
    """Gzip text bodies for clients that accept it (static files are compressed once)."""
    if (
        response.status_code != 200
        or response.mimetype not in COMPRESSIBLE
        or "Content-Encoding" in response.headers
        or "gzip" not in request.headers.get("Accept-Encoding", "").lower()
    ):
        return response
    key = (request.path, str(response.headers.get("ETag", "")))
    body = _static_cache.get(key) if static else None
    if body is None:
        data = await response.get_data(as_text=False)
        if len(data) < MIN_COMPRESS:
            return response
        body = gzip.compress(data, compresslevel=6)
        if static:
            _static_cache[key] = body
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    return response
