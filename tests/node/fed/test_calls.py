"""Calls for help across nodes: a Paris association's call reaches Lyon (partner with the
``calls`` scope) and not Nice (a partner without it); Lyon's members in the area hear of it,
pledge through their node, and Paris counts each pledge once even when it arrives twice; a
withdrawal gives the quantity back, once even when it arrives twice; a full call closes on both
nodes, and nothing private leaves any node."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from node import clock, iris
from node.models import (
    Call,
    CallItem,
    Delivery,
    DeliveryStatus,
    InboxItem,
    Member,
    Notification,
    OutboxActivity,
)
from node.worker.federation import run_once
from tests.conftest import NodeFactory
from tests.factories import PARIS, call_body, make_association, set_area
from tests.fedtools import federated_nodes, mastodon_follower, router_of, settle
from tests.node.fed.test_privacy import Capture
from tests.node.fed_support import call, member, ok, partner

FAR = (48.70, 2.20)


async def _mirror(app: Any, headers: dict[str, str]) -> dict[str, Any]:
    near = await ok(app, "GET", "/api/v1/calls", headers)
    assert len(near["items"]) == 1, near
    return near["items"][0]  # type: ignore[no-any-return]


async def _kinds(app: Any, who: Any) -> list[str]:
    with app.node.db.activate():
        return [
            str(k)
            for k in await Notification.filter(member_id=who.id).values_list("kind", flat=True)
        ]


async def _redeliver(app: Any, activity_type: str) -> None:
    """Send the last ``activity_type`` again, as a retrying server would."""
    with app.node.db.activate():
        outbox = await OutboxActivity.filter(type=activity_type).order_by("-id").first()
        assert outbox is not None
        await Delivery.filter(activity_id=outbox.id).update(
            status=DeliveryStatus.QUEUED, delivered_at=None, attempts=0
        )


async def test_calls_travel_to_calls_partners_and_pledges_count_once(
    node_factory: NodeFactory,
) -> None:
    paris, lyon, nice = await federated_nodes(node_factory, "paris", "lyon", "nice")
    apps = (paris, lyon, nice)
    capture = Capture(router_of(paris))
    for app in apps:
        app.node.http_transport = capture
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    _, nice_admin = await member(nice, "Admin Nice", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, *apps, scopes=("calls",))
    await partner(paris, paris_admin, nice, nice_admin, *apps, scopes=("public_needs",))

    coordinator, coord_h = await member(paris, "Coord")
    association = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")
    nadia, nadia_h = await member(lyon, "Nadia")
    omar, omar_h = await member(lyon, "Omar")
    far, far_h = await member(lyon, "Loin")
    nice_member, nice_h = await member(nice, "Nissa")
    for app, headers, point in (
        (lyon, nadia_h, PARIS),
        (lyon, omar_h, PARIS),
        (lyon, far_h, FAR),
        (nice, nice_h, PARIS),
    ):
        await set_area(app.test_client(), headers, point)

    body = call_body(association=association)
    posted = await ok(paris, "POST", "/api/v1/calls", coord_h, json=body)
    await settle(*apps)

    # Lyon's members in the area hear of it; outside the area, or on Nice, nothing.
    assert await _kinds(lyon, nadia) == ["call_nearby"]
    assert await _kinds(lyon, far) == []
    assert await _kinds(nice, nice_member) == []
    assert (await ok(nice, "GET", "/api/v1/calls", nice_h))["items"] == []
    mirror = await _mirror(lyon, nadia_h)
    assert mirror["origin_domain"] == "paris.test" and mirror["association_name"] == "Chaleur"
    assert [i["remaining"] for i in mirror["items"]] == [20, 10]

    # Nadia pledges 5 sleeping bags from Lyon; Paris counts it, Lyon sees the new quantity.
    bags = mirror["items"][0]["id"]
    answer = {"pledges": [{"item_id": bags, "quantity": 5}]}
    await ok(lyon, "POST", f"/api/v1/calls/{mirror['id']}/answers", nadia_h, json=answer)
    await settle(*apps)
    origin = await ok(paris, "GET", f"/api/v1/calls/{posted['id']}", coord_h)
    assert [i["remaining"] for i in origin["items"]] == [15, 10] and origin["answers"] == 1
    seen = await ok(paris, "GET", f"/api/v1/calls/{posted['id']}/answers", coord_h)
    assert [r["pseudonym"] for r in seen["items"]] == ["Nadia"] and seen["items"][0]["remote"]
    assert [i["remaining"] for i in (await _mirror(lyon, nadia_h))["items"]] == [15, 10]

    # The same Offer delivered again, even past Paris's inbox (its row forgotten): once.
    with paris.node.db.activate():
        await InboxItem.filter(type="Offer").delete()
    await _redeliver(lyon, "Offer")
    await settle(*apps)
    origin = await ok(paris, "GET", f"/api/v1/calls/{posted['id']}", coord_h)
    assert [i["remaining"] for i in origin["items"]] == [15, 10] and origin["answers"] == 1

    # Withdrawal from Lyon restores the quantity on both nodes.
    status, _ = await call(lyon, "DELETE", f"/api/v1/calls/{mirror['id']}/answers/me", nadia_h)
    assert status == 204
    await settle(*apps)
    origin = await ok(paris, "GET", f"/api/v1/calls/{posted['id']}", coord_h)
    assert [i["remaining"] for i in origin["items"]] == [20, 10] and origin["answers"] == 0
    assert [i["remaining"] for i in (await _mirror(lyon, nadia_h))["items"]] == [20, 10]

    # Omar on Lyon takes all the bags, a Paris resident all the shoes: full on both nodes.
    full = {"pledges": [{"item_id": bags, "quantity": 20}]}
    await ok(lyon, "POST", f"/api/v1/calls/{mirror['id']}/answers", omar_h, json=full)
    _, paris_resident = await member(paris, "Zoé")
    shoes = origin["items"][1]["id"]
    shoes_body = {"pledges": [{"item_id": shoes, "quantity": 10}]}
    await ok(
        paris, "POST", f"/api/v1/calls/{posted['id']}/answers", paris_resident, json=shoes_body
    )
    await settle(*apps)
    # Nadia's withdrawal delivered again now, past Paris's inbox too: it gives nothing back a
    # second time (Omar's 20 bags stay counted).
    with paris.node.db.activate():
        await InboxItem.filter(type="Undo").delete()
    await _redeliver(lyon, "Undo")
    await settle(*apps)
    with lyon.node.db.activate():
        undo = await OutboxActivity.filter(type="Undo").order_by("-id").first()
        assert undo is not None
        assert await Delivery.filter(activity_id=undo.id, status=DeliveryStatus.DELIVERED).count()
    with paris.node.db.activate():
        assert await InboxItem.filter(type="Undo").count() == 1  # it did arrive again
    assert (await ok(paris, "GET", f"/api/v1/calls/{posted['id']}", coord_h))["status"] == "full"
    with lyon.node.db.activate():
        assert (await Call.get(id=mirror["id"])).status == "full"
        assert await CallItem.filter(call_id=mirror["id"], remaining=0).count() == 2

    # Nothing private in any body that left any node.
    secrets: list[str] = []
    for app in apps:
        with app.node.db.activate():
            for row in await Member.all():
                secrets += [s for s in (row.phone, row.email) if s]
    respondent_ids = [str(nadia.id), str(omar.id), nadia.id.hex, omar.id.hex]
    assert capture.bodies
    for where, text in capture.bodies:
        for secret in secrets + respondent_ids:
            assert secret not in text, (where, secret)
        if text.startswith("{"):
            document = json.loads(text)
            assert "latitude" not in json.dumps(document), where


async def test_inbound_rules_scope_owner_and_area(node_factory: NodeFactory) -> None:
    """A partner without ``calls`` is refused, and a call whose area is outside this node's
    area is ignored (Lyon's node covers Lyon, the call is for Paris)."""
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    lyon.node.settings.__dict__["area_lat"] = 45.76
    lyon.node.settings.__dict__["area_lon"] = 4.83
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, paris, lyon, scopes=("calls",))
    coordinator, coord_h = await member(paris, "Coord")
    association = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")
    await ok(paris, "POST", "/api/v1/calls", coord_h, json=call_body(association=association))
    await settle(paris, lyon)
    with lyon.node.db.activate():
        assert await Call.all().count() == 0
        row = await InboxItem.get(type="Create")
        assert row.status == "ignored" and "area" in (row.last_error or "")


