"""Channels with real parts: Web Push to a loopback push service that decrypts (RFC 8291) and
checks VAPID (RFC 8292), SMS through the file backend within the caps, quiet hours on the node's
clock, and a worker killed mid-batch that loses nothing and sends nothing twice."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web

from node.http_state import EntraideApp
from node.models import ChannelSend, ChannelState, PushSubscription
from node.services.notifications import notify
from node.worker.notifications import LEASE, send_push, send_sms
from tests.conftest import MemberFactory, NodeFactory
from tests.factories import post_action
from tests.node.notify_support import PushService

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
async def app(node_factory: NodeFactory) -> EntraideApp:
    # No quiet hours unless a test sets them: the suite may run at any time of day.
    return await node_factory(
        "node",
        federation_allow_private=True,
        quiet_hours="00:00-00:00",
        sms_per_member_per_day=2,
        sms_per_node_per_day=3,
    )


async def subscribe(client: Any, headers: dict[str, str], body: dict[str, Any]) -> Any:
    return await client.post("/api/v1/push/subscriptions", json=body, headers=headers)


async def join(client: Any, action: dict[str, Any], headers: dict[str, str]) -> None:
    url = f"/api/v1/actions/{action['id']}/participations"
    assert (await client.post(url, json={}, headers=headers)).status_code == 201


async def test_web_push_end_to_end(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    author, headers = await make_member(pseudonym="Awa")
    _, member_h = await make_member(pseudonym="Basile")
    async with PushService() as service:
        service.public_key = (await (await client.get("/api/v1/push/key")).get_json())["public_key"]
        phone, old = service.device("phone"), service.device("old")
        response = await subscribe(
            client, headers, {**phone.subscription(service.base), "label": "Mon téléphone"}
        )
        assert response.status_code == 201
        again = await subscribe(client, headers, phone.subscription(service.base))
        assert again.status_code == 200  # the same device again: refreshed, not doubled
        assert (await subscribe(client, headers, old.subscription(service.base))).status_code == 201
        service.gone.add("old")

        action = await post_action(client, headers, title="Un repas chaud")
        await join(client, action, member_h)
        with app.node.db.activate():
            assert await send_push(app.node) == 1
            assert await PushSubscription.filter(member_id=author.id).count() == 1  # 410: gone
            assert await send_push(app.node) == 0  # nothing twice

    [got] = service.received
    assert got.device == "phone"
    assert got.payload["body"] == "Basile demande à participer à « Un repas chaud »."
    assert got.payload["url"] == f"http://node.test/actions/{action['id']}"
    assert got.payload["title"] == "Entraide node"
    assert got.vapid_claims["aud"] == service.base
    assert got.vapid_claims["exp"] > datetime.now(UTC).timestamp()
    assert got.headers["Urgency"] == "normal" and int(got.headers["TTL"]) > 0
    text = str(got.payload)
    assert author.phone not in text and str(author.email) not in text
    listed = await (await client.get("/api/v1/push/subscriptions", headers=headers)).get_json()
    assert [s["label"] for s in listed["items"]] == ["Mon téléphone"]
    assert listed["items"][0]["last_success_at"] is not None


async def test_push_subscription_rejections(client: Any, make_member: MemberFactory) -> None:
    _, headers = await make_member()
    _, other = await make_member()
    good = {
        "endpoint": "https://push.example/abc",
        "keys": {"p256dh": "C" + "A" * 86, "auth": "A" * 22},
    }
    assert (await subscribe(client, {}, good)).status_code == 401
    bad_bodies = [
        {**good, "endpoint": "ftp://push.example/abc"},
        {**good, "endpoint": "https://user:pw@push.example/abc"},
        {**good, "keys": {"p256dh": "not base64!", "auth": "A" * 22}},
        {**good, "keys": {"p256dh": "A" * 20, "auth": "A" * 22}},
        {**good, "keys": {"p256dh": "B" + "A" * 86, "auth": "A" * 10}},
        {**good, "keys": {"p256dh": "BA"}},
        {"endpoint": "https://push.example/abc"},
    ]
    for body in bad_bodies:
        assert (await subscribe(client, headers, body)).status_code == 422, body
    # A first byte other than 4 is not an uncompressed point.
    assert (await subscribe(client, headers, good)).status_code == 422
    point = {"p256dh": "BA" + "A" * 85, "auth": "A" * 22}
    assert (await subscribe(client, headers, {**good, "keys": point})).status_code == 201
    assert (await subscribe(client, other, {**good, "keys": point})).status_code == 409
    missing = await client.delete("/api/v1/push/subscriptions/999999", headers=headers)
    assert missing.status_code == 404
    for n in range(9):
        body = {**good, "endpoint": f"https://push.example/{n}", "keys": point}
        assert (await subscribe(client, headers, body)).status_code == 201
    tenth = {**good, "endpoint": "https://push.example/more", "keys": point}
    assert (await subscribe(client, headers, tenth)).status_code == 409  # ten devices at most


def _next_local(app: EntraideApp, hour: int) -> timedelta:
    """How far the node's clock must move for its local time to be ``hour``:00 next."""
    now = app.node.clock.now().astimezone(PARIS)
    target = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if target <= now:
        target += timedelta(days=1)
    return target - now


