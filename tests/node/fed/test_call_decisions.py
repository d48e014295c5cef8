"""The call's node answers every answer a partner's member sends: ``Accept`` when it counted it,
``Reject`` with the reason when it did not (full, closed, more than still needed, an item not in
the call, an answer twice). The answering node marks its member's answer confirmed or refused
and tells them why; only the call's association decides, and a decision on an answer that is
withdrawn or already decided changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

from federation.parse import parse_activity
from node import clock, iris, sql
from node.http_state import EntraideApp
from node.models import (
    AnswerStatus,
    Call,
    CallAnswer,
    CallItem,
    InboxItem,
    Member,
    Notification,
    OutboxActivity,
)
from node.worker.federation import run_once
from tests.conftest import NodeFactory
from tests.factories import PARIS, call_body, make_association, set_area
from tests.fedtools import federated_nodes, settle
from tests.node.fed_support import call, member, ok, partner


async def _network(node_factory: NodeFactory, *names: str) -> list[EntraideApp]:
    """Paris and its partners with the ``calls`` scope."""
    apps = await federated_nodes(node_factory, "paris", *names)
    paris = apps[0]
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    for other in apps[1:]:
        _, admin = await member(other, f"Admin {other.node.settings.domain}", admin=True)
        await partner(paris, paris_admin, other, admin, *apps, scopes=("calls",))
    return apps


async def _resident(app: EntraideApp, name: str) -> tuple[Member, dict[str, str]]:
    who, headers = await member(app, name)
    await set_area(app.test_client(), headers, PARIS)
    return who, headers


async def _mirror(app: EntraideApp, headers: dict[str, str]) -> dict[str, Any]:
    near = await ok(app, "GET", "/api/v1/calls", headers)
    assert len(near["items"]) == 1, near
    return near["items"][0]  # type: ignore[no-any-return]


async def _told(app: EntraideApp, who: Member, kind: str) -> list[Notification]:
    with app.node.db.activate():
        return await Notification.filter(member_id=who.id, kind=kind).order_by("id")


async def _answer_row(app: EntraideApp, who: Member) -> CallAnswer:
    with app.node.db.activate():
        row = await CallAnswer.filter(member_id=who.id).order_by("-id").first()
        assert row is not None
        return row


async def _inject(app: EntraideApp, actor: str, activity: dict[str, Any]) -> InboxItem:
    """``activity`` as if ``actor`` had delivered it (already verified), then processed."""
    obj = parse_activity(activity).embedded_object
    with app.node.db.activate():
        await sql.insert_inbox_item(
            activity_id=activity["id"],
            actor_iri=actor,
            type=activity["type"],
            object_type=obj.type_name if obj is not None else None,
            body=activity,
            now=clock.now(),
        )
    await settle(app)
    with app.node.db.activate():
        return await InboxItem.get(activity_id=activity["id"])


def _activity_id(app: EntraideApp) -> str:
    return f"{app.node.settings.base_url}/activities/{uuid4()}"


async def test_two_partners_answer_the_last_place_at_once(node_factory: NodeFactory) -> None:
    paris, lyon, nice = apps = await _network(node_factory, "lyon", "nice")
    coordinator, coord_h = await member(paris, "Coord")
    association = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")
    body = call_body("volunteers", association=association, people=2)
    nadia, nadia_h = await _resident(lyon, "Nadia")
    nissa, nissa_h = await _resident(nice, "Nissa")
    posted = await ok(paris, "POST", "/api/v1/calls", coord_h, json=body)
    await settle(*apps)  # the Create first (an Update overtaking it waits minutes for it)
    _, zoe_h = await member(paris, "Zoé")
    await ok(paris, "POST", f"/api/v1/calls/{posted['id']}/answers", zoe_h, json={})
    await settle(*apps)

    # One place left; Nadia (Lyon) and Nissa (Nice) both take it before Paris hears of either.
    for app, headers in ((lyon, nadia_h), (nice, nissa_h)):
        mirror = await _mirror(app, headers)
        assert mirror["items"][0]["remaining"] == 1
        answered = await ok(app, "POST", f"/api/v1/calls/{mirror['id']}/answers", headers, json={})
        # Not counted yet: Paris counts.
        assert answered["my_answer"]["confirmed"] is False
    await settle(*apps)

    origin = await ok(paris, "GET", f"/api/v1/calls/{posted['id']}", coord_h)
    assert origin["status"] == "full" and origin["answers"] == 2
    assert origin["items"][0]["remaining"] == 0
    seen = await ok(paris, "GET", f"/api/v1/calls/{posted['id']}/answers", coord_h)
    names = [r["pseudonym"] for r in seen["items"]]
    assert names[0] == "Zoé" and names[1] in ("Nadia", "Nissa") and len(names) == 2
    winner, loser = (
        ((lyon, nadia, nadia_h), (nice, nissa, nissa_h))
        if names[1] == "Nadia"
        else ((nice, nissa, nissa_h), (lyon, nadia, nadia_h))
    )
    with paris.node.db.activate():
        refused = await CallAnswer.get(call_id=posted["id"], status=AnswerStatus.REFUSED)
        assert refused.remote_name == loser[1].pseudonym and refused.refusal == "full"

    # The winner's node has it confirmed; the loser's has it refused, and the loser is told.
    mirror = await _mirror(winner[0], winner[2])
    assert mirror["my_answer"]["confirmed"] is True and mirror["status"] == "full"
    assert await _told(winner[0], winner[1], "call_answer_refused") == []
    mirror = await _mirror(loser[0], loser[2])
    assert mirror["my_answer"] is None and mirror["status"] == "full"
    assert [i["remaining"] for i in mirror["items"]] == [0]
    told = await _told(loser[0], loser[1], "call_answer_refused")
    assert len(told) == 1 and told[0].payload["reason_fr"].startswith("l'appel est complet")
    row = await _answer_row(loser[0], loser[1])
    assert row.status == AnswerStatus.REFUSED and row.refusal == "full"
    status, _ = await call(loser[0], "DELETE", f"/api/v1/calls/{mirror['id']}/answers/me", loser[2])
    assert status == 404  # nothing to withdraw: it was never counted

    # The Reject that went out: the answer's id embedded, a reason for people and a code.
    with paris.node.db.activate():
        reject = await OutboxActivity.get(type="Reject")
        accept = await OutboxActivity.get(type="Accept")
    assert reject.body["object"]["type"] == "Join"
    assert reject.body["summary"].startswith("L'appel est complet")
    assert reject.body["refusalReason"] == "full"
    assert reject.body["actor"] == iris.association_actor_iri(paris.node.settings, association.id)
    assert accept.body["object"]["id"].startswith(winner[0].node.settings.base_url)

    # The loser's Join delivered again (Paris's inbox row forgotten): refused again, not counted
    # now, and no second Reject.
    with paris.node.db.activate():
        await InboxItem.filter(type="Join").delete()
    with loser[0].node.db.activate():
        join = await OutboxActivity.get(type="Join")
    await _inject(paris, join.body["actor"], join.body)
    await settle(*apps)
    origin = await ok(paris, "GET", f"/api/v1/calls/{posted['id']}", coord_h)
    assert origin["answers"] == 2 and origin["items"][0]["remaining"] == 0
    with paris.node.db.activate():
        assert await OutboxActivity.filter(type="Reject").count() == 1
    assert len(await _told(loser[0], loser[1], "call_answer_refused")) == 1

    # Quantities stay right everywhere.
    for app in apps[1:]:
        with app.node.db.activate():
            assert [i.remaining for i in await CallItem.all()] == [0]
            assert (await Call.get()).status == "full"


async def test_every_refusal_reaches_the_member_with_its_reason(
    node_factory: NodeFactory,
) -> None:
    paris, lyon = apps = await _network(node_factory, "lyon")
    coordinator, coord_h = await member(paris, "Coord")
    association = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")
    posted = await ok(
        paris, "POST", "/api/v1/calls", coord_h, json=call_body(association=association)
    )
    nadia, nadia_h = await _resident(lyon, "Nadia")
    omar, omar_h = await _resident(lyon, "Omar")
    leila, leila_h = await _resident(lyon, "Leïla")
    yann, yann_h = await _resident(lyon, "Yann")
    await settle(*apps)
    mirror = await _mirror(lyon, nadia_h)
    url = f"/api/v1/calls/{mirror['id']}/answers"
    bags, shoes = (item["id"] for item in mirror["items"])

    # More than still needed: Nadia and Omar pledge 15 of the 20 bags at once (whichever
    # Paris counts first, the other asks too much).
    for headers in (nadia_h, omar_h):
        pledge = {"pledges": [{"item_id": bags, "quantity": 15}]}
        await ok(lyon, "POST", url, headers, json=pledge)
    # An item that is not in the call (as a faulty partner would send it): Yann's pledge.
    await ok(lyon, "POST", url, yann_h, json={"pledges": [{"item_id": shoes, "quantity": 1}]})
    with lyon.node.db.activate():
        offer = await OutboxActivity.filter(type="Offer").order_by("-id").first()
        assert offer is not None
        body = dict(offer.body)
        stray = f"{iris.call_iri(paris.node.settings, posted['id'])}#item-999999"
        body["object"] = [{**body["object"][0], "resourceConformsTo": stray}]
        await OutboxActivity.filter(id=offer.id).update(body=body)
    await settle(*apps)
    origin = await ok(paris, "GET", f"/api/v1/calls/{posted['id']}", coord_h)
    assert [i["remaining"] for i in origin["items"]] == [5, 10] and origin["answers"] == 1
    seen = await ok(paris, "GET", f"/api/v1/calls/{posted['id']}/answers", coord_h)
    counted, over, over_h = (
        (nadia, omar, omar_h)
        if seen["items"][0]["pseudonym"] == "Nadia"
        else (omar, nadia, nadia_h)
    )
    assert (await _answer_row(lyon, counted)).confirmed_at is not None
    for who, reason, words in (
        (over, "over", "c'est plus que ce qui manque encore"),
        (yann, "invalid", "elle ne correspond pas"),
    ):
        row = await _answer_row(lyon, who)
        assert (row.status, row.refusal) == (AnswerStatus.REFUSED, reason)
        told = await _told(lyon, who, "call_answer_refused")
        assert len(told) == 1 and words in told[0].payload["reason_fr"]
    # Refused, they may answer again with what is still needed.
    await ok(lyon, "POST", url, over_h, json={"pledges": [{"item_id": bags, "quantity": 5}]})
    await settle(*apps)
    assert (await _answer_row(lyon, over)).confirmed_at is not None

    # An answer twice (the same respondent, another activity id): refused as a duplicate; the
    # Reject names an answer Lyon never sent, which Lyon leaves aside.
    with lyon.node.db.activate():
        first = await OutboxActivity.filter(type="Offer").order_by("id").first()
        assert first is not None
    twice = {**first.body, "id": f"{first.body['id']}0"}
    await _inject(paris, twice["actor"], twice)
    with paris.node.db.activate():
        dup = await CallAnswer.get(activity_id=twice["id"])
        assert (dup.status, dup.refusal) == (AnswerStatus.REFUSED, "duplicate")
    await settle(*apps)
    with lyon.node.db.activate():
        rejected = await InboxItem.filter(type="Reject").order_by("-id").first()
        assert rejected is not None and rejected.status == "ignored"
        assert "Not one of our answers" in (rejected.last_error or "")

    # Closed: Leïla pledges while Paris closes the call.
    await ok(lyon, "POST", url, leila_h, json={"pledges": [{"item_id": shoes, "quantity": 2}]})
    await ok(paris, "POST", f"/api/v1/calls/{posted['id']}/close", coord_h, json={})
    await settle(*apps)
    row = await _answer_row(lyon, leila)
    assert (row.status, row.refusal) == (AnswerStatus.REFUSED, "closed")
    told = await _told(lyon, leila, "call_answer_refused")
    assert [n.payload["reason_en"] for n in told] == ["the call is over."]


async def test_only_the_calls_association_decides_and_once(node_factory: NodeFactory) -> None:
    paris, lyon = apps = await _network(node_factory, "lyon")
    coordinator, coord_h = await member(paris, "Coord")
    association = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")
    body = call_body("volunteers", association=association)
    await ok(paris, "POST", "/api/v1/calls", coord_h, json=body)
    nadia, nadia_h = await _resident(lyon, "Nadia")
    await settle(*apps)
    mirror = await _mirror(lyon, nadia_h)
    await ok(lyon, "POST", f"/api/v1/calls/{mirror['id']}/answers", nadia_h, json={})
    await settle(*apps)
    row = await _answer_row(lyon, nadia)
    assert row.confirmed_at is not None
    answer_iri = f"{lyon.node.settings.base_url}/calls/{mirror['id']}/answers/{row.id}"
    owner = iris.association_actor_iri(paris.node.settings, association.id)
    paris_instance = iris.instance_actor_iri(paris.node.settings)

    # GoToSocial's shape: the answer by id only. The answer waits for it, then is confirmed.
    with lyon.node.db.activate():
        await CallAnswer.filter(id=row.id).update(confirmed_at=None)
    accept = {"id": _activity_id(paris), "type": "Accept", "actor": owner, "object": answer_iri}
    item = await _inject(lyon, owner, accept)
    assert item.status == "done", item.last_error
    assert (await _answer_row(lyon, nadia)).confirmed_at is not None

    # Another actor of Paris (its instance actor) may not decide for the association.
    reject = {
        "id": _activity_id(paris),
        "type": "Reject",
        "actor": paris_instance,
        "object": {
            "id": answer_iri,
            "type": "Join",
            "actor": iris.instance_actor_iri(lyon.node.settings),
        },
        "refusalReason": "full",
    }
    item = await _inject(lyon, paris_instance, reject)
    assert item.status == "ignored" and "association that posted" in (item.last_error or "")
    # The association itself cannot take back what it counted.
    item = await _inject(lyon, owner, {**reject, "id": _activity_id(paris), "actor": owner})
    assert item.status == "ignored" and "already counted" in (item.last_error or "")
    # An Accept of something that is not an answer of ours.
    stray = {**accept, "id": _activity_id(paris), "object": f"{lyon.node.settings.base_url}/x"}
    item = await _inject(lyon, owner, stray)
    assert item.status == "ignored" and "not an answer of ours" in (item.last_error or "")
    assert (await _answer_row(lyon, nadia)).status == AnswerStatus.ACTIVE
    assert await _told(lyon, nadia, "call_answer_refused") == []

    # Withdrawn, then a late Reject: nothing changes and nobody is told.
    status, _ = await call(lyon, "DELETE", f"/api/v1/calls/{mirror['id']}/answers/me", nadia_h)
    assert status == 204
    await settle(*apps)
    with lyon.node.db.activate():
        await CallAnswer.filter(id=row.id).update(confirmed_at=None)
    item = await _inject(lyon, owner, {**reject, "id": _activity_id(paris), "actor": owner})
    assert item.status == "ignored" and "withdrawn" in (item.last_error or "")
    assert await _told(lyon, nadia, "call_answer_refused") == []


async def test_cancelled_and_deleted_calls_leave_partners_and_respondents_are_told(
    node_factory: NodeFactory,
) -> None:
    paris, lyon = apps = await _network(node_factory, "lyon")
    coordinator, coord_h = await member(paris, "Coord")
    association = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")
    first = await ok(
        paris,
        "POST",
        "/api/v1/calls",
        coord_h,
        json=call_body("volunteers", association=association),
    )
    second = await ok(
        paris, "POST", "/api/v1/calls", coord_h, json=call_body(association=association)
    )
    nadia, nadia_h = await _resident(lyon, "Nadia")
    zoe, zoe_h = await member(paris, "Zoé")
    await settle(*apps)
    near = (await ok(lyon, "GET", "/api/v1/calls", nadia_h))["items"]
    assert len(near) == 2
    volunteers = next(m for m in near if m["kind"] == "volunteers")
    donations = next(m for m in near if m["kind"] == "donations")
    await ok(lyon, "POST", f"/api/v1/calls/{volunteers['id']}/answers", nadia_h, json={})
    pledge = {"pledges": [{"item_id": donations["items"][0]["id"], "quantity": 1}]}
    await ok(lyon, "POST", f"/api/v1/calls/{donations['id']}/answers", nadia_h, json=pledge)
    pledge = {"pledges": [{"item_id": second["items"][0]["id"], "quantity": 1}]}
    await ok(paris, "POST", f"/api/v1/calls/{second['id']}/answers", zoe_h, json=pledge)
    await settle(*apps)

    # Cancelled: an Update with callStatus cancelled; Lyon's respondent is told.
    await ok(paris, "POST", f"/api/v1/calls/{first['id']}/close", coord_h, json={"cancel": True})
    await settle(*apps)
    with lyon.node.db.activate():
        assert (await Call.get(id=volunteers["id"])).status == "cancelled"
    assert len(await _told(lyon, nadia, "call_cancelled")) == 1

    # Deleted: only its coordinators may (403), a partner's copy is not deletable here (404).
    _, other_h = await member(paris, "Autre")
    url = f"/api/v1/calls/{second['id']}"
    assert (await call(paris, "DELETE", url, other_h))[0] == 403
    assert (await call(paris, "DELETE", f"/api/v1/calls/{uuid4()}", coord_h))[0] == 404
    _, lyon_admin = await member(lyon, "Admin Lyon 2", admin=True)
    mirror_url = f"/api/v1/calls/{donations['id']}"
    assert (await call(lyon, "DELETE", mirror_url, lyon_admin))[0] == 404
    assert (await call(paris, "DELETE", url, coord_h))[0] == 204
    assert (await call(paris, "GET", url, coord_h))[0] == 404
    assert len(await _told(paris, zoe, "call_cancelled")) == 1
    await settle(*apps)
    with paris.node.db.activate():
        delete = await OutboxActivity.get(type="Delete")
    assert delete.body["object"]["type"] == "Tombstone"
    assert delete.body["object"]["id"] == iris.call_iri(paris.node.settings, second["id"])
    assert delete.body["actor"] == iris.association_actor_iri(paris.node.settings, association.id)
    with lyon.node.db.activate():
        assert not await Call.exists(id=donations["id"])
        assert not await CallAnswer.exists(call_id=donations["id"])
    told = await _told(lyon, nadia, "call_cancelled")
    assert len(told) == 2 and "url" not in told[-1].payload
    assert (await call(lyon, "GET", mirror_url, nadia_h))[0] == 404


async def test_only_the_association_deletes_its_calls_on_a_partner(
    node_factory: NodeFactory,
) -> None:
    paris, lyon = apps = await _network(node_factory, "lyon")
    coordinator, coord_h = await member(paris, "Coord")
    association = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")
    other = await make_association(paris, {coordinator: "coordinator"}, name="Autre")
    posted = await ok(
        paris, "POST", "/api/v1/calls", coord_h, json=call_body(association=association)
    )
    await ok(paris, "POST", "/api/v1/calls", coord_h, json=call_body(association=other))
    await _resident(lyon, "Nadia")
    await settle(*apps)
    call_iri = iris.call_iri(paris.node.settings, posted["id"])
    owner = iris.association_actor_iri(paris.node.settings, association.id)
    stranger = iris.association_actor_iri(paris.node.settings, other.id)

    # Another association of the same node may not delete it.
    delete = {
        "id": _activity_id(paris),
        "type": "Delete",
        "actor": stranger,
        "object": {"id": call_iri, "type": "Tombstone"},
    }
    item = await _inject(lyon, stranger, delete)
    assert item.status == "ignored" and "association that posted" in (item.last_error or "")
    with lyon.node.db.activate():
        assert await Call.exists(remote_iri=call_iri)

    # The association actor deletes itself (Mastodon's shape of a gone account): its calls go,
    # the other association's stay.
    farewell = {"id": _activity_id(paris), "type": "Delete", "actor": owner, "object": owner}
    item = await _inject(lyon, owner, farewell)
    assert item.status == "done", item.last_error
    with lyon.node.db.activate():
        assert not await Call.exists(remote_iri=call_iri)
        assert await Call.all().count() == 1


async def test_an_update_overtaking_its_create_waits_for_it(node_factory: NodeFactory) -> None:
    """The Update of a pledge reaches Lyon before the Create of the call: it is tried again
    once the Create is in, so Lyon ends with the right quantities."""
    paris, lyon = apps = await _network(node_factory, "lyon")
    coordinator, coord_h = await member(paris, "Coord")
    association = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")
    posted = await ok(
        paris, "POST", "/api/v1/calls", coord_h, json=call_body(association=association)
    )
    _, zoe_h = await member(paris, "Zoé")
    pledge = {"pledges": [{"item_id": posted["items"][0]["id"], "quantity": 5}]}
    await ok(paris, "POST", f"/api/v1/calls/{posted['id']}/answers", zoe_h, json=pledge)
    with paris.node.db.activate():
        await run_once(paris.node, queues=("deliveries",))
    later = clock.now() + timedelta(days=1)
    with lyon.node.db.activate():
        create = await InboxItem.get(type="Create", object_type="Call")
        await InboxItem.filter(id=create.id).update(next_attempt_at=later)
    await settle(lyon)
    with lyon.node.db.activate():
        update = await InboxItem.get(type="Update", object_type="Call")
        assert update.status == "queued" and "Create has not arrived" in (update.last_error or "")
        await InboxItem.filter(id=create.id).update(next_attempt_at=clock.now())
    await settle(lyon)
    with lyon.node.db.activate():
        assert [i.remaining for i in await CallItem.all().order_by("position")] == [20, 10]
        await InboxItem.filter(id=update.id).update(next_attempt_at=clock.now())
    await settle(*apps)
    with lyon.node.db.activate():
        assert [i.remaining for i in await CallItem.all().order_by("position")] == [15, 10]
        assert (await InboxItem.get(id=update.id)).status == "done"