async def test_a_mastodon_account_following_the_association_gets_a_readable_event(
    node_factory: NodeFactory,
) -> None:
    """Any fediverse account may follow an association actor: it receives its calls as a
    public ``Create`` whose object Mastodon shows (a volunteers call is an ``Event``)."""
    (paris,) = await federated_nodes(node_factory, "paris")
    coordinator, coord_h = await member(paris, "Coord")
    association = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")
    actor = iris.association_actor_iri(paris.node.settings, association.id)
    fedi, alice = await mastodon_follower(paris, actor)
    body = call_body("volunteers", association=association, title="Soupe du soir")
    await ok(paris, "POST", "/api/v1/calls", coord_h, json=body)
    await settle(paris)
    received = fedi.deliveries_to(alice.shared_inbox) + fedi.deliveries_to(alice.inbox)
    creates = [a for a in received if a["type"] == "Create"]
    assert len(creates) == 1
    obj = creates[0]["object"]
    assert creates[0]["actor"] == actor and obj["attributedTo"] == actor
    assert "Event" in obj["type"] and obj["name"] == "Soupe du soir"
    assert "Soupe du soir" in obj["content"] and "3 personne(s)" in obj["content"]
    assert "https://www.w3.org/ns/activitystreams#Public" in creates[0]["to"]
    # Mastodon fetches the object by its id when it meets it elsewhere: AS2 on negotiation.
    fetched = await alice.get(fedi, obj["id"])
    assert fetched.status_code == 200 and fetched.json()["callKind"] == "volunteers"


