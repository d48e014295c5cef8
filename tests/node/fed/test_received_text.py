"""Text from other servers through the real inbox: an activity carrying a NUL (which PostgreSQL
cannot store) is a 400, never a 500; other control characters are dropped, and a text longer
than the node's limit is cut, not lost."""

from __future__ import annotations

from datetime import timedelta

from federation import build, objects
from node import clock
from node.fed.processing import process_due
from node.models import (
    InboxItem,
    InboxStatus,
    Message,
    Participation,
)
from node.services.chat import BODY_MAX
from node.services.participations import MESSAGE_MAX
from tests.conftest import NodeFactory
from tests.fedtools import accepted_partner, fediverse_node, signed_post
from tests.node.fed_support import member, need, ok


async def test_a_join_and_a_chat_line_with_control_characters_and_too_long(
    node_factory: NodeFactory,
) -> None:
    node, fedi = await fediverse_node(node_factory)
    await accepted_partner(node, "lyon.test")
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
    refused = await signed_post(fedi, join, actor=nadia)
    assert refused.status_code == 400 and refused.json()["reason"] == "nul_character"
    join["content"] = "Je viens\x0b avec\x07 un ami " + "x" * 900
    assert (await signed_post(fedi, join, actor=nadia)).status_code == 202
    note = objects.note(
        id=f"{nadia.id}/statuses/1",
        attributed_to=nadia.id,
        content="<p>À\x7f ce soir\x1b</p>" + "y" * 3000,
        to=["http://node.test/actor"],
        in_reply_to=action_iri,
    )
    create = build.create(id=nadia.new_id(), actor=nadia.id, object=note)
    assert (await signed_post(fedi, create, actor=nadia)).status_code == 202
    with node.node.db.activate():
        await process_due(node.node)
        assert [i.status for i in await InboxItem.all()] == [InboxStatus.DONE] * 2
        row = await Participation.get(remote_actor_iri=nadia.id)
        assert row.message.startswith("Je viens avec un ami x") and len(row.message) == MESSAGE_MAX
        message = await Message.get(remote_actor_iri=nadia.id)
        assert message.body.startswith("À ce soir\nyyy") and len(message.body) == BODY_MAX
