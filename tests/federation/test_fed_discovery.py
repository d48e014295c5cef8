"""WebFinger, NodeInfo, host-meta, and the fake fediverse rig end to end."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from federation import build, nodeinfo, webfinger
from federation.client import SigningAuth, deliver, fetch_actor
from federation.dereference import KeyFetcher
from federation.errors import ParseError
from federation.testing import FakeFediverse


@pytest.mark.parametrize(
    "text", ["acct:Alice@Example.ORG", "@Alice@example.org", "Alice@example.org"]
)
def test_parse_acct(text: str) -> None:
    assert webfinger.parse_acct(text) == ("Alice", "example.org")


@pytest.mark.parametrize("text", ["acct:nohost", "https://example.org/users/a", "@a@"])
def test_parse_acct_refuses(text: str) -> None:
    with pytest.raises(ParseError):
        webfinger.parse_acct(text)


def test_jrd_and_host_meta() -> None:
    doc = webfinger.jrd(
        "acct:node@n.example", "https://n.example/actor", profile_url="https://n.example/"
    )
    assert webfinger.actor_url_from_jrd(doc) == "https://n.example/actor"
    xml = ET.fromstring(webfinger.host_meta_xml("https://n.example/"))
    link = xml.find("{http://docs.oasis-open.org/ns/xri/xrd-1.0}Link")
    assert link is not None
    assert link.get("template") == "https://n.example/.well-known/webfinger?resource={uri}"


def test_nodeinfo_document_shape() -> None:
    doc = nodeinfo.document(
        open_registrations=True,
        users_total=10,
        users_active_month=4,
        users_active_halfyear=8,
        local_posts=30,
        node_name="Entraide Lyon",
    )
    assert doc["version"] == "2.1" and doc["software"]["name"] == "entraide"
    assert doc["protocols"] == ["activitypub"] and doc["usage"]["users"]["activeMonth"] == 4
    assert doc["metadata"]["nodeName"] == "Entraide Lyon"
    assert nodeinfo.well_known("https://n.example")["links"][0]["rel"] == nodeinfo.SCHEMA_21


async def test_webfinger_and_nodeinfo_clients_against_the_rig() -> None:
    fedi = FakeFediverse()
    alice = fedi.add_actor("remote.example", "alice")
    async with fedi.client() as client:
        assert await webfinger.lookup(client, "alice@remote.example") == alice.id
        info = await nodeinfo.fetch(client, "remote.example")
        assert nodeinfo.software_name(info) == "entraide" and info["usage"]["users"]["total"] == 1
        actor = await fetch_actor(client, alice.id)
        assert actor["publicKey"]["id"] == alice.key_id


async def test_rig_verifies_inbound_posts_and_captures_them(rsa_key: rsa.RSAPrivateKey) -> None:
    """The node's key lives on a 'local' host served by another transport, as in node tests."""
    node_actor = "https://node.example/actor"
    node_doc = build.actor(
        id=node_actor,
        type="Application",
        preferred_username="node",
        inbox=f"{node_actor}/inbox",
        outbox="o",
        followers="f",
        shared_inbox="https://node.example/inbox",
        key=rsa_key,
    )
    local = httpx.MockTransport(lambda r: httpx.Response(200, json=node_doc))
    fedi = FakeFediverse(local={"node.example": local})
    alice = fedi.add_actor("remote.example", "alice")
    follow = build.follow(id="https://node.example/f/1", actor=node_actor, object=alice.id)
    async with fedi.client(auth=SigningAuth(f"{node_actor}#main-key", rsa_key)) as client:
        response = await deliver(client, alice.shared_inbox, follow)
    assert response.status_code == 202
    assert fedi.deliveries_to(alice.shared_inbox) == [follow]
    assert fedi.deliveries[0].verified.owner == node_actor

    # A forged delivery (actor field names someone else) is refused.
    forged = dict(follow, actor="https://other.example/actor")
    async with fedi.client(auth=SigningAuth(f"{node_actor}#main-key", rsa_key)) as client:
        assert (await deliver(client, alice.inbox, forged)).status_code == 401
    # An unsigned delivery is refused with the library's reason.
    async with fedi.client() as client:
        response = await deliver(client, alice.inbox, follow)
    assert response.status_code == 401 and response.json()["error"] == "no_signature"
    assert fedi.rejections[-1][1].reason == "no_signature"


async def test_rig_actor_posts_signed_to_local_app_and_inbox_status() -> None:
    received: list[httpx.Request] = []

    def app(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return httpx.Response(202)

    fedi = FakeFediverse(local={"node.example": httpx.MockTransport(app)}, authorized_fetch=True)
    bob = fedi.add_actor("remote.example", "bob")
    await bob.post(
        fedi,
        "https://node.example/inbox",
        build.follow(id=bob.new_id(), actor=bob.id, object="https://node.example/actor"),
    )
    assert 'keyId="https://remote.example/users/bob#main-key"' in received[0].headers["signature"]
    # The key resolver a node would use can fetch bob with a signed GET (authorized fetch).
    async with fedi.client(auth=bob.auth()) as client:
        info = await KeyFetcher(client)(bob.key_id, False)
    assert info is not None and info.owner == bob.id
    # Without a signature, authorized fetch refuses.
    async with fedi.client() as client:
        assert (await client.get(bob.id)).status_code == 401
    fedi.inbox_status[bob.inbox] = 503
    async with fedi.client(auth=bob.auth()) as client:
        assert (
            await deliver(
                client, bob.inbox, build.follow(id=bob.new_id(), actor=bob.id, object=bob.id)
            )
        ).status_code == 503