async def test_an_older_update_arriving_after_a_newer_one_is_left_aside(
    node_factory: NodeFactory,
) -> None:
    """Deliveries are not ordered: when the Update of "full" reaches Lyon before the Update of
    the pledge that came before it, Lyon keeps "full" and the newest quantities."""
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, paris, lyon, scopes=("calls",))
    coordinator, coord_h = await member(paris, "Coord")
    association = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")
    body = call_body(association=association)
    posted = await ok(paris, "POST", "/api/v1/calls", coord_h, json=body)
    await settle(paris, lyon)
    bags, shoes = (i["id"] for i in posted["items"])
    url = f"/api/v1/calls/{posted['id']}/answers"
    _, zoe = await member(paris, "Zoé")
    _, yann = await member(paris, "Yann")
    await ok(paris, "POST", url, zoe, json={"pledges": [{"item_id": shoes, "quantity": 10}]})
    await ok(paris, "POST", url, yann, json={"pledges": [{"item_id": bags, "quantity": 20}]})
    with paris.node.db.activate():
        await run_once(paris.node, queues=("deliveries",))
    with lyon.node.db.activate():
        updates = await InboxItem.filter(type="Update").order_by("id")
        # The pledge of the shoes (still open), then the last pledge and "full" (two versions).
        assert len(updates) == 3
        # Paris delivers them concurrently, so the oldest version is found by its `updated`,
        # not by the order the inbox stored them.
        first = min(updates, key=lambda item: str(item.body["object"]["updated"]))
        await InboxItem.filter(id=first.id).update(next_attempt_at=clock.now() + timedelta(days=1))
    await settle(lyon)  # the two newer versions
    with lyon.node.db.activate():
        await InboxItem.filter(id=first.id).update(next_attempt_at=clock.now())
    await settle(paris, lyon)  # then the older one
    with lyon.node.db.activate():
        mirror = await Call.get(remote_iri=iris.call_iri(paris.node.settings, posted["id"]))
        assert mirror.status == "full"
        remaining = await CallItem.filter(call_id=mirror.id).order_by("position")
        assert [item.remaining for item in remaining] == [0, 0]
        stale = await InboxItem.get(id=first.id)
        assert stale.status == "ignored" and "older version" in (stale.last_error or "")
