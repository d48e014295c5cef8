"""Work queues by kind: a worker serves only the queues it is given, local work first, and
refuses queue names it does not know."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from click.testing import CliRunner

from federation import build
from federation.testing import FakeActor, FakeFediverse
from node.cli import main
from node.http_state import EntraideApp
from node.models import Delivery, DeliveryStatus, InboxItem, InboxStatus
from node.worker.federation import run_forever, run_once
from node.worker.queues import QUEUES, UnknownQueue, parse_queues
from tests.conftest import NodeFactory
from tests.fedtools import facing_fediverse

INBOX = "http://node.test/inbox"
ACTOR = "http://node.test/actor"


@pytest.fixture
async def node(node_factory: NodeFactory) -> EntraideApp:
    return await node_factory("node", base_url="http://node.test", federation_allow_private=True)


@pytest.fixture
def fedi(node: EntraideApp) -> FakeFediverse:
    fedi = facing_fediverse(node)
    return fedi


def _follow(actor: FakeActor) -> dict[str, Any]:
    return build.follow(id=actor.new_id(), actor=actor.id, object=ACTOR)


def test_queues_are_read_in_priority_order_local_work_before_remote_ingress() -> None:
    assert parse_queues("all") == QUEUES == parse_queues("")
    assert parse_queues("inbox, deliveries") == ("deliveries", "inbox")
    assert parse_queues("periodic,notifications") == ("notifications", "periodic")
    assert QUEUES.index("deliveries") < QUEUES.index("inbox")


def test_unknown_queue_names_are_refused_with_the_known_ones() -> None:
    with pytest.raises(UnknownQueue, match="unknown queues mail, push; the queues are"):
        parse_queues("deliveries,push,mail")


def test_worker_command_refuses_an_unknown_queue_before_starting() -> None:
    result = CliRunner().invoke(main, ["worker", "--queues", "deliveries,ingress"])
    assert result.exit_code == 2
    assert "unknown queue ingress" in result.output
    assert "deliveries, notifications, inbox, periodic" in result.output


async def test_a_worker_serves_only_its_queues(node: EntraideApp, fedi: FakeFediverse) -> None:
    alice = fedi.add_actor("remote.test", "alice")
    assert (await alice.post(fedi, INBOX, _follow(alice))).status_code == 202
    with node.node.db.activate():
        # A deliveries-only worker leaves the partner's Follow waiting in the inbox.
        assert await run_once(node.node, queues=("deliveries",)) == {"deliveries": 0}
        assert await InboxItem.filter(status=InboxStatus.QUEUED).count() == 1
        # An inbox-only worker processes it and queues the Accept, but does not send it.
        assert await run_once(node.node, queues=("inbox",)) == {"inbox": 1}
        assert await Delivery.filter(status=DeliveryStatus.QUEUED).count() == 1
        assert fedi.deliveries_to(alice.shared_inbox) == []
        assert await run_once(node.node, queues=("deliveries",)) == {"deliveries": 1}
    [accept] = fedi.deliveries_to(alice.shared_inbox)
    assert accept["type"] == "Accept"


async def test_a_worker_woken_as_it_is_stopped_stops(node: EntraideApp) -> None:
    """Stopping a worker (its task cancelled) in the same turn as new work wakes it: it stops,
    instead of losing the stop and serving on."""
    ready = node.node.work_ready
    with node.node.db.activate():
        worker = asyncio.create_task(run_forever(node.node, interval=60))
        async with asyncio.timeout(10):
            # Nothing announces that the worker is idle: look for its wait on the event.
            while not ready._waiters:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        ready.set()
        worker.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(worker, 5)
