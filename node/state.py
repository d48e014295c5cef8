"""What one running node holds: its settings, database and outgoing message backends.

Routes reach it through :func:`current_node`; services receive what they need as arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import httpx
from quart import Quart, current_app

from node.db import Database
from node.services.feed import FeedCache
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
    # Tests route this node's outgoing federation traffic through here (node.fed.client).
    http_transport: httpx.AsyncBaseTransport | None = field(default=None, repr=False)
    # Anonymous responses of the nearby feed (GET /api/v1/actions), see node.services.feed.
    feed_cache: FeedCache = field(default_factory=FeedCache, repr=False)


class EntraideApp(Quart):
    """A Quart app that knows its node and runs every request inside the node's database."""

    node: NodeState

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        # The Tortoise context is a context variable: activating it here makes it current for
        # this request's task and for every task Quart starts from it.
        with self.node.db.activate():
            await super().__call__(scope, receive, send)


def current_node() -> NodeState:
    return cast(EntraideApp, current_app).node


def app_node(app: Quart) -> NodeState:
    return cast(EntraideApp, app).node
