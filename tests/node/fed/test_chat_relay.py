"""A chat line written on another node, in the chat of one of our outings that people of two
partner nodes joined. It is kept here and shown; it is never sent on to the third node under a
name of ours (this node cannot sign for someone of another server), and nothing goes back to
the node it came from. Our own members' lines reach every remote participant."""

from __future__ import annotations

from datetime import timedelta

from federation import build, objects
from node import clock
from node.fed.processing import process_due
from node.models import Message
from node.worker.federation import run_once
from tests.conftest import NodeFactory
from tests.fedtools import accepted_partner, fediverse_node, signed_post
from tests.node.fed_support import member, need, ok


async def test_a_line_from_another_node_is_kept_not_relayed(node_factory: NodeFactory) -> None:
    node, fedi = await fediverse_node(node_factory)
    for domain in ("lyon.test", "nantes.test"):
        await accepted_partner(node, domain)
    nadia = fedi.add_actor("lyon.test", "nadia")
    omar = fedi.add_actor("nantes.test", "omar")
    _, author = await member(node, "Léa")
    start = clock.now() + timedelta(days=2)
    outing = need(
        "Maraude du jeudi",
        kind="outing",
        category="social",
        starts_at=start.isoformat(),
        ends_at=(start + timedelta(hours=3)).isoformat(),
        place_name="Gare de Lyon",
        capacity=5,
        auto_accept=True,
    )
    posted = await ok(node, "POST", "/api/v1/actions", author, json=outing)
    action_iri = f"http://node.test/actions/{posted['id']}"
    for actor in (nadia, omar):
        join = build.join(id=actor.new_id(), actor=actor.id, object=action_iri)
        assert (await signed_post(fedi, join, actor=actor)).status_code == 202
    note = objects.note(
        id=f"{nadia.id}/statuses/1",
        attributed_to=nadia.id,
        content="<p>J'apporte du café</p>",
        to=["http://node.test/actor"],
        in_reply_to=action_iri,
    )
    create = build.create(id=nadia.new_id(), actor=nadia.id, object=note)
    assert (await signed_post(fedi, create, actor=nadia)).status_code == 202
    with node.node.db.activate():
        await process_due(node.node)
        assert [m.body for m in await Message.filter(remote_actor_iri=nadia.id)] == [
            "J'apporte du café"
        ]
        for _ in range(3):
            await run_once(node.node)
    notes = [
        a["object"]
        for inbox in (omar.shared_inbox, nadia.shared_inbox)
        for a in fedi.deliveries_to(inbox)
        if a["type"] == "Create"
    ]
    assert notes == []  # only the two Accepts went out
    # Léa's own line reaches both, attributed to her.
    await ok(
        node, "POST", f"/api/v1/actions/{posted['id']}/messages", author, json={"body": "Super"}
    )
    with node.node.db.activate():
        for _ in range(3):
            await run_once(node.node)
    for inbox in (omar.shared_inbox, nadia.shared_inbox):
        [line] = [a["object"] for a in fedi.deliveries_to(inbox) if a["type"] == "Create"]
        assert line["attributedTo"].startswith("http://node.test/members/")
        assert "None" not in line["attributedTo"]
    assert fedi.rejections == []
