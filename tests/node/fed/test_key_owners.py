"""Who signed: keys resolved to their owner by origin, with real signatures through the inbox.

GoToSocial's minimal key documents, hostile key documents (another port of a partner's host,
an owner on another origin, unusable answers), and blocks that normalised origins make
impossible to sidestep.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from federation import SigningAuth, build
from federation.client import AP_MEDIA_TYPE
from federation.keys import generate_rsa_key, public_key_to_pem
from federation.testing import FakeActor, FakeFediverse
from node.http_state import EntraideApp
from node.models import InboxItem, RemoteActor
from node.services import federation_policy as policy
from tests.conftest import NodeFactory
from tests.fedtools import signed_post

INBOX = "http://node.test/inbox"


class Hostile(httpx.AsyncBaseTransport):
    """Serves fixed documents at exact URLs (port included); the rest goes to the fediverse."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.documents: dict[str, Any] = {}
        self.gets: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url.copy_with(fragment=None))
        if request.method == "GET":
            self.gets.append(url)
        if url in self.documents:
            document = self.documents[url]
            if isinstance(document, int):
                return httpx.Response(document)
            if isinstance(document, bytes):
                return httpx.Response(200, content=document)
            return httpx.Response(200, json=document, headers={"Content-Type": AP_MEDIA_TYPE})
        return await self.inner.handle_async_request(request)


@pytest.fixture
async def node(node_factory: NodeFactory) -> EntraideApp:
    return await node_factory("node", base_url="http://node.test", federation_allow_private=True)


@pytest.fixture
def fedi(node: EntraideApp) -> FakeFediverse:
    return FakeFediverse(local={"node.test": httpx.ASGITransport(app=node)})


@pytest.fixture
def hostile(node: EntraideApp, fedi: FakeFediverse) -> Hostile:
    transport = Hostile(fedi.transport)
    node.node.http_transport = transport
    return transport


def follow(actor_id: str) -> dict[str, Any]:
    return build.follow(
        id=f"{actor_id}/follows/{len(actor_id)}", actor=actor_id, object="http://node.test/actor"
    )


async def stored(node: EntraideApp, iri: str) -> RemoteActor | None:
    with node.node.db.activate():
        return await RemoteActor.get_or_none(ap_id=iri)


async def test_gotosocial_minimal_key_document_is_followed_to_its_owner(
    node: EntraideApp, fedi: FakeFediverse, hostile: Hostile
) -> None:
    bob = fedi.add_actor("gts.example", "bob", software="gotosocial")
    response = await bob.post(fedi, INBOX, follow(bob.id))
    assert response.status_code == 202, response.text
    actor = await stored(node, bob.id)
    assert actor is not None and actor.inbox == bob.inbox
    assert actor.public_key_id == f"{bob.id}/main-key"
    # The full actor was fetched with a signed GET (GoToSocial refuses unsigned ones).
    assert hostile.gets == [f"{bob.id}/main-key", bob.id]
    assert fedi.rejections == []
    # Cached: the next delivery fetches nothing.
    again = build.activity(
        "Like", id=f"{bob.id}/likes/1", actor=bob.id, object="http://node.test/actor"
    )
    assert (await bob.post(fedi, INBOX, again)).status_code == 202
    assert hostile.gets == [f"{bob.id}/main-key", bob.id]


@pytest.mark.parametrize(
    "answer",
    [
        404,
        b"<html>not json</html>",
        b"[1, 2]",
        {"id": "https://evil.example/k", "type": "Person"},  # no key at all
        {"id": "https://evil.example/k", "publicKey": "not an object"},
    ],
)
async def test_an_unusable_key_document_is_401_with_a_reason(
    node: EntraideApp, fedi: FakeFediverse, hostile: Hostile, answer: Any
) -> None:
    hostile.documents["https://evil.example/k"] = answer
    auth = SigningAuth("https://evil.example/k#main-key", generate_rsa_key())
    response = await signed_post(fedi, follow("https://evil.example/k"), auth=auth)
    assert response.status_code == 401, response.text
    assert response.json()["reason"] == "key_unavailable"
    with node.node.db.activate():
        assert await InboxItem.all().count() == 0


