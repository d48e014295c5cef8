"""Fixed-window rate limits counted in the database, so every worker process shares them.

One statement both creates and increments a window's counter
(``INSERT … ON CONFLICT … DO UPDATE … RETURNING``, SQLite ≥ 3.35 and PostgreSQL), so concurrent
requests in several processes never lose an increment.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from node import clock
from node.errors import TooManyRequests
from node.models import RateCounter

WINDOW = timedelta(minutes=1)
# Counters of windows older than this are deleted when a new window opens (the longest window
# in use is a day).
KEEP = timedelta(days=2)


def window_start(now: datetime, window: timedelta = WINDOW) -> datetime:
    seconds = int(window.total_seconds())
    return datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=now.tzinfo)


def retry_after(start: datetime, window: timedelta = WINDOW) -> str:
    """Seconds until the window that started at ``start`` ends, for a ``Retry-After`` header."""
    return str(max(1, math.ceil((start + window - clock.now()).total_seconds())))


async def hit(key: str, window: timedelta = WINDOW) -> tuple[int, datetime]:
    """Count one request under ``key`` in the current window; returns (count, window start)."""
    now = clock.now()
    start = window_start(now, window)
    field = RateCounter._meta.fields_map["window_start"]
    start_db = field.to_db_value(start, RateCounter)
    connection = RateCounter._meta.db
    postgres = connection.capabilities.dialect == "postgres"
    placeholders = "$1, $2" if postgres else "?, ?"
    sql = (
        'INSERT INTO "rate_counter" ("key", "window_start", "count") '
        f"VALUES ({placeholders}, 1) "
        'ON CONFLICT ("key", "window_start") '
        'DO UPDATE SET "count" = "rate_counter"."count" + 1 '
        'RETURNING "count"'
    )
    rows = await connection.execute_query_dict(sql, [key, start_db])
    count = int(rows[0]["count"])
    if count == 1:
        await RateCounter.filter(window_start__lt=now - KEEP).delete()
    return count, start


async def peek(key: str, window: timedelta = WINDOW) -> tuple[int, datetime]:
    """The count under ``key`` in the current window, without counting; (count, window start)."""
    start = window_start(clock.now(), window)
    row = await RateCounter.get_or_none(key=key, window_start=start)
    return (row.count if row is not None else 0), start


async def check(key: str, limit: int) -> None:
    """Count a request; :class:`TooManyRequests` with ``Retry-After`` once ``limit`` is passed."""
    count, start = await hit(key)
    if count > limit:
        raise TooManyRequests(
            "Too many requests; try again later.",
            headers={"Retry-After": retry_after(start)},
        )
