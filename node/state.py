"""What one running node holds: settings, database, outgoing message backends, its event bus and
the rest of its runtime state. Nothing here knows HTTP: the Quart app that serves a node lives in
:mod:`node.http_state`, and nodes are built (listeners registered) by :mod:`node.wiring`.

Services receive the node as an argument (``node: NodeState``); nothing finds it through a global.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx

from node.caches import FeedCache
from node.clock import Clock
from node.db import Database
from node.events import EventBus
from node.live import LiveHub
from node.passwords import Passwords
from node.settings import Settings

if TYPE_CHECKING:
    from node.messaging import MailBackend, SmsBackend


@dataclass
class NodeState:
    settings: Settings
    db: Database
    sms: SmsBackend
    mail: MailBackend
    secret: bytes = field(repr=False, default=b"")
    # What services announce (node.events); listeners are registered by node.wiring.build_node.
    events: EventBus = field(default_factory=EventBus, repr=False)
    # Tests route this node's outgoing federation traffic through here (node.fed.client).
    http_transport: httpx.AsyncBaseTransport | None = field(default=None, repr=False)
    # Anonymous responses of the nearby feed (GET /api/v1/actions), see node.services.feed;
    # on this node's clock.
    feed_cache: FeedCache = field(init=False, repr=False)
    # Set when rows for the federation worker were written (outbox, inbox): an in-process
    # worker loop wakes up at once instead of at its next poll. The rows are the truth.
    work_ready: asyncio.Event = field(default_factory=asyncio.Event, repr=False)
    # Open live streams of this process and the poller that wakes them (node.live).
    live: LiveHub = field(default_factory=LiveHub, repr=False)
    # Password hashing with the Argon2id costs of the settings (node.passwords).
    passwords: Passwords = field(default_factory=Passwords, repr=False)

    # The street committee's executors, change kind → coroutine(node, change, decision),
    # filled by node.wiring.build_node (node.services.committee.executors).
    committee_executors: dict[str, Callable[..., Awaitable[None]]] = field(
        default_factory=dict, repr=False
    )

    def __post_init__(self) -> None:
        self.feed_cache = FeedCache(self.clock.now)

    @property
    def clock(self) -> Clock:
        """This node's time (:mod:`node.clock`): ``clock.now()`` reads it while the node's
        database is active; tests move it forward with ``node.clock.advance(…)``."""
        return self.db.clock

    def wake_worker(self) -> None:
        self.work_ready.set()
