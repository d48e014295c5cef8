"""The node's notion of "now", which tests can move forward (expiry, code lifetimes, retries)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_offset = timedelta(0)


def now() -> datetime:
    """The current time, timezone-aware UTC, shifted by :func:`advance` in tests."""
    return datetime.now(UTC) + _offset


def advance(delta: timedelta) -> None:
    """Move the clock forward (tests only)."""
    global _offset
    _offset += delta


def reset() -> None:
    global _offset
    _offset = timedelta(0)
