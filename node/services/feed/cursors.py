"""Keyset cursors of the feed: the base64 of the last row's sort key (``created_at``, id) or
(squared chord, id). A cursor that does not decode is a 400."""

from __future__ import annotations

import base64
import binascii
import json
import math
import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from node.errors import BadRequest

Order = Literal["recent", "distance"]
# A cursor's time is a row's created_at: anything far outside is forged (and would overflow
# the time arithmetic of the page's slices).
_OLDEST = datetime(1970, 1, 1, tzinfo=UTC)
_NEWEST = datetime(9000, 1, 1, tzinfo=UTC)


def encode_cursor(payload: dict[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, order: Order) -> tuple[Any, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
        if not isinstance(payload, dict) or payload.get("o") != order:
            raise ValueError("cursor of another order")
        if not isinstance(payload.get("i"), str):
            raise ValueError("id is not a string")
        ident = uuid.UUID(payload["i"])
        if order == "recent":
            if not isinstance(payload.get("k"), str):
                raise ValueError("time is not a string")
            key: Any = datetime.fromisoformat(payload["k"])
            if key.tzinfo is None:
                raise ValueError("naive time")
            key = key.astimezone(UTC)  # 0001-01-01T00:00:00+23:59 has no UTC time: Overflow
            if not _OLDEST <= key <= _NEWEST:  # the feed reads back from it in time slices
                raise ValueError("time out of range")
        else:
            key = float(payload["k"])
            if not math.isfinite(key) or key < 0:
                raise ValueError("bad distance")
    except (
        ValueError,
        TypeError,
        KeyError,
        OverflowError,
        binascii.Error,
        UnicodeDecodeError,
    ) as exc:
        raise BadRequest("The cursor is not valid; start again without it.") from exc
    return key, ident
