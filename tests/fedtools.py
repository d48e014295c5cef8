"""Several nodes in one process, talking through ``httpx.ASGITransport`` (no sockets).

    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    ...  # act on paris (publish, follow, …)
    await settle(paris, lyon)            # step every node's worker until nothing is due

Each node has ``base_url`` ``http://{name}.test`` and ``federation_allow_private=True``; one
:class:`Router` transport is shared by all and routes each request by host. ``router.down``
makes a node unreachable (connection refused) to test retries; ``router.extra`` adds other
hosts (e.g. a :class:`federation.testing.FakeFediverse` transport for Mastodon-like accounts).

One node facing other servers' accounts, through the real inbox with real signatures:

    node, fedi = await fediverse_node(node_factory)   # http://node.test and a FakeFediverse
    await accepted_partner(node, "lyon.test")         # lyon.test asked, node.test accepted
    nadia = fedi.add_actor("lyon.test", "nadia")
    response = await signed_post(fedi, activity, actor=nadia)   # or auth= any key
    outcome = await deliver(node, fedi, nadia, activity)        # posted, processed: "done: None"
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx

from federation import SigningAuth, build
from federation.client import deliver as post_activity
from federation.testing import FakeActor, FakeFediverse
from node import clock
from node.fed.processing import process_due
from node.http_state import EntraideApp
from node.models import InboxItem, Partnership, PartnershipDirection, PartnershipStatus
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


async def mastodon_follower(app: EntraideApp, actor_iri: str) -> tuple[FakeFediverse, FakeActor]:
    """``alice@mastodon.test``, a plain fediverse account that ``app`` reaches through its
    router, following ``actor_iri`` of ``app``; her Follow is answered and processed."""
    router = router_of(app)
    host = httpx.URL(app.node.settings.base_url).host
    fedi = FakeFediverse(local={host: router.apps[host]})
    router.extra["mastodon.test"] = fedi.transport
    alice = fedi.add_actor("mastodon.test", "alice")
    follow = build.follow(id=alice.new_id(), actor=alice.id, object=actor_iri)
    assert (await alice.post(fedi, f"http://{host}/inbox", follow)).status_code == 202
    await settle(app)
    return fedi, alice


# --- one node facing a fake fediverse ---------------------------------------------------------

NODE_INBOX = "http://node.test/inbox"


async def fediverse_node(
    node_factory: Callable[..., Awaitable[EntraideApp]], **settings: Any
) -> tuple[EntraideApp, FakeFediverse]:
    """A node at ``http://node.test`` and a fake fediverse in front of it (see
    :func:`facing_fediverse`)."""
    node = await node_factory(
        "node", base_url="http://node.test", federation_allow_private=True, **settings
    )
    return node, facing_fediverse(node)


def facing_fediverse(node: EntraideApp) -> FakeFediverse:
    """A fake fediverse that reaches ``node`` (at ``node.test``) in-process; the node's own
    requests (actors it fetches, its deliveries) go to the fediverse."""
    fedi = FakeFediverse(local={"node.test": httpx.ASGITransport(app=node)})
    node.node.http_transport = fedi.transport
    return fedi


async def accepted_partner(
    app: EntraideApp, domain: str, *, actor_iri: str | None = None, scopes: str = "public_needs"
) -> None:
    """``domain`` (whose instance actor is ``actor_iri``) asked ``app`` for a partnership with
    ``scopes`` and ``app`` accepted: the row as both sides' exchange leaves it."""
    with app.node.db.activate():
        await Partnership.create(
            remote_domain=domain,
            active_domain=domain,
            remote_actor_iri=actor_iri or f"https://{domain}/actor",
            direction=PartnershipDirection.INCOMING,
            scopes=scopes,
            status=PartnershipStatus.ACCEPTED,
            offer_activity_id=f"https://{domain}/offers/1",
            object_iri=f"https://{domain}/partnerships/1",
            created_at=clock.now(),
        )


async def signed_post(
    fedi: FakeFediverse,
    activity: dict[str, Any],
    *,
    actor: FakeActor | None = None,
    auth: SigningAuth | None = None,
    inbox: str = NODE_INBOX,
) -> httpx.Response:
    """POST ``activity`` to ``inbox``, signed by ``actor`` or with ``auth`` (any key, any key
    id: what a hostile server would send)."""
    if actor is not None:
        return await actor.post(fedi, inbox, activity)
    async with fedi.client(auth=auth) as client:
        return await post_activity(client, inbox, activity)


async def received(
    app: EntraideApp, fedi: FakeFediverse, actor: FakeActor, activity: dict[str, Any]
) -> InboxItem:
    """``activity`` signed by ``actor`` through the real inbox: its row, stored (202) and not
    processed yet."""
    response = await signed_post(fedi, activity, actor=actor)
    assert response.status_code == 202, response.text
    with app.node.db.activate():
        return await InboxItem.get(activity_id=activity["id"])


async def deliver(
    app: EntraideApp, fedi: FakeFediverse, actor: FakeActor, activity: dict[str, Any]
) -> str:
    """``activity`` signed by ``actor`` through the real inbox, then the inbox processed
    (deliveries stay queued): the row's outcome as ``status: reason``."""
    await received(app, fedi, actor, activity)
    with app.node.db.activate():
        await process_due(app.node)
        item = await InboxItem.get(activity_id=activity["id"])
    return f"{item.status.value}: {item.last_error}"
