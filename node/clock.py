"""A node's notion of "now": the real time, which tests move forward for one node (expiry, code
lifetimes, retries) without touching the others running in the same process.

Each node owns a :class:`Clock` (``node.clock``, held by its database context). Activating the
node's database (``node.db.activate()``) activates its clock too, through a context variable
like Tortoise's own context: :func:`now` reads the clock of the node whose code is running, and
the real time outside any node (migrations, scripts, the test code between requests).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta


class Clock:
    """One node's time: the real time plus an offset that only tests set."""

    def __init__(self) -> None:
        self._offset = timedelta(0)

    def now(self) -> datetime:
        """The current time of this node, timezone-aware UTC."""
        return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> None:
        """Move this node's time forward (tests only)."""
        self._offset += delta

    @contextmanager
    def activate(self) -> Iterator[None]:
        """Make this the clock :func:`now` reads for the code inside (and the tasks it starts)."""
        token = _active.set(self)
        try:
            yield
        finally:
            _active.reset(token)


_active: ContextVar[Clock | None] = ContextVar("entraide_clock", default=None)


def now() -> datetime:
    """The current time of the running node (see :class:`Clock`), timezone-aware UTC; the real
    time outside a node."""
    clock = _active.get()
    return clock.now() if clock is not None else datetime.now(UTC)
