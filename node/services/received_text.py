"""Text received from other servers (a join's message, a chat line), already reduced to plain
text by federation: kept without control characters (PostgreSQL refuses NUL in ``text``; the
others only disturb the pages) and cut at the node's own limit rather than refused, since the
sender's limits are not ours."""

from __future__ import annotations

import re

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but tab and line feed


def received_text(value: str, limit: int) -> str:
    return _CONTROLS.sub("", value).strip()[:limit]
