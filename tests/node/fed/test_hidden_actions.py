"""Moderators hide a reported public action: it leaves the partner's feed with a
``Delete{Tombstone}``, and comes back with a ``Create`` when they restore it. A partner's action
hidden on this node stays on its own node."""

from __future__ import annotations

from node.http_state import EntraideApp
from node.models import Member, OutboxActivity
from tests.conftest import NodeFactory
from tests.fedtools import federated_nodes, settle
from tests.node.fed_support import call, feed, member, need, ok, partner


async def _moderator(app: EntraideApp) -> dict[str, str]:
    moderator, headers = await member(app, "Modé")
    with app.node.db.activate():
        await Member.filter(id=moderator.id).update(is_moderator=True)
    return headers


def _titles(items: list[dict[str, object]]) -> set[object]:
    return {item["title"] for item in items}


async def _report(app: EntraideApp, headers: dict[str, str], target: str) -> int:
    body = {"target": target, "category": "fraud", "text": "Une arnaque"}
    report = await ok(app, "POST", "/api/v1/reports", headers, json=body)
    return int(report["id"])


async def test_hiding_deletes_for_partners_and_restoring_creates_again(
    node_factory: NodeFactory,
) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(lyon, lyon_admin, paris, paris_admin, paris, lyon)
    _, lea = await member(paris, "Léa")
    action = await ok(paris, "POST", "/api/v1/actions", lea, json=need("Vends des papiers"))
    await settle(paris, lyon)
    assert "Vends des papiers" in _titles(await feed(lyon))
    assert "Vends des papiers" in _titles(await feed(paris))  # now in the anonymous cache

    mod = await _moderator(paris)
    _, nadia = await member(paris, "Nadia")
    report = await _report(paris, nadia, f"action:{action['id']}")
    url = f"/api/v1/moderation/reports/{report}/actions"
    no_reason = await call(paris, "POST", url, mod, json={"verb": "hide", "reason": " "})
    assert no_reason[0] == 422
    hidden = await ok(paris, "POST", url, mod, json={"verb": "hide", "reason": "Arnaque"})
    assert hidden["context"]["hidden"] is True
    assert hidden["entries"][-1]["verb"] == "hide"
    again = await call(paris, "POST", url, mod, json={"verb": "hide", "reason": "Encore"})
    assert again[0] == 422
    with paris.node.db.activate():
        delete = await OutboxActivity.get(type="Delete")
        assert delete.body["object"]["type"] == "Tombstone"
    await settle(paris, lyon)
    assert "Vends des papiers" not in _titles(await feed(lyon))
    # Gone for the others on Paris too; its author and the moderators still open it.
    assert "Vends des papiers" not in _titles(await feed(paris, nadia))
    assert "Vends des papiers" not in _titles(await feed(paris))
    page = f"/api/v1/actions/{action['id']}"
    assert (await call(paris, "GET", page, nadia))[0] == 404
    assert (await call(paris, "GET", page, lea))[0] == 200
    assert (await call(paris, "GET", page, mod))[0] == 200
    object_status = (
        await paris.test_client().get(
            f"/actions/{action['id']}", headers={"Accept": "application/activity+json"}
        )
    ).status_code
    assert object_status == 404
    # Its author's edit while hidden is not sent to partners.
    await ok(paris, "PATCH", page, lea, json={"title": "Vends des papiers (modifié)"})
    with paris.node.db.activate():
        assert not await OutboxActivity.filter(type="Update").exists()

    restored = await ok(paris, "POST", url, mod, json={"verb": "restore", "reason": "Erreur"})
    assert restored["context"]["hidden"] is False
    await settle(paris, lyon)
    assert "Vends des papiers (modifié)" in _titles(await feed(lyon))
    assert (await call(paris, "GET", page, nadia))[0] == 200


async def test_a_partners_action_is_hidden_here_only(node_factory: NodeFactory) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(lyon, lyon_admin, paris, paris_admin, paris, lyon)
    _, sara = await member(lyon, "Sara")
    await ok(lyon, "POST", "/api/v1/actions", sara, json=need("Un manteau"))
    await settle(paris, lyon)
    (remote,) = [a for a in await feed(paris) if a["title"] == "Un manteau"]
    mod = await _moderator(paris)
    _, nadia = await member(paris, "Nadia")
    report = await _report(paris, nadia, f"action:{remote['id']}")
    url = f"/api/v1/moderation/reports/{report}/actions"
    await ok(paris, "POST", url, mod, json={"verb": "hide", "reason": "Arnaque"})
    with paris.node.db.activate():
        assert not await OutboxActivity.filter(type="Delete").exists()
    await settle(paris, lyon)
    assert "Un manteau" not in _titles(await feed(paris, nadia))
    assert "Un manteau" in _titles(await feed(lyon))
