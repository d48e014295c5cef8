"""Partnerships between three nodes in one process (Paris, Lyon, Petits frères des pauvres):
ask, accept, refuse, end; the admin API's rejection paths."""

from __future__ import annotations

from node.models import Action, Partnership, PartnershipStatus
from node.services import partnerships
from tests.conftest import NodeFactory
from tests.factories import need_body
from tests.fedtools import federated_nodes, router_of, settle
from tests.node.fed_support import call, feed, member, ok, partner

PATH = "/api/v1/admin/partnerships"


async def test_handshake_accept_share_and_end(node_factory: NodeFactory) -> None:
    paris, lyon, pfp = await federated_nodes(node_factory, "paris", "lyon", "pfp")
    apps = (paris, lyon, pfp)
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    mine, theirs = await partner(paris, paris_admin, lyon, lyon_admin, *apps)
    assert mine["status"] == "accepted" and mine["direction"] == "outgoing"
    assert mine["remote_domain"] == "lyon.test" and mine["scopes"] == ["public_needs"]
    assert theirs["direction"] == "incoming" and theirs["message"] == "Travaillons ensemble"
    assert theirs["remote_actor"] == "http://paris.test/actor"
    with lyon.node.db.activate():
        assert await partnerships.is_partner_domain("paris.test", "public_needs")
        assert not await partnerships.is_partner_domain("paris.test", "outreach")
        assert not await partnerships.is_partner_domain("pfp.test")

    # Both sides share their public needs now.
    _, lyon_member = await member(lyon, "Nadia")
    posted = await ok(lyon, "POST", "/api/v1/actions", lyon_member, json=need_body("Soupe du soir"))
    await settle(*apps)
    seen = [a for a in await feed(paris) if a["origin"]]
    assert [a["title"] for a in seen] == ["Soupe du soir"]
    assert seen[0]["origin"] == {
        "domain": "lyon.test",
        "url": f"http://lyon.test/actions/{posted['id']}",
    }
    assert not [a for a in await feed(pfp) if a["origin"]]  # not a partner

    # Lyon ends it: Paris is told, each side withdraws the other's content.
    status, ended = await call(lyon, "DELETE", f"{PATH}/{theirs['id']}", lyon_admin)
    assert status == 200 and ended["status"] == "ended" and ended["ended_at"]
    await settle(*apps)
    rows = await ok(paris, "GET", PATH, paris_admin)
    assert rows["items"][0]["status"] == "ended"
    assert not [a for a in await feed(paris) if a["origin"]]
    with paris.node.db.activate():
        assert not await Action.filter(origin_domain="lyon.test").exists()
    # Nothing more is shared.
    router = router_of(paris)
    router.requests.clear()
    await ok(lyon, "POST", "/api/v1/actions", lyon_member, json=need_body("Après la fin"))
    await settle(*apps)
    assert not [r for r in router.requests if r.url.host == "paris.test" and r.method == "POST"]
    assert not [a for a in await feed(paris) if a["origin"]]
    # A new request is possible after the end.
    again, _ = await partner(paris, paris_admin, lyon, lyon_admin, *apps, scopes=("calls",))
    assert again["status"] == "accepted" and again["scopes"] == ["calls"]


