"""Who is told about calls for help: members of the area (within their weekly allowance), an
association's followers (always), everyone in the area for an urgent call (even at night), and
the respondents when the call changes, is cancelled, or they are thanked."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from node.http_state import EntraideApp
from node.models import AssociationRole, Notification
from tests.conftest import MemberFactory, NodeFactory
from tests.factories import PARIS, call_body, make_association, set_area
from tests.factories import make_member as member_in

FAR = (48.70, 2.20)


async def _told(app: EntraideApp, member: Any) -> list[tuple[str, str, bool]]:
    with app.node.db.activate():
        rows = await Notification.filter(member_id=member.id).order_by("id")
    return [(row.kind, row.payload["title"], row.urgent) for row in rows]


async def _post(client: Any, headers: Any, **kw: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/calls", json=call_body(**kw), headers=headers)
    assert response.status_code == 201, await response.get_data(as_text=True)
    return await response.get_json()  # type: ignore[no-any-return]


async def test_area_followers_and_weekly_allowance(node_factory: NodeFactory) -> None:
    app = await node_factory("calls", calls_per_member_week=1)
    client = app.test_client()
    coordinator, headers = await member_in(app, pseudonym="Coord")
    one = await make_association(app, {coordinator: AssociationRole.COORDINATOR}, name="Chaleur")
    two = await make_association(app, {coordinator: AssociationRole.COORDINATOR}, name="Soupe")
    inside, inside_h = await member_in(app)
    outside, outside_h = await member_in(app)
    fan, fan_h = await member_in(app)
    await set_area(client, inside_h, PARIS)
    await set_area(client, outside_h, FAR)
    await set_area(client, fan_h, FAR)
    await set_area(client, headers, PARIS)
    assert (
        await client.post(f"/api/v1/associations/{two.id}/follow", headers=fan_h)
    ).status_code == 200

    await _post(client, headers, association=one, title="Duvets pour la nuit")
    await _post(client, headers, association=two, title="Soupe du soir", kind="volunteers")
    # Inside: the first call; the second is past the allowance of one a week.
    assert await _told(app, inside) == [("call_nearby", "Duvets pour la nuit", False)]
    assert await _told(app, outside) == []
    # The follower hears of every call of the association they follow, wherever they live.
    assert await _told(app, fan) == [("call_followed", "Soupe du soir", False)]
    assert await _told(app, coordinator) == []  # not told of their own call


async def test_urgent_reaches_everyone_in_the_area_at_once(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, admin = await make_member(admin=True)
    inside, inside_h = await make_member()
    outside, outside_h = await make_member()
    await set_area(client, inside_h, PARIS)
    await set_area(client, outside_h, FAR)
    await _post(client, admin, kind="urgent", title="Grand froid : appelez le 115")
    assert await _told(app, inside) == [("call_urgent", "Grand froid : appelez le 115", True)]
    assert await _told(app, outside) == []


async def test_respondents_hear_changes_cancellation_and_thanks(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    coordinator, headers = await make_member()
    association = await make_association(app, {coordinator: AssociationRole.ADMIN})
    call = await _post(client, headers, association=association, title="Couvertures")
    respondent, respondent_h = await make_member()
    bystander, _ = await make_member()
    cid = call["id"]
    item = call["items"][0]["id"]
    answered = await client.post(
        f"/api/v1/calls/{cid}/answers",
        json={"pledges": [{"item_id": item, "quantity": 2}]},
        headers=respondent_h,
    )
    assert answered.status_code == 201
    await client.patch(
        f"/api/v1/calls/{cid}", json={"place_name": "Gymnase Ornano"}, headers=headers
    )
    thanks = "Merci à tous, " + "vraiment " * 40
    await client.post(f"/api/v1/calls/{cid}/thanks", json={"message": thanks}, headers=headers)
    await client.post(f"/api/v1/calls/{cid}/close", json={"cancel": True}, headers=headers)
    kinds = [kind for kind, _, _ in await _told(app, respondent)]
    assert kinds == ["call_changed", "call_thanks", "call_cancelled"]
    assert await _told(app, bystander) == []
    with app.node.db.activate():
        row = await Notification.get(member_id=respondent.id, kind="call_thanks")
    assert row.payload["message"].startswith("Merci à tous") and len(row.payload["message"]) <= 140
    assert row.payload["url"] == f"/calls/{UUID(cid)}"
    assert row.payload["actor"] == association.name
