"""Blocking a partner's domain ends the partnership on both sides: the blocked node is told
(the one Undo it still receives), its content leaves, nothing else reaches it."""

from __future__ import annotations

from node.models import Delivery, OutboxActivity, Partnership, PartnershipStatus
from tests.conftest import NodeFactory
from tests.fedtools import federated_nodes, settle
from tests.node.fed_support import call, feed, member, need, ok, partner

BLOCKS = "/api/v1/admin/federation/blocks"


async def test_a_block_ends_the_partnership_and_tells_the_other_node(
    node_factory: NodeFactory,
) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, paris, lyon)
    _, karim = await member(lyon, "Karim")
    await ok(lyon, "POST", "/api/v1/actions", karim, json=need("Soupe à Lyon"))
    await settle(paris, lyon)
    assert [a["title"] for a in await feed(paris) if a["origin"]] == ["Soupe à Lyon"]

    body = {"domain": "LYON.test", "reason": "abus répétés", "emergency": True}
    status, answer = await call(paris, "POST", BLOCKS, paris_admin, json=body)
    assert status in (200, 201), answer
    _, lea = await member(paris, "Léa")
    await ok(paris, "POST", "/api/v1/actions", lea, json=need("Après le blocage"))
    await settle(paris, lyon)

    with paris.node.db.activate():
        mine = await Partnership.get(remote_domain="lyon.test")
        undo = await OutboxActivity.get(type="Undo")
        sent = await Delivery.filter(host="lyon.test").prefetch_related("activity")
    assert mine.status == PartnershipStatus.ENDED
    assert [a for a in await feed(paris) if a["origin"]] == []
    # Only the farewell went out after the block: no new need reached the blocked node.
    after = [d for d in sent if d.created_at >= undo.created_at]
    assert [d.activity.type for d in after] == ["Undo"]
    with lyon.node.db.activate():
        theirs = await Partnership.get(remote_domain="paris.test")
    assert theirs.status == PartnershipStatus.ENDED
    assert not [a for a in await feed(lyon) if a["origin"]]