async def test_a_minimal_actor_whose_owner_cannot_be_fetched_is_401(
    node: EntraideApp, fedi: FakeFediverse, hostile: Hostile
) -> None:
    bob = fedi.add_actor("gts.example", "bob", software="gotosocial")
    hostile.documents[bob.id] = 500
    response = await bob.post(fedi, INBOX, follow(bob.id))
    assert response.status_code == 401
    assert response.json()["reason"] == "key_unavailable"
    assert await stored(node, bob.id) is None


async def test_a_key_document_cannot_name_an_owner_on_another_origin(
    node: EntraideApp, fedi: FakeFediverse, hostile: Hostile
) -> None:
    key = generate_rsa_key()
    victim = fedi.add_actor("partner.example", "p")
    hostile.documents["https://evil.example/key"] = {
        "id": "https://evil.example/key",
        "type": "Key",
        "owner": victim.id,
        "publicKeyPem": public_key_to_pem(key),
    }
    auth = SigningAuth("https://evil.example/key", key)
    response = await signed_post(fedi, follow(victim.id), auth=auth)
    assert response.status_code == 401
    assert response.json()["reason"] == "key_unavailable"


async def test_another_port_of_a_partners_host_cannot_speak_for_it(
    node: EntraideApp, fedi: FakeFediverse, hostile: Hostile
) -> None:
    """The impersonation: a server on another port serves the partner's actor id with its own
    key and inbox, signs with that key, and must neither be accepted nor overwrite the actor."""
    partner = fedi.add_actor("partner.example", "p")
    assert (await partner.post(fedi, INBOX, follow(partner.id))).status_code == 202
    key = generate_rsa_key()
    fake = partner.document()
    fake["publicKey"] = {
        "id": "https://partner.example:8443/fakeB#main-key",
        "owner": partner.id,
        "publicKeyPem": public_key_to_pem(key),
    }
    fake["inbox"] = "https://partner.example:8443/stolen"
    hostile.documents["https://partner.example:8443/fakeB"] = fake
    auth = SigningAuth("https://partner.example:8443/fakeB#main-key", key)
    note = build.create(
        id=f"{partner.id}/statuses/9/activity",
        actor=partner.id,
        object={"id": f"{partner.id}/statuses/9", "type": "Note", "content": "forged"},
    )
    response = await signed_post(fedi, note, auth=auth)
    assert response.status_code == 401
    assert response.json()["reason"] == "key_unavailable"
    actor = await stored(node, partner.id)
    assert actor is not None and actor.inbox == partner.inbox
    assert actor.public_key_id == partner.key_id


async def test_a_fetched_actor_claiming_a_foreign_id_is_not_stored(
    node: EntraideApp, fedi: FakeFediverse, hostile: Hostile
) -> None:
    """The same attack through a key on the attacker's own port and an actor document that
    claims the partner's id: the document is not on the fetched URL's origin."""
    partner = fedi.add_actor("partner.example", "p")
    key = generate_rsa_key()
    hostile.documents["https://partner.example:8443/actor"] = {
        **partner.document(),
        "publicKey": {
            "id": "https://partner.example:8443/actor#main-key",
            "owner": "https://partner.example:8443/actor",
            "publicKeyPem": public_key_to_pem(key),
        },
    }
    auth = SigningAuth("https://partner.example:8443/actor#main-key", key)
    response = await signed_post(fedi, follow("https://partner.example:8443/actor"), auth=auth)
    assert response.status_code == 401
    assert await stored(node, partner.id) is None


# --- blocks by normalised origin ---------------------------------------------------------------


async def block(node: EntraideApp, domain: str) -> None:
    with node.node.db.activate():
        await policy.block_domain(domain, node=node.node)


