"""Each node has its own clock: moving one node's time (what tests do) leaves the other nodes of
the process, and the code outside any node, on the real time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from node import clock
from tests.conftest import NodeFactory
from tests.factories import make_member


async def test_two_nodes_keep_their_own_time(node_factory: NodeFactory) -> None:
    paris = await node_factory("paris")
    lyon = await node_factory("lyon")
    _, paris_headers = await make_member(paris)
    _, lyon_headers = await make_member(lyon)
    paris.node.clock.advance(timedelta(days=40))  # past the bearer tokens' 30 days

    with paris.node.db.activate():
        paris_now = clock.now()
    with lyon.node.db.activate():
        lyon_now = clock.now()
    assert timedelta(days=39, hours=23) < paris_now - lyon_now < timedelta(days=40, minutes=1)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(minutes=1)  # outside a node
    assert abs(lyon.node.clock.now() - lyon_now) < timedelta(minutes=1)

    # The token expired on Paris only.
    assert (await paris.test_client().get("/api/v1/me", headers=paris_headers)).status_code == 401
    assert (await lyon.test_client().get("/api/v1/me", headers=lyon_headers)).status_code == 200

    # A request to Lyon made from Paris's code (an in-process delivery) runs on Lyon's time, and
    # Paris's time comes back after it; tasks started inside a node keep its clock.
    with paris.node.db.activate():
        response = await lyon.test_client().get("/api/v1/me", headers=lyon_headers)
        assert response.status_code == 200
        assert clock.now() - lyon.node.clock.now() > timedelta(days=39)
        in_task = await asyncio.create_task(_now())
        assert in_task - lyon.node.clock.now() > timedelta(days=39)


async def _now() -> datetime:
    return clock.now()
