"""A bare Quart route returning a JSON body of a given size: the ceiling for the feed route."""

from __future__ import annotations

import os

from quart import Quart, Response

app = Quart(__name__)
_BODY = os.environ.get("BENCH_BARE_BODY", "{}").encode()


@app.get("/bare")
async def bare() -> Response:
    return Response(_BODY, content_type="application/json")
