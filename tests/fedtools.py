"""Several nodes in one process, talking through ``httpx.ASGITransport`` (no sockets).

    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    ...  # act on paris (publish, follow, …)
    await settle(paris, lyon)            # step every node's worker until nothing is due

Each node has ``base_url`` ``http://{name}.test`` and ``federation_allow_private=True``; one
:class:`Router` transport is shared by all and routes each request by host. ``router.down``
makes a node unreachable (connection refused) to test retries; ``router.extra`` adds other
hosts (e.g. a :class:`federation.testing.FakeFediverse` transport for Mastodon-like accounts).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx

from node.http_state import EntraideApp
from node.worker.federation import run_once


class Router(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self.apps: dict[str, httpx.AsyncBaseTransport] = {}
        self.extra: dict[str, httpx.AsyncBaseTransport] = {}
        self.fallback: httpx.AsyncBaseTransport | None = None
        self.down: set[str] = set()
        self.requests: list[httpx.Request] = []

    def add(self, host: str, app: EntraideApp) -> None:
        self.apps[host] = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        host = request.url.host
        if host in self.down:
            raise httpx.ConnectError(f"connection refused by {host}")
        transport = self.apps.get(host) or self.extra.get(host) or self.fallback
        if transport is None:
            raise httpx.ConnectError(f"cannot resolve {host}")
        return await transport.handle_async_request(request)

    async def aclose(self) -> None:  # shared by every client of every node: never closed
        return None


async def federated_nodes(
    node_factory: Callable[..., Awaitable[EntraideApp]], *names: str, **settings: Any
) -> list[EntraideApp]:
    router = Router()
    apps = []
    for name in names:
        values = {"federation_allow_private": True, **settings}
        app = await node_factory(name, base_url=f"http://{name}.test", **values)
        router.add(f"{name}.test", app)
        app.node.http_transport = router
        apps.append(app)
    return apps


def router_of(app: EntraideApp) -> Router:
    transport = app.node.http_transport
    assert isinstance(transport, Router)
    return transport


def advance(delta: timedelta, *apps: EntraideApp) -> None:
    """Move the clocks of ``apps`` forward together: time that passes for partners whose clocks
    agree (a signature dated by one is in the other's window)."""
    for app in apps:
        app.node.clock.advance(delta)


async def settle(*apps: EntraideApp, rounds: int = 20) -> dict[str, int]:
    """Run every node's worker once per round until a round finds nothing due."""
    total = {"inbox": 0, "deliveries": 0}
    for _ in range(rounds):
        busy = 0
        for app in apps:
            with app.node.db.activate():
                done = await run_once(app.node)
            for key, value in done.items():
                total[key] = total.get(key, 0) + value
                busy += value
        if not busy:
            return total
    raise AssertionError(f"still busy after {rounds} rounds: {total}")