@pytest.mark.parametrize(
    ("blocked", "sender_host"),
    [
        ("blocked.example", "blocked.example"),
        ("blocked.example", "sub.blocked.example"),  # subdomains, as Mastodon
        ("blocked.example", "BLOCKED.Example."),  # case, trailing dot
        ("https://Blocked.Example:443/", "blocked.example"),  # typed as a URL, default port
        ("blocked.example", "blocked.example:8443"),  # a block without a port: every port
        ("localhost:18403", "127.0.0.1:18403"),
        ("127.0.0.1:18403", "localhost:18403"),
    ],
)
async def test_blocks_cannot_be_sidestepped(
    node: EntraideApp, fedi: FakeFediverse, hostile: Hostile, blocked: str, sender_host: str
) -> None:
    await block(node, blocked)
    actor = FakeActor(sender_host, "x")
    response = await actor.post(fedi, INBOX, follow(actor.id))
    assert response.status_code == 403, response.text
    assert response.json()["reason"] == "domain_blocked"
    assert hostile.gets == []  # refused before anything is fetched


async def test_a_block_with_a_port_leaves_other_ports_alone(
    node: EntraideApp, fedi: FakeFediverse, hostile: Hostile
) -> None:
    await block(node, "shared.example:8443")
    neighbour = fedi.add_actor("shared.example", "n")
    assert (await neighbour.post(fedi, INBOX, follow(neighbour.id))).status_code == 202


async def test_a_key_id_with_userinfo_is_refused(
    node: EntraideApp, fedi: FakeFediverse, hostile: Hostile
) -> None:
    await block(node, "blocked.example")
    key = generate_rsa_key()
    auth = SigningAuth("https://u@blocked.example/users/x#main-key", key)
    body = follow("https://u@blocked.example/users/x")
    response = await signed_post(fedi, body, auth=auth)
    assert response.status_code == 401
    assert response.json()["reason"] == "key_unavailable"
    assert hostile.gets == []


async def test_a_block_purges_subdomains_and_ports(
    node: EntraideApp, fedi: FakeFediverse, hostile: Hostile
) -> None:
    alice = fedi.add_actor("sub.blocked.example", "alice")
    assert (await alice.post(fedi, INBOX, follow(alice.id))).status_code == 202
    assert await stored(node, alice.id) is not None
    await block(node, "Blocked.Example")
    assert await stored(node, alice.id) is None
    body = json.dumps(follow(alice.id)).encode()
    async with fedi.client(auth=alice.auth()) as client:
        refused = await client.post(INBOX, content=body, headers={"Content-Type": AP_MEDIA_TYPE})
    assert refused.status_code == 403


# --- hostile JSON ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 20_000 + b"]" * 20_000,
        json.dumps({"type": "Follow", **{f"k{i}": i for i in range(3_000)}}).encode(),
    ],
    ids=["deep", "wide"],
)
async def test_hostile_json_in_a_signed_delivery_is_400(
    node: EntraideApp, fedi: FakeFediverse, hostile: Hostile, body: bytes
) -> None:
    alice = fedi.add_actor("remote.example", "alice")
    async with fedi.client(auth=alice.auth()) as client:
        response = await client.post(INBOX, content=body, headers={"Content-Type": AP_MEDIA_TYPE})
    assert response.status_code == 400, response.text
    assert response.json()["reason"] == "json_too_complex"
    with node.node.db.activate():
        assert await InboxItem.all().count() == 0


async def test_hostile_json_on_the_api_is_400_deep_and_413_wide(node: EntraideApp) -> None:
    client = node.test_client()
    wide = json.dumps({"phone": "1", **{f"k{i}": i for i in range(3_000)}}).encode()
    for body, status, detail in [
        (b'{"a":' * 100 + b"1" + b"}" * 100, 400, "The body is not valid JSON."),
        (wide, 413, "The body is too large: an object or array with more than 2000 members."),
    ]:
        response = await client.post(
            "/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == status
        assert (await response.get_json())["detail"] == detail
