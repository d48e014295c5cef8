"""A call's coordinators see the answers of partner nodes' members that the call could not
count (here: the last place went to a resident of this node first), with why: on the call's
page and in the API. Nobody else does."""

from __future__ import annotations

from tests.conftest import NodeFactory
from tests.factories import PARIS, call_body, set_area
from tests.fedtools import settle
from tests.node.fed_support import call, calls_partners, member, ok
from tests.web.test_web_partner_badges import text, web_login


async def test_coordinators_see_the_partner_answers_not_counted(node_factory: NodeFactory) -> None:
    nodes = await calls_partners(node_factory)
    paris, lyon, apps = nodes.paris, nodes.lyon, nodes.apps
    coordinator, coord_h, association = nodes.coordinator, nodes.coord_h, nodes.association
    body = call_body("volunteers", association=association, title="Maraude", people=1)
    posted = await ok(paris, "POST", "/api/v1/calls", coord_h, json=body)
    await settle(*apps)

    # Nadia (Lyon) takes the one place; Zoé (Paris) takes it before Paris hears of Nadia.
    _, nadia_h = await member(lyon, "Nadia")
    await set_area(lyon.test_client(), nadia_h, PARIS)
    mirror = (await ok(lyon, "GET", "/api/v1/calls", nadia_h))["items"][0]
    await ok(lyon, "POST", f"/api/v1/calls/{mirror['id']}/answers", nadia_h, json={})
    zoe, zoe_h = await member(paris, "Zoé")
    await ok(paris, "POST", f"/api/v1/calls/{posted['id']}/answers", zoe_h, json={})
    await settle(*apps)

    # The coordinator's page: Zoé among those who answered, Nadia not counted, and why.
    client = await web_login(paris, coordinator)
    page = await text(client, f"/calls/{posted['id']}")
    assert "Réponses de nœuds partenaires non comptées" in page
    refused = page.split('id="refused-answers"', 1)[1].split("</ul>", 1)[0]
    assert "Nadia · lyon.test" in refused and "l'appel était déjà complet" in refused
    assert "Zoé" not in refused
    people = page.split('id="manage"', 1)[1].split('id="refused-answers"', 1)[0]
    assert "Zoé" in people and "Nadia" not in people

    # The API says the same, with the code Lyon was given in the Reject.
    path = f"/api/v1/calls/{posted['id']}/answers/refused"
    seen = await ok(paris, "GET", path, coord_h)
    assert [(r["pseudonym"], r["origin_domain"], r["reason"]) for r in seen["items"]] == [
        ("Nadia", "lyon.test", "full")
    ]
    counted = await ok(paris, "GET", f"/api/v1/calls/{posted['id']}/answers", coord_h)
    assert [r["pseudonym"] for r in counted["items"]] == ["Zoé"]

    # A respondent, or anyone else, sees neither: 404 as for the respondents list.
    assert "non comptées" not in await text(await web_login(paris, zoe), f"/calls/{posted['id']}")
    status, _ = await call(paris, "GET", path, zoe_h)
    assert status == 404
    status, _ = await call(paris, "GET", path)
    assert status == 401
    status, _ = await call(lyon, "GET", f"/api/v1/calls/{mirror['id']}/answers/refused", nadia_h)
    assert status == 404  # the partner's copy of a call: its answers are decided elsewhere
