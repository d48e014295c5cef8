"""A node's caches run on that node's clock: a change made behind the node's back (another
process writing the database) shows when this node's time passes the TTL, whatever the time of
the other nodes in the process."""

from __future__ import annotations

from datetime import timedelta

from node import clock
from node.caches import TTL_SECONDS
from node.models import DomainBlock
from node.services.federation_policy import is_blocked
from tests.conftest import NodeFactory

PAST_TTL = timedelta(seconds=TTL_SECONDS + 1)


async def test_a_cached_block_list_expires_when_this_nodes_clock_moves(
    node_factory: NodeFactory,
) -> None:
    paris = await node_factory("paris")
    lyon = await node_factory("lyon")
    with paris.node.db.activate():
        assert not await is_blocked("spam.example")  # the block list is now cached
        # Another process blocks the domain: this node's code did not invalidate anything.
        await DomainBlock.create(domain="spam.example", reason="", created_at=clock.now())
        assert not await is_blocked("spam.example")
    lyon.node.clock.advance(PAST_TTL)  # another node's time: Paris's copy stays
    with paris.node.db.activate():
        assert not await is_blocked("spam.example")
    paris.node.clock.advance(PAST_TTL)
    with paris.node.db.activate():
        assert await is_blocked("spam.example")
