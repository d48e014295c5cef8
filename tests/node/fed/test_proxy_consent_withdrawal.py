"""A person an association posts for takes their consent back: Paris deletes the proxy profile
and the needs posted for it, and Lyon, a partner that showed them, drops them too (the same
``Delete{Tombstone}`` as for a deleted account)."""

from __future__ import annotations

from node.http_state import EntraideApp
from node.models import AssociationRole, OutboxActivity
from tests.conftest import NodeFactory
from tests.factories import make_association, make_proxy
from tests.fedtools import federated_nodes, settle
from tests.node.fed_support import call, feed, member, need, ok, partner


def _titles(items: list[dict[str, object]]) -> set[object]:
    return {item["title"] for item in items}


async def _lyon_has(lyon: EntraideApp, title: str) -> bool:
    return title in _titles(await feed(lyon))


async def test_withdrawn_consent_reaches_the_partner(node_factory: NodeFactory) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(lyon, lyon_admin, paris, paris_admin, paris, lyon)

    coordinator, headers = await member(paris, "Coordinatrice")
    association = await make_association(
        paris, {coordinator: AssociationRole.COORDINATOR}, name="La Halte"
    )
    jo = await make_proxy(paris, association, "Jo")
    body = {
        **need("Un duvet pour Jo"),
        "on_behalf_of": str(jo.id),
        "association_id": str(association.id),
        "consent": True,
    }
    await ok(paris, "POST", "/api/v1/actions", headers, json=body)
    await ok(paris, "POST", "/api/v1/actions", headers, json=need("Un café le matin"))
    await settle(paris, lyon)
    assert await _lyon_has(lyon, "Un duvet pour Jo")

    url = f"/api/v1/associations/{association.id}/proxies/{jo.id}"
    status, _ = await call(paris, "DELETE", url, headers)
    assert status == 204
    with paris.node.db.activate():
        deletes = await OutboxActivity.filter(type="Delete")
        tombstones = [d for d in deletes if isinstance(d.body["object"], dict)]
        assert [t.body["object"]["type"] for t in tombstones] == ["Tombstone"]
    await settle(paris, lyon)
    titles = _titles(await feed(lyon))
    assert "Un duvet pour Jo" not in titles
    assert "Un café le matin" in titles  # the coordinator's own need stays
    assert "Un duvet pour Jo" not in _titles(await feed(paris))
