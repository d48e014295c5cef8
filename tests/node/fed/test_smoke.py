"""Two nodes find each other and a signed Follow gets its Accept (fedtools rig)."""

from __future__ import annotations

from node import iris
from node.fed.outbox import followers
from node.fed.remote import resolve
from node.models import Delivery, DeliveryStatus, Follower, InboxItem, InboxStatus, RemoteActor
from tests.conftest import NodeFactory
from tests.fedtools import federated_nodes, settle


async def test_follow_between_two_nodes(node_factory: NodeFactory) -> None:
    from tortoise.transactions import in_transaction

    from federation import build
    from node.fed.outbox import publish

    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    with paris.node.db.activate():
        lyon_actor = await resolve(paris.node, "lyon.test")
        assert lyon_actor.ap_id == "http://lyon.test/actor"
        me = iris.instance_actor_iri(paris.node.settings)
        follow = build.follow(
            id=iris.new_activity_iri(paris.node.settings), actor=me, object=lyon_actor.ap_id
        )
        async with in_transaction():
            await publish(paris.node, follow, to=[lyon_actor])
    await settle(paris, lyon)
    with lyon.node.db.activate():
        item = await InboxItem.get(activity_id=follow["id"])
        assert item.status == InboxStatus.DONE, item.last_error
        assert await Follower.filter(local_actor_iri="http://lyon.test/actor").count() == 1
        fans = await followers("http://lyon.test/actor")
        assert [f.ap_id for f in fans] == [me]
    with paris.node.db.activate():
        accept = await InboxItem.get(type="Accept")
        assert accept.actor_iri == "http://lyon.test/actor"
        assert await Delivery.filter(status=DeliveryStatus.DELIVERED).count() == 1
        assert await RemoteActor.filter(domain="lyon.test").exists()
