"""Moderators hide a reported call or guide place of this node: it leaves the lists and pages of
others here, and partners receive its ``Delete``; restoring it sends a ``Create`` and it is back
on both nodes. Those who run it and the moderators still open it while it is hidden."""

from __future__ import annotations

from typing import Any

from node.http_state import EntraideApp
from node.models import Member, OutboxActivity
from tests.conftest import NodeFactory
from tests.factories import PARIS, call_body, make_association, set_area
from tests.fedtools import federated_nodes, settle
from tests.node.fed.test_places import NEAR_GARE_DU_NORD, mirrors, place_body
from tests.node.fed_support import call, member, ok, partner


async def _moderator(app: EntraideApp) -> dict[str, str]:
    moderator, headers = await member(app, "Modé")
    with app.node.db.activate():
        await Member.filter(id=moderator.id).update(is_moderator=True)
    return headers


async def _act(app: EntraideApp, mod: dict[str, str], report: int, verb: str) -> dict[str, Any]:
    url = f"/api/v1/moderation/reports/{report}/actions"
    return await ok(app, "POST", url, mod, json={"verb": verb, "reason": "Signalé à raison"})


async def _calls(app: EntraideApp, headers: dict[str, str]) -> list[str]:
    listed = await ok(app, "GET", "/api/v1/calls", headers)
    return [item["title"] for item in listed["items"]]


async def _places(app: EntraideApp, headers: dict[str, str]) -> list[str]:
    found = await ok(app, "GET", f"/api/v1/places?{NEAR_GARE_DU_NORD}", headers)
    return [item["name"] for item in found["items"]]


async def test_hidden_calls_and_places_are_deleted_for_partners_until_restored(
    node_factory: NodeFactory,
) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, paris, lyon, scopes=("calls", "guide"))
    coordinator, coord_h = await member(paris, "Coord")
    association = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")
    _, nadia_h = await member(paris, "Nadia")
    _, omar_h = await member(lyon, "Omar")
    for app, headers in ((paris, nadia_h), (lyon, omar_h)):
        await set_area(app.test_client(), headers, PARIS)
    posted = await ok(
        paris, "POST", "/api/v1/calls", coord_h, json=call_body(association=association)
    )
    place = await ok(paris, "POST", "/api/v1/places", coord_h, json=place_body(association))
    await settle(paris, lyon)
    title = posted["title"]
    assert await _calls(lyon, omar_h) == [title]
    assert [m.name for m in await mirrors(lyon)] == ["Bains-douches Gare du Nord"]

    told = await ok(paris, "GET", "/api/v1/notifications", nadia_h)
    assert [n["kind"] for n in told["items"]] == ["call_nearby"]
    mod = await _moderator(paris)
    reports = {}
    for target in (f"call:{posted['id']}", f"place:{place['id']}"):
        body = {"target": target, "category": "fraud", "text": "Une arnaque"}
        reports[target] = int(
            (await ok(paris, "POST", "/api/v1/reports", nadia_h, json=body))["id"]
        )
    call_report, place_report = reports.values()
    assert (await _act(paris, mod, call_report, "hide"))["context"]["hidden"] is True
    assert (await _act(paris, mod, place_report, "hide"))["context"]["hidden"] is True
    again = await call(
        paris,
        "POST",
        f"/api/v1/moderation/reports/{call_report}/actions",
        mod,
        json={"verb": "hide", "reason": "Encore"},
    )
    assert again[0] == 422
    with paris.node.db.activate():
        deleted = await OutboxActivity.filter(type="Delete").values_list("body", flat=True)
    assert sorted(d["object"]["formerType"] for d in deleted) == ["as:Note", "as:Place"]  # type: ignore[index]
    await settle(paris, lyon)

    # Gone from Lyon, and from the lists, pages and notifications of others on Paris.
    assert (await ok(paris, "GET", "/api/v1/notifications", nadia_h))["items"] == []
    assert await _calls(lyon, omar_h) == []
    assert await mirrors(lyon) == []
    assert await _calls(paris, nadia_h) == []
    assert await _places(paris, nadia_h) == []
    call_page, place_page = f"/api/v1/calls/{posted['id']}", f"/api/v1/places/{place['id']}"
    for page in (call_page, place_page):
        assert (await call(paris, "GET", page, nadia_h))[0] == 404
        assert (await call(paris, "GET", page, coord_h))[0] == 200
        assert (await call(paris, "GET", page, mod))[0] == 200
    answer = {"pledges": [{"item_id": posted["items"][0]["id"], "quantity": 1}]}
    refused = await call(paris, "POST", f"{call_page}/answers", nadia_h, json=answer)
    assert refused[0] == 404
    for path in (f"/calls/{posted['id']}", f"/guide/{place['id']}"):
        ap = await paris.test_client().get(path, headers={"Accept": "application/activity+json"})
        assert ap.status_code == 404, path
    # Its association's edit while hidden is not sent to partners.
    await ok(paris, "PATCH", call_page, coord_h, json={"title": "Grand froid (modifié)"})
    with paris.node.db.activate():
        assert not await OutboxActivity.filter(type="Update").exists()

    await _act(paris, mod, call_report, "restore")
    await _act(paris, mod, place_report, "restore")
    await settle(paris, lyon)
    assert await _calls(lyon, omar_h) == ["Grand froid (modifié)"]
    assert [m.name for m in await mirrors(lyon)] == ["Bains-douches Gare du Nord"]
    assert await _calls(paris, nadia_h) == ["Grand froid (modifié)"]
    assert await _places(paris, nadia_h) == ["Bains-douches Gare du Nord"]
