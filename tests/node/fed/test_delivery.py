"""Durable delivery: retries after a node comes back, permanent failures, killed workers,
unavailable hosts, the SSRF guard, admin retry, and blocks purging (issue 4 items 3 and 6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError
from tortoise.transactions import in_transaction

from federation import build
from node import clock, iris
from node.claims import claim
from node.fed.delivery import UNAVAILABLE_AFTER, claim_deliveries
from node.fed.outbox import publish
from node.fed.processing import LEASE as INBOX_LEASE
from node.fed.remote import resolve
from node.http_state import EntraideApp
from node.models import (
    Delivery,
    DeliveryStatus,
    Follower,
    Host,
    InboxItem,
    InboxStatus,
    OutboxActivity,
    RemoteActor,
)
from node.settings import Settings
from tests.conftest import MemberFactory, NodeFactory
from tests.fedtools import advance, federated_nodes, router_of, settle


async def _follow(paris: EntraideApp, target: RemoteActor) -> str:
    s = paris.node.settings
    activity = build.follow(
        id=iris.new_activity_iri(s), actor=iris.instance_actor_iri(s), object=target.ap_id
    )
    async with in_transaction():
        await publish(paris.node, activity, to=[target])
    return str(activity["id"])


async def test_a_node_down_receives_the_delivery_after_it_comes_back(
    node_factory: NodeFactory,
) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    with paris.node.db.activate():
        lyon_actor = await resolve(paris.node, "lyon.test")
        router_of(paris).down.add("lyon.test")
        follow_id = await _follow(paris, lyon_actor)
    await settle(paris, lyon)
    with paris.node.db.activate():
        row = await Delivery.get()
        assert row.status == DeliveryStatus.QUEUED and row.attempts == 1
        assert "ConnectError" in (row.last_error or "")
    router_of(paris).down.clear()
    await settle(paris, lyon)  # not due yet: no sleeping, the clock decides
    with lyon.node.db.activate():
        assert not await InboxItem.filter(activity_id=follow_id).exists()
    paris.node.clock.advance(timedelta(minutes=2))
    await settle(paris, lyon)
    with lyon.node.db.activate():
        assert (await InboxItem.get(activity_id=follow_id)).status == InboxStatus.DONE
    with paris.node.db.activate():
        row = await Delivery.get(id=row.id)
        assert row.status == DeliveryStatus.DELIVERED and row.attempts == 2


async def test_a_permanent_failure_is_not_retried(node_factory: NodeFactory) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    with paris.node.db.activate():
        ghost = await RemoteActor.create(
            ap_id="http://lyon.test/users/ghost",
            type="Person",
            domain="lyon.test",
            inbox="http://lyon.test/users/ghost/inbox",
            fetched_at=clock.now(),
        )
        await _follow(paris, ghost)
    await settle(paris, lyon)
    with paris.node.db.activate():
        row = await Delivery.get()
        assert row.status == DeliveryStatus.ABANDONED and row.last_status == 404
        paris.node.clock.advance(timedelta(days=3))
    await settle(paris, lyon)
    with paris.node.db.activate():
        assert (await Delivery.get(id=row.id)).attempts == 1


async def test_the_delivery_lease_is_the_operators_setting(node_factory: NodeFactory) -> None:
    paris, _ = await federated_nodes(node_factory, "paris", "lyon", delivery_lease_seconds=10)
    with paris.node.db.activate():
        await _follow(paris, await resolve(paris.node, "lyon.test"))
        [claimed] = await claim_deliveries(paris.node, limit=10, now=clock.now())
        # Within the lease the row is the first worker's: another claim gets nothing.
        soon = clock.now() + timedelta(seconds=9)
        assert await claim_deliveries(paris.node, limit=10, now=soon) == []
        # Past it, another worker takes it over (a second attempt).
        [taken] = await claim_deliveries(
            paris.node, limit=10, now=clock.now() + timedelta(seconds=11)
        )
        assert taken.id == claimed.id and taken.attempts == claimed.attempts + 1
        assert taken.claim_token != claimed.claim_token


def test_lease_and_poll_settings_refuse_nonsense() -> None:
    for bad in ({"delivery_lease_seconds": 0}, {"worker_poll_seconds": 0}):
        with pytest.raises(ValidationError):
            Settings(secret_key="x" * 40, **bad)
    settings = Settings(secret_key="x" * 40, delivery_lease_seconds=5, worker_poll_seconds=0.2)
    assert (settings.delivery_lease_seconds, settings.worker_poll_seconds) == (5, 0.2)


async def test_a_killed_worker_loses_nothing(node_factory: NodeFactory) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    with paris.node.db.activate():
        lyon_actor = await resolve(paris.node, "lyon.test")
        follow_id = await _follow(paris, lyon_actor)
        # A worker claims the row, then dies before sending.
        [claimed] = await claim_deliveries(paris.node, limit=10, now=clock.now())
        assert claimed.status == DeliveryStatus.SENDING
    await settle(paris, lyon)  # the lease holds: nobody else takes it
    with paris.node.db.activate():
        assert (await Delivery.get(id=claimed.id)).status == DeliveryStatus.SENDING
    lease = timedelta(seconds=paris.node.settings.delivery_lease_seconds)
    paris.node.clock.advance(lease + timedelta(seconds=1))
    await settle(paris, lyon)
    with lyon.node.db.activate():
        item = await InboxItem.get(activity_id=follow_id)
        # ... and lyon's worker dies while processing the Follow.
        item.status = InboxStatus.QUEUED
        await item.save()
        [taken] = await claim(
            InboxItem,
            now=clock.now(),
            lease=INBOX_LEASE,
            queued=InboxStatus.QUEUED,
            working=InboxStatus.PROCESSING,
            limit=10,
            postgres=not lyon.node.settings.is_sqlite,
        )
        assert taken.id == item.id
    await settle(paris, lyon)
    with lyon.node.db.activate():
        assert (await InboxItem.get(id=item.id)).status == InboxStatus.PROCESSING
    lyon.node.clock.advance(INBOX_LEASE + timedelta(seconds=1))
    await settle(paris, lyon)
    with lyon.node.db.activate():
        assert (await InboxItem.get(id=item.id)).status == InboxStatus.DONE
        assert await Follower.all().count() == 1
    with paris.node.db.activate():
        assert (await Delivery.get(id=claimed.id)).status == DeliveryStatus.DELIVERED


async def test_two_workers_never_claim_the_same_row(node_factory: NodeFactory) -> None:
    paris, _lyon = await federated_nodes(node_factory, "paris", "lyon")
    with paris.node.db.activate():
        lyon_actor = await resolve(paris.node, "lyon.test")
        for _ in range(30):
            await _follow(paris, lyon_actor)
        import asyncio

        ids: list[int] = []
        for _ in range(10):  # concurrent claimers: a row is never handed to two of them
            batches = await asyncio.gather(
                *(claim_deliveries(paris.node, limit=8, now=clock.now()) for _ in range(5))
            )
            ids += [row.id for batch in batches for row in batch]
        assert len(ids) == len(set(ids)) == 30


async def test_a_host_failing_repeatedly_is_unavailable_until_it_answers(
    node_factory: NodeFactory,
) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    with paris.node.db.activate():
        lyon_actor = await resolve(paris.node, "lyon.test")
        router_of(paris).down.add("lyon.test")
        await _follow(paris, lyon_actor)
    for attempt in range(UNAVAILABLE_AFTER):
        if attempt:
            advance(timedelta(hours=13), paris, lyon)
        await settle(paris, lyon)
    with paris.node.db.activate():
        host = await Host.get(domain="lyon.test")
        assert host.unavailable_since is not None
        await _follow(paris, lyon_actor)  # a second one waits without being tried
        second = await Delivery.filter().order_by("-id").first()
        assert second is not None
    router_of(paris).down.clear()
    await settle(paris, lyon)  # the probe is not due yet (probed when marked)
    with paris.node.db.activate():
        assert (await Delivery.get(id=second.id)).attempts == 0
    advance(timedelta(minutes=11), paris, lyon)
    await settle(paris, lyon)
    advance(timedelta(minutes=1), paris, lyon)
    await settle(paris, lyon)
    with paris.node.db.activate():
        host = await Host.get(domain="lyon.test")
        assert host.unavailable_since is None and host.consecutive_failures == 0
        assert await Delivery.filter(status=DeliveryStatus.DELIVERED).count() == 2


async def test_private_addresses_are_refused_without_the_setting(
    node_factory: NodeFactory,
) -> None:
    paris = await node_factory("paris", federation_allow_private=False)
    with paris.node.db.activate():
        local = await RemoteActor.create(
            ap_id="http://127.0.0.1:9/actor",
            type="Application",
            domain="127.0.0.1:9",
            inbox="http://127.0.0.1:9/inbox",
            fetched_at=clock.now(),
        )
        await _follow(paris, local)
        from node.worker.federation import run_once

        await run_once(paris.node)
        row = await Delivery.get()
        assert row.status == DeliveryStatus.ABANDONED
        assert "SSRFBlocked" in (row.last_error or "")


async def test_admin_sees_and_retries_failed_deliveries(
    node_factory: NodeFactory, make_member: MemberFactory
) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, admin = await make_member(admin=True, target=paris)
    _, resident = await make_member(target=paris)
    with paris.node.db.activate():
        ghost = await RemoteActor.create(
            ap_id="http://lyon.test/users/ghost",
            type="Person",
            domain="lyon.test",
            inbox="http://lyon.test/users/ghost/inbox",
            fetched_at=clock.now(),
        )
        await _follow(paris, ghost)
    await settle(paris, lyon)
    client = paris.test_client()
    url = "/api/v1/admin/federation/deliveries"
    assert (await client.get(url, headers=resident)).status_code == 403
    response = await client.get(url + "?status=failed", headers=admin)
    body = await response.get_json()
    [row] = body["items"]
    assert row["status"] == "abandoned" and row["last_status"] == 404
    assert body["counts"]["abandoned"] == 1
    response = await client.post(f"{url}/{row['id']}/retry", headers=admin)
    assert response.status_code == 200
    assert (await response.get_json())["status"] == "queued"
    assert (await client.post(f"{url}/999999/retry", headers=admin)).status_code == 404


async def test_block_purges_and_policy_is_editable(
    node_factory: NodeFactory, make_member: MemberFactory
) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, admin = await make_member(admin=True, target=paris)
    with lyon.node.db.activate():
        paris_actor = await resolve(lyon.node, "paris.test")
        await _follow(lyon, paris_actor)
    await settle(paris, lyon)
    with paris.node.db.activate():
        assert await Follower.all().count() == 1
    client = paris.test_client()
    base = "/api/v1/admin/federation"
    response = await client.post(f"{base}/blocks", json={"domain": "lyon.test"}, headers=admin)
    assert response.status_code == 201
    with paris.node.db.activate():
        assert await Follower.all().count() == 0
        assert not await RemoteActor.filter(domain="lyon.test").exists()
        assert await OutboxActivity.all().count() == 1  # our Accept stays, its delivery is done
    listed = await (await client.get(f"{base}/blocks", headers=admin)).get_json()
    assert [b["domain"] for b in listed["items"]] == ["lyon.test"]
    assert (await client.delete(f"{base}/blocks/lyon.test", headers=admin)).status_code == 204
    assert (await client.delete(f"{base}/blocks/lyon.test", headers=admin)).status_code == 404
    response = await client.put(
        f"{base}/policy",
        json={"allowlist_mode": True, "allowed_domains": ["Lyon.test", "https://x.test/"]},
        headers=admin,
    )
    assert await response.get_json() == {
        "allowlist_mode": True,
        "allowed_domains": ["lyon.test", "x.test"],
    }
