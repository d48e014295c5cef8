"""A partner's call, seen on this node's call page: "Suivre cette association" follows the
partner's association (its node follows it once for everyone here); "Ne plus suivre" stops."""

from __future__ import annotations

from node.models import OutboxActivity
from tests.conftest import NodeFactory
from tests.factories import PARIS, call_body, make_association, set_area
from tests.fedtools import federated_nodes, settle
from tests.node.fed_support import member, ok, partner
from tests.web.conftest import csrf_of
from tests.web.test_web_partner_badges import text, web_login


async def test_follow_a_partner_association_from_its_call(node_factory: NodeFactory) -> None:
    paris, lyon = apps = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, *apps, scopes=("calls",))
    coordinator, coord_h = await member(paris, "Coord")
    association = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")
    await ok(
        paris,
        "POST",
        "/api/v1/calls",
        coord_h,
        json=call_body("volunteers", association=association),
    )
    await settle(*apps)
    nadia, nadia_h = await member(lyon, "Nadia")
    await set_area(lyon.test_client(), nadia_h, PARIS)
    mirror = (await ok(lyon, "GET", "/api/v1/calls", nadia_h))["items"][0]
    page_path = f"/calls/{mirror['id']}"

    client = await web_login(lyon, nadia)
    page = await text(client, page_path)
    assert "Suivre cette association" in page
    token = await csrf_of(client, page_path)
    action = f"{page_path}/follow-association"
    response = await client.post(action, form={"csrf_token": token})
    assert response.status_code == 303
    await settle(*apps)
    page = await text(client, page_path)
    assert "Ne plus suivre" in page and "Suivre cette association" not in page
    response = await client.post(action, form={"csrf_token": token, "stop": "1"})
    assert response.status_code == 303
    await settle(*apps)
    assert "Suivre cette association" in await text(client, page_path)
    with lyon.node.db.activate():
        assert await OutboxActivity.filter(type="Follow").count() == 1
        assert await OutboxActivity.filter(type="Undo").count() == 1

    # An unknown call is 404.
    response = await client.post(
        "/calls/00000000-0000-4000-8000-000000000000/follow-association",
        form={"csrf_token": token},
    )
    assert response.status_code == 404
