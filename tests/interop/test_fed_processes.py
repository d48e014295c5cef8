"""Two ``entraide serve`` processes on 127.0.0.1: discovery, then a signed Follow delivered by
Paris's in-process worker and answered with an Accept by Lyon's."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from tortoise.transactions import in_transaction

from federation import build
from node import iris
from node.fed.outbox import publish
from node.fed.remote import resolve
from node.models import Delivery, DeliveryStatus, Follower, InboxItem
from tests.fedprocs import NodeProcess, eventually

pytestmark = pytest.mark.slow


async def test_discovery_and_follow_between_two_processes(tmp_path: Path) -> None:
    with (
        NodeProcess.start(tmp_path, "paris") as paris,
        NodeProcess.start(tmp_path, "lyon") as lyon,
    ):
        async with httpx.AsyncClient() as client:
            links = (await client.get(f"{lyon.base_url}/.well-known/nodeinfo")).json()
            assert {
                "rel": "https://www.w3.org/ns/activitystreams#Application",
                "href": f"{lyon.base_url}/actor",
            } in links["links"]
            jrd = await client.get(
                f"{lyon.base_url}/.well-known/webfinger",
                params={"resource": f"acct:{lyon.domain}@{lyon.domain}"},
            )
            assert jrd.json()["links"][0]["href"] == f"{lyon.base_url}/actor"

        async with paris.state() as node:
            lyon_actor = await resolve(node, lyon.domain)  # NodeInfo (FEP-2677), signed GET
            assert lyon_actor.ap_id == f"{lyon.base_url}/actor"
            follow = build.follow(
                id=iris.new_activity_iri(node.settings),
                actor=iris.instance_actor_iri(node.settings),
                object=lyon_actor.ap_id,
            )
            async with in_transaction():
                await publish(node, follow, to=[lyon_actor])

            async def accepted() -> InboxItem | None:
                return await InboxItem.get_or_none(type="Accept")

            accept = await eventually(accepted)
            assert accept.body["object"]["id"] == follow["id"]
            assert await Delivery.filter(status=DeliveryStatus.DELIVERED).count() == 1

        async with lyon.state():
            follower = await Follower.get().select_related("remote_actor")
            assert follower.remote_actor.ap_id == f"{paris.base_url}/actor"
