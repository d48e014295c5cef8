"""Text from other servers through the real inbox: an activity carrying a NUL (which PostgreSQL
cannot store) is a 400, never a 500; other control characters are dropped, and a text longer
than the node's limit is cut, not lost."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from federation import build
from federation.testing import FakeFediverse
from node import clock
from node.fed.processing import process_due
from node.http_state import EntraideApp
from node.models import (
    InboxItem,
    InboxStatus,
    Message,
    Participation,
    Partnership,
    PartnershipDirection,
    PartnershipStatus,
)
from node.services.chat import BODY_MAX
from node.services.participations import MESSAGE_MAX
from tests.conftest import NodeFactory
from tests.node.fed_support import member, need, ok

INBOX = "http://node.test/inbox"


@pytest.fixture
async def node(node_factory: NodeFactory) -> EntraideApp:
    app = await node_factory("node", base_url="http://node.test", federation_allow_private=True)
    with app.node.db.activate():
        await Partnership.create(
            remote_domain="lyon.test",
            active_domain="lyon.test",
            remote_actor_iri="https://lyon.test/actor",
            direction=PartnershipDirection.INCOMING,
            scopes="public_needs",
            status=PartnershipStatus.ACCEPTED,
            offer_activity_id="https://lyon.test/offers/1",
            object_iri="https://lyon.test/partnerships/1",
            created_at=clock.now(),
        )
    return app


async def test_a_join_and_a_chat_line_with_control_characters_and_too_long(
    node: EntraideApp, node_factory: NodeFactory
) -> None:
    fedi = FakeFediverse(local={"node.test": httpx.ASGITransport(app=node)})
    node.node.http_transport = fedi.transport
    nadia = fedi.add_actor("lyon.test", "nadia")
    _, author = await member(node, "Léa")
    start = clock.now() + timedelta(days=2)
    outing = need(
        "Maraude du jeudi",
        kind="outing",
        category="social",
        starts_at=start.isoformat(),
        ends_at=(start + timedelta(hours=3)).isoformat(),
        place_name="Gare de Lyon",
        capacity=3,
        auto_accept=True,
    )
    posted = await ok(node, "POST", "/api/v1/actions", author, json=outing)
    action_iri = f"http://node.test/actions/{posted['id']}"
    join = build.join(id=nadia.new_id(), actor=nadia.id, object=action_iri)
    join["content"] = "Je viens\x00 avec un ami"
    refused = await nadia.post(fedi, INBOX, join)
    assert refused.status_code == 400 and refused.json()["reason"] == "nul_character"
    join["content"] = "Je viens\x0b avec\x07 un ami " + "x" * 900
    assert (await nadia.post(fedi, INBOX, join)).status_code == 202
    note = build.note(
        id=f"{nadia.id}/statuses/1",
        attributed_to=nadia.id,
        content="<p>À\x7f ce soir\x1b</p>" + "y" * 3000,
        to=["http://node.test/actor"],
        in_reply_to=action_iri,
    )
    create = build.create(id=nadia.new_id(), actor=nadia.id, object=note)
    assert (await nadia.post(fedi, INBOX, create)).status_code == 202
    with node.node.db.activate():
        await process_due(node.node)
        assert [i.status for i in await InboxItem.all()] == [InboxStatus.DONE] * 2
        row = await Participation.get(remote_actor_iri=nadia.id)
        assert row.message.startswith("Je viens avec un ami x") and len(row.message) == MESSAGE_MAX
        message = await Message.get(remote_actor_iri=nadia.id)
        assert message.body.startswith("À ce soir\nyyy") and len(message.body) == BODY_MAX
