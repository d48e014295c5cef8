"""Blocks across nodes, enforced where the blocker lives (nothing is sent to the other node):
Léa of Paris blocks Nadia of Lyon by her actor IRI; Nadia's Join, chat Note and needs stop
at Paris. Nadia blocks Léa on Lyon: Léa's needs are gone from her feed and cannot be joined."""

from __future__ import annotations

from node import iris
from node.models import OutboxActivity, Participation
from tests.conftest import NodeFactory
from tests.factories import need_body
from tests.fedtools import federated_nodes, settle
from tests.node.fed_support import call, feed, member, ok, partner


def _titles(items: list[dict[str, object]]) -> set[object]:
    return {item["title"] for item in items}


async def test_a_block_of_a_remote_person_holds_both_ways(node_factory: NodeFactory) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    apps = (paris, lyon)
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(lyon, lyon_admin, paris, paris_admin, *apps)
    lea, lea_headers = await member(paris, "Léa")
    _, karim = await member(paris, "Karim")
    nadia, nadia_headers = await member(lyon, "Nadia")
    lea_iri = iris.member_actor_iri(paris.node.settings, lea.id)
    nadia_iri = iris.member_actor_iri(lyon.node.settings, nadia.id)

    coat = await ok(paris, "POST", "/api/v1/actions", lea_headers, json=need_body("Un manteau"))
    bottes = await ok(
        paris,
        "POST",
        "/api/v1/actions",
        lea_headers,
        json=need_body("Des bottes", auto_accept=True),
    )
    await ok(lyon, "POST", "/api/v1/actions", nadia_headers, json=need_body("Un vélo"))
    await settle(*apps)
    remote = {a["title"]: a["id"] for a in await feed(lyon) if a["origin"]}
    # Nadia joins the coat need; Léa accepts; they chat.
    parts = f"/api/v1/actions/{remote['Un manteau']}/participations"
    await ok(lyon, "POST", parts, nadia_headers, json={})
    await settle(*apps)
    paris_parts = f"/api/v1/actions/{coat['id']}/participations"
    (row,) = (await ok(paris, "GET", paris_parts, lea_headers))["items"]
    await ok(paris, "PATCH", f"{paris_parts}/{row['id']}", lea_headers, json={"status": "accepted"})
    await settle(*apps)
    assert "Un vélo" in _titles(await feed(paris, lea_headers))

    # Léa blocks Nadia by her actor IRI: nothing is sent to Lyon.
    with paris.node.db.activate():
        before = await OutboxActivity.all().count()
    await ok(paris, "POST", "/api/v1/me/blocks", lea_headers, json={"actor": nadia_iri})
    with paris.node.db.activate():
        assert await OutboxActivity.all().count() == before
    # Léa no longer sees Nadia's need nor her participation; Karim still does.
    assert "Un vélo" not in _titles(await feed(paris, lea_headers))
    assert "Un vélo" in _titles(await feed(paris, karim))
    velo = next(a["id"] for a in await feed(paris, karim) if a["title"] == "Un vélo")
    assert (await call(paris, "GET", f"/api/v1/actions/{velo}", lea_headers))[0] == 404
    assert (await ok(paris, "GET", paris_parts, lea_headers))["items"] == []
    # Nadia's chat message and her Join to Léa's other need are refused at Paris.
    chat = f"/api/v1/actions/{remote['Un manteau']}/messages"
    await ok(lyon, "POST", chat, nadia_headers, json={"body": "Tu es là ?"})
    boots = f"/api/v1/actions/{remote['Des bottes']}/participations"
    await ok(lyon, "POST", boots, nadia_headers, json={})
    await settle(*apps)
    got = (await ok(paris, "GET", f"/api/v1/actions/{coat['id']}/messages", lea_headers))["items"]
    assert "Tu es là ?" not in {m["body"] for m in got}
    with paris.node.db.activate():
        assert not await Participation.exists(action_id=bottes["id"], remote_actor_iri=nadia_iri)

    # Nadia blocks Léa on Lyon: Léa's needs leave her feed and cannot be joined there.
    await ok(lyon, "POST", "/api/v1/me/blocks", nadia_headers, json={"actor": lea_iri})
    titles = _titles(await feed(lyon, nadia_headers))
    assert "Un manteau" not in titles and "Des bottes" not in titles
    assert (await call(lyon, "POST", boots, nadia_headers, json={}))[0] == 404
    assert "Un manteau" in _titles(await feed(lyon))  # others still see them

    # Unblocked at Paris: Nadia's need is back for Léa.
    await ok(paris, "DELETE", "/api/v1/me/blocks", lea_headers, json={"actor": nadia_iri})
    assert "Un vélo" in _titles(await feed(paris, lea_headers))
