"""The inbox pipeline, one test per step (issue 4 item 2), with Mastodon-like remote accounts
from the fake fediverse (real keys, real signatures)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest

from federation import SigningAuth, build
from federation.client import AP_MEDIA_TYPE
from federation.keys import generate_rsa_key
from federation.testing import FakeActor, FakeFediverse
from node import clock
from node.fed.handlers.context import Ignore, InboxContext, Transient
from node.fed.processing import process_due
from node.fed.registry import INBOUND, Route
from node.http_state import EntraideApp
from node.models import Delivery, Follower, InboxItem, InboxStatus
from node.services import federation_policy as policy
from node.worker.federation import run_once
from tests.conftest import NodeFactory
from tests.fedtools import facing_fediverse

INBOX = "http://node.test/inbox"
ACTOR = "http://node.test/actor"


@pytest.fixture
async def node(node_factory: NodeFactory) -> EntraideApp:
    return await node_factory(
        "node", base_url="http://node.test", federation_allow_private=True, max_body_bytes=4096
    )


@pytest.fixture
def fedi(node: EntraideApp) -> FakeFediverse:
    fedi = facing_fediverse(node)
    return fedi


@pytest.fixture
def alice(fedi: FakeFediverse) -> FakeActor:
    return fedi.add_actor("remote.test", "alice")


def follow_of(actor: FakeActor, target: str = ACTOR) -> dict[str, Any]:
    return build.follow(id=actor.new_id(), actor=actor.id, object=target)


async def post_raw(
    fedi: FakeFediverse, auth: SigningAuth | None, body: bytes, content_type: str = AP_MEDIA_TYPE
) -> httpx.Response:
    async with fedi.client(auth=auth) as client:
        return await client.post(INBOX, content=body, headers={"Content-Type": content_type})


async def items(node: EntraideApp) -> list[InboxItem]:
    with node.node.db.activate():
        return await InboxItem.all()


async def test_oversized_body_is_413(
    node: EntraideApp, fedi: FakeFediverse, alice: FakeActor
) -> None:
    activity = follow_of(alice)
    activity["content"] = "x" * 5000
    response = await alice.post(fedi, INBOX, activity)
    assert response.status_code == 413
    assert await items(node) == []


async def test_wrong_content_type_is_415(
    node: EntraideApp, fedi: FakeFediverse, alice: FakeActor
) -> None:
    body = json.dumps(follow_of(alice)).encode()
    response = await post_raw(fedi, alice.auth(), body, "text/plain")
    assert response.status_code == 415
    response = await post_raw(fedi, alice.auth(), body, "application/json")
    assert response.status_code == 415
    profile = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
    assert (await post_raw(fedi, alice.auth(), body, profile)).status_code == 202


async def test_unsigned_request_is_401(
    node: EntraideApp, fedi: FakeFediverse, alice: FakeActor
) -> None:
    response = await post_raw(fedi, None, json.dumps(follow_of(alice)).encode())
    assert response.status_code == 401
    assert response.json()["reason"] == "no_signature"
    assert await items(node) == []


async def test_forged_signature_is_401(
    node: EntraideApp, fedi: FakeFediverse, alice: FakeActor
) -> None:
    forger = SigningAuth(alice.key_id, generate_rsa_key())  # alice's key id, another key
    response = await post_raw(fedi, forger, json.dumps(follow_of(alice)).encode())
    assert response.status_code == 401
    assert response.json()["reason"] == "bad_signature"
    assert await items(node) == []


async def test_tampered_body_is_401(
    node: EntraideApp, fedi: FakeFediverse, alice: FakeActor
) -> None:
    request = httpx.Request(
        "POST",
        INBOX,
        content=json.dumps(follow_of(alice)).encode(),
        headers={"Content-Type": AP_MEDIA_TYPE},
    )
    alice.auth().sign(request)
    tampered = httpx.Request(
        "POST", INBOX, content=json.dumps(follow_of(alice)).encode(), headers=request.headers
    )
    async with fedi.client() as client:
        response = await client.send(tampered)
    assert response.status_code == 401
    assert response.json()["reason"] == "digest_mismatch"


async def test_replayed_request_outside_the_window_is_401(
    node: EntraideApp, fedi: FakeFediverse, alice: FakeActor
) -> None:
    request = httpx.Request(
        "POST",
        INBOX,
        content=json.dumps(follow_of(alice)).encode(),
        headers={"Content-Type": AP_MEDIA_TYPE},
    )
    alice.auth().sign(request)
    async with fedi.client() as client:
        assert (await client.send(request)).status_code == 202
        node.node.clock.advance(timedelta(hours=2))
        replay = await client.send(request)
    assert replay.status_code == 401
    assert replay.json()["reason"] == "date_out_of_window"
    assert len(await items(node)) == 1


async def test_blocked_domain_is_403_without_fetching_its_key(
    node: EntraideApp, fedi: FakeFediverse, alice: FakeActor
) -> None:
    with node.node.db.activate():
        await policy.block_domain("remote.test", node=node.node)
    fedi.requests.clear()
    response = await alice.post(fedi, INBOX, follow_of(alice))
    assert response.status_code == 403
    assert not [r for r in fedi.requests if r.url.host == "remote.test" and r.method == "GET"]
    assert await items(node) == []


async def test_allowlist_mode_refuses_other_domains(
    node: EntraideApp, fedi: FakeFediverse, alice: FakeActor
) -> None:
    bob = fedi.add_actor("friend.test", "bob")
    with node.node.db.activate():
        await policy.set_policy(
            allowlist_mode=True, allowed_domains=["friend.test"], node=node.node
        )
    assert (await alice.post(fedi, INBOX, follow_of(alice))).status_code == 403
    assert (await bob.post(fedi, INBOX, follow_of(bob))).status_code == 202


async def test_actor_must_own_the_key(
    node: EntraideApp, fedi: FakeFediverse, alice: FakeActor
) -> None:
    bob = fedi.add_actor("remote.test", "bob")
    activity = build.follow(id=alice.new_id(), actor=bob.id, object=ACTOR)  # signed by alice
    response = await alice.post(fedi, INBOX, activity)
    assert response.status_code == 401
    assert response.json()["reason"] == "actor_mismatch"
    assert await items(node) == []


async def test_duplicate_is_202_and_has_no_second_effect(
    node: EntraideApp, fedi: FakeFediverse, alice: FakeActor
) -> None:
    activity = follow_of(alice)
    assert (await alice.post(fedi, INBOX, activity)).status_code == 202
    with node.node.db.activate():
        await run_once(node.node)
    assert (await alice.post(fedi, INBOX, activity)).status_code == 202
    with node.node.db.activate():
        await run_once(node.node)
        assert await InboxItem.all().count() == 1
        assert await Follower.all().count() == 1
    assert len(fedi.deliveries_to(alice.shared_inbox)) == 1  # one Accept


async def test_follow_is_stored_processed_and_accepted(
    node: EntraideApp, fedi: FakeFediverse, alice: FakeActor
) -> None:
    activity = follow_of(alice)
    assert (await alice.post(fedi, INBOX, activity)).status_code == 202
    [item] = await items(node)
    assert item.status == InboxStatus.QUEUED and item.type == "Follow"
    with node.node.db.activate():
        assert await run_once(node.node) == {"inbox": 1, "deliveries": 1}
        item = await InboxItem.get(id=item.id)
        assert item.status == InboxStatus.DONE
    [accept] = fedi.deliveries_to(alice.shared_inbox)
    assert accept["type"] == "Accept" and accept["object"]["id"] == activity["id"]
    assert fedi.rejections == []
    undo = build.undo(id=alice.new_id(), actor=alice.id, object=activity)
    assert (await alice.post(fedi, INBOX, undo)).status_code == 202
    with node.node.db.activate():
        await run_once(node.node)
        assert await Follower.all().count() == 0


async def test_allowlist_mode_rejects_followers_that_are_not_partners(
    node: EntraideApp, fedi: FakeFediverse, alice: FakeActor
) -> None:
    # Admitted when it arrived; allowlist mode (without remote.test) is on when it is processed.
    assert (await alice.post(fedi, INBOX, follow_of(alice))).status_code == 202
    with node.node.db.activate():
        await policy.set_policy(
            allowlist_mode=True, allowed_domains=["friend.test"], node=node.node
        )
        await run_once(node.node)
        assert await Follower.all().count() == 0
    [reject] = fedi.deliveries_to(alice.shared_inbox)
    assert reject["type"] == "Reject"


_calls: list[str] = []


async def _transient(ctx: InboxContext, activity: Any) -> None:
    _calls.append("transient")
    if len(_calls) == 1:
        raise Transient("remote not ready")


async def _boom(ctx: InboxContext, activity: Any) -> None:
    raise ValueError("handler bug")


async def _ignore(ctx: InboxContext, activity: Any) -> None:
    raise Ignore("not for us")


# The node's table plus three handlers of the test's own (the table itself is immutable).
TEST_ROUTES = INBOUND.with_routes(
    Route("TestTransient", None, _transient),
    Route("TestBoom", None, _boom),
    Route("TestIgnore", None, _ignore),
)


def custom(actor: FakeActor, type_: str) -> dict[str, Any]:
    return build.activity(type_, id=actor.new_id(), actor=actor.id, object=ACTOR)


async def test_handler_outcomes_are_recorded_and_transient_ones_retried(
    node: EntraideApp, fedi: FakeFediverse, alice: FakeActor
) -> None:
    _calls.clear()
    for type_ in ("TestTransient", "TestBoom", "TestIgnore", "Like"):
        assert (await alice.post(fedi, INBOX, custom(alice, type_))).status_code == 202
    with node.node.db.activate():
        assert await process_due(node.node, routes=TEST_ROUTES) == 4
        by_type = {i.type: i for i in await InboxItem.all()}
        assert by_type["TestBoom"].status == InboxStatus.FAILED
        assert "handler bug" in (by_type["TestBoom"].last_error or "")
        assert by_type["TestIgnore"].status == InboxStatus.IGNORED
        assert by_type["Like"].status == InboxStatus.IGNORED  # no handler
        retried = by_type["TestTransient"]
        assert retried.status == InboxStatus.QUEUED and retried.last_error == "remote not ready"
        assert retried.next_attempt_at > clock.now()
        assert await process_due(node.node, routes=TEST_ROUTES) == 0
        node.node.clock.advance(timedelta(minutes=1))
        assert await process_due(node.node, routes=TEST_ROUTES) == 1
        assert (await InboxItem.get(id=retried.id)).status == InboxStatus.DONE
        assert await Delivery.all().count() == 0


def test_the_inbound_table_refuses_two_routes_for_one_pair() -> None:
    with pytest.raises(ValueError, match="two inbox routes"):
        INBOUND.with_routes(Route("Follow", None, _ignore))
