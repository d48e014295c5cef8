"""Changing what an accepted partnership shares, between two nodes: sharing less takes effect at
once on both sides; sharing more waits for the partner, whose acceptance brings the guide's
places at once and whose refusal changes nothing; the API's refusals."""

from __future__ import annotations

from typing import Any

from node.http_state import EntraideApp
from node.models import Action, OutboxActivity
from tests.conftest import NodeFactory
from tests.factories import need_body
from tests.fedtools import federated_nodes, router_of, settle
from tests.node.fed.test_places import mirrors, place_body
from tests.node.fed_support import call, feed, member, ok, partner

PATH = "/api/v1/admin/partnerships"


async def _partners(
    node_factory: NodeFactory, scopes: tuple[str, ...]
) -> tuple[EntraideApp, dict[str, str], str, EntraideApp, dict[str, str], str]:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    mine, theirs = await partner(paris, paris_admin, lyon, lyon_admin, paris, lyon, scopes=scopes)
    assert mine["status"] == "accepted"
    return paris, paris_admin, mine["id"], lyon, lyon_admin, theirs["id"]


async def _row(app: EntraideApp, headers: dict[str, str], partnership_id: str) -> Any:
    rows = await ok(app, "GET", PATH, headers)
    return next(p for p in rows["items"] if p["id"] == partnership_id)


async def test_sharing_less_takes_effect_at_once_on_both_sides(node_factory: NodeFactory) -> None:
    paris, paris_admin, mine, lyon, lyon_admin, theirs = await _partners(
        node_factory, ("guide", "public_needs")
    )
    _, lea = await member(lyon, "Léa")
    await ok(lyon, "POST", "/api/v1/actions", lea, json=need_body("Soupe du soir"))
    await ok(lyon, "POST", "/api/v1/places", lyon_admin, json=place_body(name="Halte de nuit"))
    await settle(paris, lyon)
    assert [a["title"] for a in await feed(paris) if a["origin"]] == ["Soupe du soir"]
    assert [p.name for p in await mirrors(paris)] == ["Halte de nuit"]

    # Paris stops sharing public needs: at once, before Lyon even hears of it.
    body = {"scopes": ["guide"], "message": "Nous arrêtons les besoins publics"}
    row = await ok(paris, "PATCH", f"{PATH}/{mine}", paris_admin, json=body)
    assert row["scopes"] == ["guide"] and row["asked_to_share_more"] is None
    assert not [a for a in await feed(paris) if a["origin"]]  # Lyon's needs left our feed
    await settle(paris, lyon)
    assert (await _row(lyon, lyon_admin, theirs))["scopes"] == ["guide"]
    with paris.node.db.activate():
        [update] = await OutboxActivity.filter(type="Update")
    assert update.body["object"]["type"] == "Partnership"
    assert update.body["object"]["partnershipScope"] == ["guide"]

    # Neither side sends public needs any more; the guide still travels.
    router = router_of(paris)
    router.requests.clear()
    await ok(lyon, "POST", "/api/v1/actions", lea, json=need_body("Après le changement"))
    _, noa = await member(paris, "Noa")
    await ok(paris, "POST", "/api/v1/actions", noa, json=need_body("Vu seulement ici"))
    await settle(paris, lyon)
    assert not [a for a in await feed(paris) if a["origin"]]
    assert not [a for a in await feed(lyon) if a["origin"]]
    await ok(lyon, "POST", "/api/v1/places", lyon_admin, json=place_body(name="Douches"))
    await settle(paris, lyon)
    assert [p.name for p in await mirrors(paris)] == ["Douches", "Halte de nuit"]
    # Lyon narrows too, from its side: the guide is all that is left, and now nothing of the
    # guide can go (at least one scope stays: ending is DELETE).
    status, body = await call(lyon, "PATCH", f"{PATH}/{theirs}", lyon_admin, json={"scopes": []})
    assert status == 422, body
    with lyon.node.db.activate():
        assert not await Action.filter(origin_domain="paris.test").exists()


async def test_sharing_more_waits_for_the_partner_and_brings_the_guide(
    node_factory: NodeFactory,
) -> None:
    paris, paris_admin, mine, lyon, lyon_admin, theirs = await _partners(
        node_factory, ("public_needs",)
    )
    await ok(paris, "POST", "/api/v1/places", paris_admin, json=place_body(name="Halte de nuit"))
    await ok(lyon, "POST", "/api/v1/places", lyon_admin, json=place_body(name="Bains Lyon"))
    await settle(paris, lyon)
    assert await mirrors(lyon) == [] and await mirrors(paris) == []

    body = {"scopes": ["public_needs", "guide"], "message": "Partageons le guide"}
    row = await ok(paris, "PATCH", f"{PATH}/{mine}", paris_admin, json=body)
    # Nothing more is shared until Lyon agrees.
    assert row["scopes"] == ["public_needs"]
    assert row["asked_to_share_more"]["scopes"] == ["guide"]
    # A second request while the first waits: 409.
    status, _ = await call(paris, "PATCH", f"{PATH}/{mine}", paris_admin, json=body)
    assert status == 409
    await settle(paris, lyon)
    seen = await _row(lyon, lyon_admin, theirs)
    assert seen["scopes"] == ["public_needs"]
    assert seen["asks_to_share_more"]["scopes"] == ["guide"]
    assert seen["asks_to_share_more"]["message"] == "Partageons le guide"
    # Only the asked side answers.
    status, _ = await call(paris, "POST", f"{PATH}/{mine}/scopes/accept", paris_admin)
    assert status == 404

    accepted = await ok(lyon, "POST", f"{PATH}/{theirs}/scopes/accept", lyon_admin)
    assert accepted["scopes"] == ["guide", "public_needs"]
    assert accepted["asks_to_share_more"] is None
    await settle(paris, lyon)
    row = await _row(paris, paris_admin, mine)
    assert row["scopes"] == ["guide", "public_needs"] and row["asked_to_share_more"] is None
    # Each side sent the places it had, as at a partnership's acceptance.
    assert [p.name for p in await mirrors(lyon)] == ["Halte de nuit"]
    assert [p.name for p in await mirrors(paris)] == ["Bains Lyon"]
    status, _ = await call(lyon, "POST", f"{PATH}/{theirs}/scopes/accept", lyon_admin)
    assert status == 404  # answered already


