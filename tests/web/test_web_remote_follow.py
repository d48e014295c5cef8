"""A partner's call, seen on this node's call page: "Suivre cette association" follows the
partner's association (its node follows it once for everyone here); "Ne plus suivre" stops."""

from __future__ import annotations

from datetime import timedelta

from node import clock
from node.models import Call, OutboxActivity, RemoteActor
from tests.conftest import NodeFactory
from tests.factories import PARIS, call_body, set_area
from tests.fedtools import settle
from tests.node.fed_support import calls_partners, member, ok
from tests.web.conftest import csrf_of
from tests.web.test_web_partner_badges import text, web_login


async def test_follow_a_partner_association_from_its_call(node_factory: NodeFactory) -> None:
    nodes = await calls_partners(node_factory)
    paris, lyon, apps = nodes.paris, nodes.lyon, nodes.apps
    coord_h, association = nodes.coord_h, nodes.association
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


async def test_page_of_a_partner_association(node_factory: NodeFactory) -> None:
    """Its name and node, its open calls relayed here, what they still need (added up over
    its calls), and the follow button; the same in the API. Only what its calls made public:
    a call hidden by moderators is not listed, and an actor no visible call comes from is 404."""
    nodes = await calls_partners(node_factory)
    paris, lyon, apps = nodes.paris, nodes.lyon, nodes.apps
    coord_h, association = nodes.coord_h, nodes.association
    for body in (
        call_body("volunteers", association=association, title="Maraude du mardi"),
        call_body("donations", association=association, title="Duvets pour l'hiver"),
        call_body(
            "donations",
            association=association,
            title="Encore des duvets",
            items=[{"label": "duvets", "quantity": 5}],
        ),
    ):
        await ok(paris, "POST", "/api/v1/calls", coord_h, json=body)
        await settle(*apps)
        for app in apps:  # the oldest call's wording names an item asked for by several
            app.node.clock.advance(timedelta(minutes=1))
    nadia, nadia_h = await member(lyon, "Nadia")
    await set_area(lyon.test_client(), nadia_h, PARIS)
    mirrors = (await ok(lyon, "GET", "/api/v1/calls", nadia_h))["items"]
    assert len(mirrors) == 3
    actor = mirrors[0]["association_actor"]

    # Each of its calls' pages links to the association's page.
    client = await web_login(lyon, nadia)
    call_page = await text(client, f"/calls/{mirrors[0]['id']}")
    page_path = call_page.split('href="/associations/remote/', 1)[1].split('"', 1)[0]
    page_path = f"/associations/remote/{page_path}"
    page = await text(client, page_path)
    assert "<h1>Chaleur</h1>" in page
    assert "Association du nœud partenaire paris.test" in page
    for title in ("Maraude du mardi", "Duvets pour l'hiver", "Encore des duvets"):
        assert title in page
    needs = page.split('id="needs-now"', 1)[1].split("</ul>", 1)[0]
    assert "3 bénévoles" in needs
    assert "Duvets : <strong>25</strong>" in needs
    assert "Chaussures 42-44 : <strong>10</strong>" in needs

    # Following from this page: one Follow from the node, and the page says so.
    token = await csrf_of(client, page_path)
    response = await client.post(f"{page_path}/follow", form={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == page_path
    await settle(*apps)
    page = await text(client, page_path)
    assert "Ne plus suivre" in page and "1 abonné ici" in page
    about = "/api/v1/partner-associations"
    seen = await ok(lyon, "GET", about, nadia_h, query_string={"actor": actor})
    assert seen["name"] == "Chaleur" and seen["origin_domain"] == "paris.test"
    assert seen["following"] is True and seen["state"] == "accepted" and seen["followers"] == 1
    assert seen["needs"]["people"] == 3
    assert {"label": "Duvets", "remaining": 25} in seen["needs"]["items"]
    assert sorted(c["title"] for c in seen["calls"]) == sorted(c["title"] for c in mirrors)
    response = await client.post(f"{page_path}/follow", form={"csrf_token": token, "stop": "1"})
    assert response.status_code == 303
    await settle(*apps)
    assert "Suivre cette association" in await text(client, page_path)
    with lyon.node.db.activate():
        assert await OutboxActivity.filter(type="Follow").count() == 1
        assert await OutboxActivity.filter(type="Undo").count() == 1

    # Anyone may read it (its calls are public posts); following needs an account.
    anonymous = lyon.test_client()
    page = await text(anonymous, page_path)
    assert "Connectez-vous pour la suivre" in page and 'id="follow-association"' not in page
    anonymous_token = await csrf_of(anonymous, "/login")
    response = await anonymous.post(f"{page_path}/follow", form={"csrf_token": anonymous_token})
    assert response.status_code == 303 and response.headers["Location"].startswith("/login")
    public = await anonymous.get("/api/v1/partner-associations", query_string={"actor": actor})
    assert public.status_code == 200
    assert (await public.get_json())["following"] is False

    # A call hidden by the moderators is not listed; once none is visible, no page at all.
    with lyon.node.db.activate():
        hidden = await Call.get(id=mirrors[0]["id"])
        hidden.hidden_at = clock.now()
        await hidden.save(update_fields=["hidden_at"])
    assert hidden.title not in await text(client, page_path)
    with lyon.node.db.activate():
        await Call.filter(remote_association_iri=actor).update(hidden_at=clock.now())
    assert (await client.get(page_path)).status_code == 404
    assert (await client.post(f"{page_path}/follow", form={"csrf_token": token})).status_code == 404
    gone = await anonymous.get("/api/v1/partner-associations", query_string={"actor": actor})
    assert gone.status_code == 404

    # Another actor this node knows (the partner's own server actor), or none: 404; no actor: 422.
    with lyon.node.db.activate():
        server = await RemoteActor.get(ap_id=f"{paris.node.settings.base_url}/actor")
    assert (await client.get(f"/associations/remote/{server.id}")).status_code == 404
    assert (await client.get("/associations/remote/999999")).status_code == 404
    strange = await anonymous.get(
        "/api/v1/partner-associations", query_string={"actor": server.ap_id}
    )
    assert strange.status_code == 404
    assert (await anonymous.get("/api/v1/partner-associations")).status_code == 422
