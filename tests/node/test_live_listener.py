"""A live stream's wait for news: it ends when the client leaves, even in the same turn as a
wake-up (the stream would otherwise run on, unseen, for as long as the process lives)."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from node.live import Listener


async def test_a_stream_whose_client_leaves_as_news_arrives_stops() -> None:
    listener = Listener(uuid.uuid4(), None)
    waiting = asyncio.create_task(listener.wait(5))
    await asyncio.sleep(0)  # the stream waits for news
    listener.wake.set()  # news…
    waiting.cancel()  # …and, in the same turn, the client goes away
    with pytest.raises(asyncio.CancelledError):
        await waiting


async def test_news_wakes_the_stream_and_quiet_returns_nothing() -> None:
    listener = Listener(uuid.uuid4(), None)
    assert await listener.wait(0.01) == set()
    waiting = asyncio.create_task(listener.wait(5))
    await asyncio.sleep(0)
    listener.changes.add("unread")
    listener.wake.set()
    assert await asyncio.wait_for(waiting, 1) == {"unread"}