async def test_refuse_and_withdraw(node_factory: NodeFactory) -> None:
    paris, lyon, pfp = await federated_nodes(node_factory, "paris", "lyon", "pfp")
    apps = (paris, lyon, pfp)
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, pfp_admin = await member(pfp, "Admin PFP", admin=True)
    mine, theirs = await partner(paris, paris_admin, pfp, pfp_admin, *apps, accept=False)
    assert mine["status"] == "rejected" and mine["decided_at"]
    with pfp.node.db.activate():
        row = await Partnership.get(id=theirs["id"])
        assert row.status == PartnershipStatus.REJECTED and row.active_domain is None
    _, paris_member = await member(paris, "Léa")
    await ok(paris, "POST", "/api/v1/actions", paris_member, json=need_body())
    await settle(*apps)
    assert not [a for a in await feed(pfp) if a["origin"]]
    # Withdrawing our own pending request (acct: form of the target this time).
    body = {"target": "acct:lyon.test@lyon.test", "scopes": ["outreach", "calls"]}
    asked = await ok(paris, "POST", PATH, paris_admin, json=body)
    assert asked["status"] == "pending" and asked["scopes"] == ["calls", "outreach"]
    await settle(*apps)
    withdrawn = await ok(paris, "DELETE", f"{PATH}/{asked['id']}", paris_admin)
    assert withdrawn["status"] == "ended"
    await settle(*apps)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    received = (await ok(lyon, "GET", PATH, lyon_admin))["items"]
    assert [p["status"] for p in received] == ["ended"]


async def test_admin_api_rejections(node_factory: NodeFactory) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, admin = await member(paris, "Admin", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    _, resident = await member(paris, "Résidente")
    good = {"target": "lyon.test", "scopes": ["public_needs"], "message": "Bonjour"}
    assert (await call(paris, "POST", PATH, json=good))[0] == 401
    assert (await call(paris, "GET", PATH))[0] == 401
    assert (await call(paris, "POST", PATH, {"Authorization": "Bearer nope"}, json=good))[0] == 401
    assert (await call(paris, "POST", PATH, resident, json=good))[0] == 403
    assert (await call(paris, "GET", PATH, resident))[0] == 403
    bad_json = {**admin, "Content-Type": "application/json"}
    assert (await call(paris, "POST", PATH, bad_json, data=b"{"))[0] == 400
    for body in (
        {"target": "lyon.test", "scopes": []},
        {"target": "lyon.test", "scopes": ["everything"]},
        {"target": "lyon.test", "scopes": ["calls"], "message": "x" * 1001},
        {"target": "", "scopes": ["calls"]},
        {"scopes": ["calls"]},
        {**good, "extra": 1},
    ):
        assert (await call(paris, "POST", PATH, admin, json=body))[0] == 422, body
    own = {"target": "paris.test", "scopes": ["calls"]}
    assert (await call(paris, "POST", PATH, admin, json=own))[0] == 422
    unknown = {"target": "nowhere.test", "scopes": ["calls"]}
    assert (await call(paris, "POST", PATH, admin, json=unknown))[0] == 502
    status, asked = await call(paris, "POST", PATH, admin, json=good)
    assert status == 201
    assert (await call(paris, "POST", PATH, admin, json=good))[0] == 409  # already pending
    # Only the asked side decides.
    for verb in ("accept", "reject"):
        assert (await call(paris, "POST", f"{PATH}/{asked['id']}/{verb}", admin))[0] == 409
        assert (await call(paris, "POST", f"{PATH}/{asked['id']}/{verb}", resident))[0] == 403
    missing = "00000000-0000-4000-8000-000000000000"
    assert (await call(paris, "POST", f"{PATH}/{missing}/accept", admin))[0] == 404
    assert (await call(paris, "DELETE", f"{PATH}/{missing}", admin))[0] == 404
    assert (await call(paris, "DELETE", f"{PATH}/{asked['id']}", resident))[0] == 403
    await settle(paris, lyon)
    incoming = (await ok(lyon, "GET", PATH, lyon_admin))["items"][0]
    # A pending incoming request is refused, not ended.
    assert (await call(lyon, "DELETE", f"{PATH}/{incoming['id']}", lyon_admin))[0] == 409
    assert (await call(lyon, "POST", f"{PATH}/{incoming['id']}/accept", lyon_admin))[0] == 200
    assert (await call(lyon, "POST", f"{PATH}/{incoming['id']}/reject", lyon_admin))[0] == 409
    assert (await call(lyon, "DELETE", f"{PATH}/{incoming['id']}", lyon_admin))[0] == 200
    assert (await call(lyon, "DELETE", f"{PATH}/{incoming['id']}", lyon_admin))[0] == 409