async def test_quiet_hours_hold_push_until_morning_except_urgent(
    node_factory: NodeFactory, make_member: MemberFactory
) -> None:
    node = await node_factory("quiet", federation_allow_private=True, quiet_hours="22:00-08:00")
    client = node.test_client()
    author, headers = await make_member(target=node)
    _, member_h = await make_member(target=node, pseudonym="Basile")
    async with PushService() as service:
        service.public_key = (await (await client.get("/api/v1/push/key")).get_json())["public_key"]
        device = service.device("phone")
        assert (
            await subscribe(client, headers, device.subscription(service.base))
        ).status_code == 201
        node.node.clock.advance(_next_local(node, 23))  # 23:00 in Paris
        action = await post_action(client, headers, title="Un repas chaud")
        await join(client, action, member_h)
        with node.node.db.activate():
            assert await send_push(node.node) == 0  # held
            await notify(
                node.node,
                "partner_failing",
                [author.id],
                payload={"actor": "lyon.test"},
                urgent=True,
            )
            assert await send_push(node.node) == 1  # urgent goes at night
            node.node.clock.advance(_next_local(node, 8) + timedelta(minutes=1))
            assert await send_push(node.node) == 1  # the held one, in the morning
    assert [r.payload["body"] for r in service.received] == [
        "Le partenaire lyon.test ne répond plus.",
        "Basile demande à participer à « Un repas chaud ».",
    ]
    assert service.received[0].headers["Urgency"] == "high"


async def test_sms_opt_in_and_daily_caps(
    app: EntraideApp,
    client: Any,
    make_member: MemberFactory,
    sms_outbox: Callable[[], list[dict[str, Any]]],
) -> None:
    awa, awa_h = await make_member(pseudonym="Awa")
    bob, bob_h = await make_member(pseudonym="Bob")
    _, quiet_h = await make_member()
    for headers in (awa_h, bob_h):
        response = await client.patch(
            "/api/v1/notifications/preferences", json={"*": {"sms": True}}, headers=headers
        )
        assert response.status_code == 200
    awa_actions = [await post_action(client, awa_h, title=f"Besoin {n}") for n in range(3)]
    bob_actions = [await post_action(client, bob_h, title=f"Offre {n}") for n in range(2)]
    quiet_action = await post_action(client, quiet_h, title="Sans SMS")
    for action in [*awa_actions, *bob_actions, quiet_action]:
        _, joiner = await make_member(pseudonym="Chloé")
        await join(client, action, joiner)
    with app.node.db.activate():
        await send_sms(app.node)
        # Awa: 2 of 3 (member cap); Bob: 1 of 2 (the node's cap of 3 is reached).
        texts = [(m["to"], m["body"]) for m in sms_outbox()]
        assert [to for to, _ in texts] == [awa.phone, awa.phone, bob.phone]
        for _, body in texts:
            assert len(body) <= 160 and "http" not in body and "Chloé" in body
        statuses = await ChannelSend.filter(channel="sms").values_list("status", flat=True)
        assert sorted(statuses) == ["sent"] * 3 + ["skipped"] * 2
        # The caps are per day: tomorrow's messages go again.
        app.node.clock.advance(timedelta(days=1))
        tomorrow = await post_action(client, awa_h, title="Demain")
        _, joiner = await make_member()
        await join(client, tomorrow, joiner)
        assert await send_sms(app.node) == 1


async def test_killed_mid_batch_loses_none_and_sends_none_twice(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, headers = await make_member()
    async with PushService() as service:
        service.public_key = (await (await client.get("/api/v1/push/key")).get_json())["public_key"]
        device = service.device("phone")
        assert (
            await subscribe(client, headers, device.subscription(service.base))
        ).status_code == 201
        for n in range(5):
            action = await post_action(client, headers, title=f"Besoin {n}")
            _, joiner = await make_member()
            await join(client, action, joiner)

        # The third request hangs: the worker is killed while waiting for the push service.
        hang, release = asyncio.Event(), asyncio.Event()
        handler = service._push

        async def slow(request: web.Request) -> web.Response:
            if len(service.received) == 2:
                hang.set()
                await release.wait()
                return web.Response(status=504)  # the worker is gone: nothing delivered
            return await handler(request)

        service._push = slow  # type: ignore[method-assign]
        with app.node.db.activate():
            worker = asyncio.create_task(send_push(app.node))
            await asyncio.wait_for(hang.wait(), 10)
            for _ in range(100):  # the two answered ones are marked as soon as their answer lands
                if await ChannelSend.filter(status=ChannelState.SENT).count() == 2:
                    break
                await asyncio.sleep(0.05)
            worker.cancel()
            with pytest.raises(asyncio.CancelledError):
                await worker
            service._push = handler  # type: ignore[method-assign]
            states = sorted(await ChannelSend.all().values_list("status", flat=True))
            # The two answered are marked; the others (in flight, or not yet started) still
            # belong to the dead worker's claim.
            assert states == ["sending"] * 3 + ["sent"] * 2
            assert await send_push(app.node) == 0  # still leased to the dead worker
            app.node.clock.advance(LEASE + timedelta(seconds=1))
            assert await send_push(app.node) == 3
            assert await ChannelSend.filter(status=ChannelState.SENT).count() == 5
        release.set()
    topics = [r.headers["Topic"] for r in service.received]
    assert len(topics) == 5 and len(set(topics)) == 5