async def test_a_refused_request_to_share_more_changes_nothing(node_factory: NodeFactory) -> None:
    paris, paris_admin, mine, lyon, lyon_admin, theirs = await _partners(
        node_factory, ("public_needs",)
    )
    await ok(lyon, "POST", "/api/v1/places", lyon_admin, json=place_body(name="Bains Lyon"))
    # Lyon asks this time, and narrows nothing.
    body = {"scopes": ["guide", "public_needs"]}
    await ok(lyon, "PATCH", f"{PATH}/{theirs}", lyon_admin, json=body)
    await settle(paris, lyon)
    refused = await ok(paris, "POST", f"{PATH}/{mine}/scopes/reject", paris_admin)
    assert refused["scopes"] == ["public_needs"] and refused["asks_to_share_more"] is None
    await settle(paris, lyon)
    row = await _row(lyon, lyon_admin, theirs)
    assert row["scopes"] == ["public_needs"] and row["asked_to_share_more"] is None
    assert await mirrors(paris) == []
    # Lyon may ask again once refused.
    again = await ok(lyon, "PATCH", f"{PATH}/{theirs}", lyon_admin, json=body)
    assert again["asked_to_share_more"]["scopes"] == ["guide"]


async def test_the_api_refuses_what_it_cannot_do(node_factory: NodeFactory) -> None:
    paris, paris_admin, mine, lyon, lyon_admin, theirs = await _partners(
        node_factory, ("public_needs",)
    )
    _, someone = await member(paris, "Sam")
    path = f"{PATH}/{mine}"
    good = {"scopes": ["public_needs", "calls"]}
    assert (await call(paris, "PATCH", path, {}, json=good))[0] == 401
    assert (await call(paris, "PATCH", path, someone, json=good))[0] == 403
    unknown = f"{PATH}/00000000-0000-4000-8000-000000000000"
    assert (await call(paris, "PATCH", unknown, paris_admin, json=good))[0] == 404
    assert (await call(paris, "POST", f"{unknown}/scopes/accept", paris_admin))[0] == 404
    for bad in (
        {"scopes": ["everything"]},
        {"scopes": []},
        {"scopes": ["public_needs"]},  # shared already
        {"scopes": ["calls"], "message": "x" * 1001},
        {"scopes": ["calls"], "extra": True},
    ):
        status, body = await call(paris, "PATCH", path, paris_admin, json=bad)
        assert status == 422, (bad, status, body)
    assert (await _row(paris, paris_admin, mine))["scopes"] == ["public_needs"]
    # An ended partnership shares nothing any more: 409.
    await ok(paris, "DELETE", path, paris_admin)
    status, _ = await call(paris, "PATCH", path, paris_admin, json=good)
    assert status == 409
    await settle(paris, lyon)
    status, _ = await call(lyon, "PATCH", f"{PATH}/{theirs}", lyon_admin, json=good)
    assert status == 409


async def test_a_request_to_share_more_may_be_withdrawn_until_answered(
    node_factory: NodeFactory,
) -> None:
    paris, paris_admin, mine, lyon, lyon_admin, theirs = await _partners(
        node_factory, ("public_needs",)
    )
    await ok(lyon, "POST", "/api/v1/places", lyon_admin, json=place_body(name="Bains Lyon"))
    body = {"scopes": ["guide", "public_needs"]}
    withdraw = f"{PATH}/{mine}/scopes/request"
    assert (await call(paris, "DELETE", withdraw, paris_admin))[0] == 404  # nothing asked
    await ok(paris, "PATCH", f"{PATH}/{mine}", paris_admin, json=body)
    await settle(paris, lyon)
    assert (await _row(lyon, lyon_admin, theirs))["asks_to_share_more"]["scopes"] == ["guide"]
    _, someone = await member(paris, "Sam")
    assert (await call(paris, "DELETE", withdraw, someone))[0] == 403
    row = await ok(paris, "DELETE", withdraw, paris_admin)
    assert row["asked_to_share_more"] is None and row["scopes"] == ["public_needs"]
    await settle(paris, lyon)
    assert (await _row(lyon, lyon_admin, theirs))["asks_to_share_more"] is None
    assert (await call(lyon, "POST", f"{PATH}/{theirs}/scopes/accept", lyon_admin))[0] == 404

    # Asked again, withdrawn while Lyon accepts it: the Undo and the Accept cross. Paris tells
    # Lyon again what it shares (an Update), and both sides end with the same list.
    await ok(paris, "PATCH", f"{PATH}/{mine}", paris_admin, json=body)
    await settle(paris, lyon)
    await ok(paris, "DELETE", withdraw, paris_admin)
    accepted = await ok(lyon, "POST", f"{PATH}/{theirs}/scopes/accept", lyon_admin)
    assert accepted["scopes"] == ["guide", "public_needs"]
    await settle(paris, lyon)
    assert (await _row(paris, paris_admin, mine))["scopes"] == ["public_needs"]
    assert (await _row(lyon, lyon_admin, theirs))["scopes"] == ["public_needs"]
    assert await mirrors(paris) == []  # what Lyon sent at its acceptance was not taken
