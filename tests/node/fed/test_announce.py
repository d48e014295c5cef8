"""A resident's need reaches a Mastodon account that follows the node: the instance actor (the
actor it follows) announces the need, whose object and author Mastodon can then fetch and
check by WebFinger, exactly as its inbox requires."""

from __future__ import annotations

from node import iris
from node.models import OutboxActivity
from tests.conftest import NodeFactory
from tests.fedtools import federated_nodes, mastodon_follower, settle
from tests.node.fed_support import member, need, ok

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


async def test_the_followed_instance_actor_announces_members_needs(
    node_factory: NodeFactory,
) -> None:
    (paris,) = await federated_nodes(node_factory, "paris")
    instance = iris.instance_actor_iri(paris.node.settings)
    fedi, alice = await mastodon_follower(paris, instance)
    _, lea = await member(paris, "Léa")
    posted = await ok(paris, "POST", "/api/v1/actions", lea, json=need("Manteau L"))
    await settle(paris)

    received = fedi.deliveries_to(alice.shared_inbox) + fedi.deliveries_to(alice.inbox)
    announces = [a for a in received if a["type"] == "Announce"]
    assert len(announces) == 1
    announce = announces[0]
    # Mastodon keeps it: its actor is the one alice follows, public, the object an IRI.
    assert announce["actor"] == instance
    assert announce["to"] == [PUBLIC]
    assert announce["object"] == f"http://paris.test/actions/{posted['id']}"
    # What Mastodon does next: fetch the object and its author, check the author by WebFinger.
    fetched = await alice.get(fedi, announce["object"])
    assert fetched.status_code == 200
    obj = fetched.json()
    assert "Note" in obj["type"] and obj["id"] == announce["object"]
    author = (await alice.get(fedi, obj["attributedTo"])).json()
    acct = f"acct:{author['preferredUsername']}@paris.test"
    async with fedi.client() as client:
        finger = await client.get(f"http://paris.test/.well-known/webfinger?resource={acct}")
    assert finger.status_code == 200
    assert finger.json()["links"][0]["href"] == author["id"]
    # The instance outbox lists it too.
    async with fedi.client() as client:
        outbox = (await client.get(f"{instance}/outbox?page=1")).json()
    assert any(item["type"] == "Announce" for item in outbox["orderedItems"])


async def test_no_follower_no_announce(node_factory: NodeFactory) -> None:
    (paris,) = await federated_nodes(node_factory, "paris")
    _, lea = await member(paris, "Léa")
    await ok(paris, "POST", "/api/v1/actions", lea, json=need())
    await settle(paris)
    with paris.node.db.activate():
        assert await OutboxActivity.filter(type="Announce").count() == 0
