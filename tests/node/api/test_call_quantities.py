"""A call's coordinators change what it wants after posting: never below what is already
pledged; what is still missing follows, and the call turns full or reopens with it."""

from __future__ import annotations

from typing import Any

from node.http_state import EntraideApp
from node.models import AssociationRole, OutboxActivity
from tests.conftest import MemberFactory
from tests.factories import call_body, make_association


async def test_quantities_change_within_what_is_pledged(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    coordinator, headers = await make_member(pseudonym="Coord")
    association = await make_association(app, {coordinator: AssociationRole.COORDINATOR})
    body = call_body(association=association)
    call = await (await client.post("/api/v1/calls", json=body, headers=headers)).get_json()
    url = f"/api/v1/calls/{call['id']}"
    bags, shoes = (item["id"] for item in call["items"])
    _, resident = await make_member(pseudonym="Léa")
    pledge = {"pledges": [{"item_id": bags, "quantity": 5}]}
    assert (await client.post(f"{url}/answers", json=pledge, headers=resident)).status_code == 201

    more = {"quantities": [{"item_id": bags, "wanted": 30}]}
    changed = await (await client.patch(url, json=more, headers=headers)).get_json()
    assert [(i["wanted"], i["remaining"]) for i in changed["items"]] == [(30, 25), (10, 10)]
    # Down to what is pledged: nothing missing of the bags; with no shoes missing, full.
    less = {"quantities": [{"item_id": bags, "wanted": 5}, {"item_id": shoes, "wanted": 1}]}
    _, other = await make_member(pseudonym="Sam")
    one = {"pledges": [{"item_id": shoes, "quantity": 1}]}
    assert (await client.post(f"{url}/answers", json=one, headers=other)).status_code == 201
    full = await (await client.patch(url, json=less, headers=headers)).get_json()
    assert full["status"] == "full"
    assert [(i["wanted"], i["remaining"]) for i in full["items"]] == [(5, 0), (1, 0)]
    reopened = await client.patch(
        url, json={"quantities": [{"item_id": shoes, "wanted": 4}]}, headers=headers
    )
    assert (await reopened.get_json())["status"] == "open"
    with app.node.db.activate():  # partners and followers hear the new quantities
        update = await OutboxActivity.filter(type="Update").order_by("-id").first()
        assert update is not None
        assert [i["wanted"] for i in update.body["object"]["callItems"]] == [5, 4]

    # Refusals: below what is pledged, an item of no call, twice, 0; not a coordinator.
    for bad in (
        [{"item_id": bags, "wanted": 4}],
        [{"item_id": 999999, "wanted": 4}],
        [{"item_id": bags, "wanted": 9}, {"item_id": bags, "wanted": 8}],
        [{"item_id": bags, "wanted": 0}],
    ):
        response = await client.patch(url, json={"quantities": bad}, headers=headers)
        assert response.status_code == 422, bad
    forbidden = await client.patch(url, json=more, headers=resident)
    assert forbidden.status_code == 403
    now = await (await client.get(url)).get_json()
    assert [(i["wanted"], i["remaining"]) for i in now["items"]] == [(5, 0), (4, 3)]
