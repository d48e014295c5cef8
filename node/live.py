"""What changed, for the live pages: one poller per process watches the database and wakes the
open streams that care.

A node may run several worker processes, so an in-memory bus would miss what another process
wrote. The rows are the truth: each process polls a few indexed maxima (new notification,
message and participation rows) every ``interval`` seconds (0.25) — one query per table per tick
whatever the number of open streams — and wakes only the streams of the members and actions
concerned. The poller runs while at least one stream is open.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from tortoise.queryset import QuerySet

from node.models import Message, Notification, Participation

log = logging.getLogger("entraide.live")
T = TypeVar("T")


@dataclass(eq=False)
class Listener:
    """One open stream: a member, maybe one action's page."""

    member_id: UUID
    action_id: UUID | None
    changes: set[str] = field(default_factory=set)  # "unread", "messages", "participants"
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait(self, quiet: float) -> set[str]:
        """The changes since the last call (empty after ``quiet`` seconds without any)."""
        # ``asyncio.timeout``, not ``wait_for``: on Python 3.11 ``wait_for`` returns the result
        # when the stream is cancelled (the client left) in the same turn as a wake-up, and the
        # cancellation is lost (python/cpython#86296, fixed in 3.12): the stream then never
        # ends, since a server ignores what is sent after the disconnect.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(quiet):
                await self.wake.wait()
        self.wake.clear()
        changes, self.changes = self.changes, set()
        return changes


@dataclass(eq=False)
class LiveHub:
    interval: float = 0.25
    _listeners: set[Listener] = field(default_factory=set)
    _task: asyncio.Task[None] | None = None
    _marks: tuple[int, int, datetime | None] | None = None
    # Queries shared by the streams one tick wakes (the same chat page open 1,000 times needs
    # its new messages read once); cleared at every tick.
    _shared: dict[Hashable, asyncio.Future[Any]] = field(default_factory=dict)

    def open(self, member_id: UUID, action_id: UUID | None) -> Listener:
        listener = Listener(member_id, action_id)
        self._listeners.add(listener)
        if self._task is None or self._task.done():
            # Started from the request's task: it inherits its database context.
            self._task = asyncio.create_task(self._run(), name="entraide-live")
        return listener

    def close(self, listener: Listener) -> None:
        self._listeners.discard(listener)

    async def shared(self, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        """``load()``'s result, run once for every stream that asks with the same ``key``
        until the next tick."""
        future = self._shared.get(key)
        if future is None:
            future = asyncio.ensure_future(load())
            self._shared[key] = future
        result: T = await asyncio.shield(future)
        return result

    @property
    def open_streams(self) -> int:
        return len(self._listeners)

    async def _run(self) -> None:
        try:
            while self._listeners:
                try:
                    await self.tick()
                except asyncio.CancelledError:
                    raise
                except Exception:  # a failed poll (database restarting): try again next tick
                    log.exception("live poll failed")
                await asyncio.sleep(self.interval)
        finally:
            self._marks = None

    async def _current(self) -> tuple[int, int, datetime | None]:
        notification = await Notification.all().order_by("-id").first().values_list("id")
        message = await Message.all().order_by("-id").first().values_list("id")
        touched = (
            await Participation.all().order_by("-updated_at").first().values_list("updated_at")
        )
        return (
            int(notification[0]) if notification else 0,
            int(message[0]) if message else 0,
            touched[0] if touched else None,
        )

    async def tick(self) -> None:
        """Compare with the last poll; wake the streams whose member or action changed."""
        current = await self._current()
        self._shared = {}
        previous, self._marks = self._marks, current
        if previous is None or previous == current:
            return
        members: set[UUID] = set()
        chats: set[UUID] = set()
        rosters: set[UUID] = set()
        if current[0] > previous[0]:
            new = Notification.filter(id__gt=previous[0], id__lte=current[0])
            members = await _distinct(new, "member_id")
        if current[1] > previous[1]:
            chats = await _distinct(
                Message.filter(id__gt=previous[1], id__lte=current[1]), "action_id"
            )
        if current[2] is not None and (previous[2] is None or current[2] > previous[2]):
            touched = Participation.filter(updated_at__lte=current[2])
            if previous[2] is not None:
                touched = touched.filter(updated_at__gt=previous[2])
            rosters = await _distinct(touched, "action_id")
        for listener in self._listeners:
            found = set()
            if listener.member_id in members:
                found.add("unread")
            if listener.action_id is not None:
                if listener.action_id in chats:
                    found.add("messages")
                if listener.action_id in rosters:
                    found.add("participants")
            if found:
                listener.changes |= found
                listener.wake.set()


async def _distinct(query: QuerySet[Any], column: str) -> set[UUID]:
    return {UUID(str(value)) for value in await query.distinct().values_list(column, flat=True)}
