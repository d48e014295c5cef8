"""Calls for help through the API: posting, roles, answers and quantities, withdrawal, limits,
following, and the errors a client gets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import h3

from node import clock
from node.http_state import EntraideApp
from node.models import AssociationRole
from tests.conftest import MemberFactory, assert_no_private_data
from tests.factories import PARIS, add_member, call_body, make_association, set_area

FAR = (48.70, 2.20)  # ~20 km south-west of Paris: outside a 1 km call, inside the node
MISSING = "00000000-0000-4000-8000-000000000000"


async def _coordinator(app: EntraideApp, make_member: MemberFactory) -> tuple[Any, Any, Any]:
    member, headers = await make_member(pseudonym="Coord")
    association = await make_association(app, {member: AssociationRole.COORDINATOR})
    return member, headers, association


async def _post(client: Any, headers: Any, association: Any, **kw: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/calls", json=call_body(association=association, **kw), headers=headers
    )
    assert response.status_code == 201, await response.get_data(as_text=True)
    return await response.get_json()  # type: ignore[no-any-return]


async def test_donations_pledge_decreases_and_withdrawal_restores(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    coordinator, headers, association = await _coordinator(app, make_member)
    call = await _post(client, headers, association)
    assert call["status"] == "open" and call["can_manage"] is True
    assert [(i["label"], i["remaining"]) for i in call["items"]] == [
        ("Duvets", 20),
        ("Chaussures 42-44", 10),
    ]
    assert call["area_resolution"] == 8 and len(call["area_cells"]) > 1
    resident, resident_headers = await make_member(pseudonym="Léa")
    bags = call["items"][0]["id"]
    url = f"/api/v1/calls/{call['id']}/answers"
    answered = await client.post(
        url, json={"pledges": [{"item_id": bags, "quantity": 5}]}, headers=resident_headers
    )
    assert answered.status_code == 201
    after = await answered.get_json()
    assert after["items"][0]["remaining"] == 15 and after["answers"] == 1
    assert after["my_answer"]["pledges"] == [{"item_id": bags, "quantity": 5}]
    # The association sees the respondent by pseudonym, never their phone or email.
    seen = await (await client.get(url, headers=headers)).get_json()
    assert [(r["pseudonym"], r["pledges"]) for r in seen["items"]] == [
        ("Léa", [{"item_id": bags, "quantity": 5}])
    ]
    assert_no_private_data(seen, resident, coordinator)
    # A second answer is a conflict; withdrawal gives the quantity back.
    again = await client.post(
        url, json={"pledges": [{"item_id": bags, "quantity": 1}]}, headers=resident_headers
    )
    assert again.status_code == 409
    gone = await client.delete(f"{url}/me", headers=resident_headers)
    assert gone.status_code == 204
    now = await (await client.get(f"/api/v1/calls/{call['id']}")).get_json()
    assert now["items"][0]["remaining"] == 20 and now["answers"] == 0
    assert (await client.delete(f"{url}/me", headers=resident_headers)).status_code == 404


async def test_volunteers_call_fills_closes_and_reopens(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, headers, association = await _coordinator(app, make_member)
    call = await _post(client, headers, association, kind="volunteers", people=2)
    url = f"/api/v1/calls/{call['id']}/answers"
    first = [await make_member() for _ in range(3)]
    assert (await client.post(url, json={}, headers=first[0][1])).status_code == 201
    second = await client.post(url, json={}, headers=first[1][1])
    assert (await second.get_json())["status"] == "full"
    full = await client.post(url, json={}, headers=first[2][1])
    assert full.status_code == 409
    assert "full" in (await full.get_json())["detail"]
    # Pledges make no sense for a volunteers call.
    bad = await client.post(
        url, json={"pledges": [{"item_id": 1, "quantity": 1}]}, headers=first[2][1]
    )
    assert bad.status_code in (409, 422)
    assert (await client.delete(f"{url}/me", headers=first[0][1])).status_code == 204
    reopened = await (await client.get(f"/api/v1/calls/{call['id']}")).get_json()
    assert reopened["status"] == "open" and reopened["items"][0]["remaining"] == 1
    assert (await client.post(url, json={}, headers=first[2][1])).status_code == 201


async def test_bad_quantities_are_422_and_an_exhausted_item_is_409(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, headers, association = await _coordinator(app, make_member)
    call = await _post(
        client, headers, association, items=[{"label": "Couvertures", "quantity": 2}]
    )
    item = call["items"][0]["id"]
    url = f"/api/v1/calls/{call['id']}/answers"
    _, one = await make_member()
    _, two = await make_member()
    for pledges in (
        [{"item_id": item, "quantity": 3}],  # more than still needed
        [{"item_id": item, "quantity": 0}],
        [{"item_id": 999999, "quantity": 1}],
        [{"item_id": item, "quantity": 1}, {"item_id": item, "quantity": 1}],
        [],
    ):
        response = await client.post(url, json={"pledges": pledges}, headers=one)
        assert response.status_code == 422, pledges
    assert (
        await client.post(url, json={"pledges": [{"item_id": item, "quantity": 2}]}, headers=one)
    ).status_code == 201
    late = await client.post(url, json={"pledges": [{"item_id": item, "quantity": 1}]}, headers=two)
    assert late.status_code == 409


async def test_roles_only_coordinators_post_and_manage(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, headers, association = await _coordinator(app, make_member)
    volunteer, volunteer_headers = await make_member()
    _, other_headers = await make_member()
    await add_member(app, volunteer, association, AssociationRole.VOLUNTEER)
    body = call_body(association=association)
    forbidden = await client.post("/api/v1/calls", json=body, headers=volunteer_headers)
    assert forbidden.status_code == 403
    assert (await client.post("/api/v1/calls", json=body, headers=other_headers)).status_code == 403
    unknown = call_body(association_id=MISSING)
    assert (await client.post("/api/v1/calls", json=unknown, headers=headers)).status_code == 404
    # Unverified members are refused before anything else.
    _, unverified = await make_member(verified=False)
    assert (await client.post("/api/v1/calls", json=body, headers=unverified)).status_code == 403
    assert (await client.post("/api/v1/calls", json=body)).status_code == 401
    call = await _post(client, headers, association)
    cid = call["id"]
    # Respondents are the association's private data: 404 for anyone else.
    assert (
        await client.get(f"/api/v1/calls/{cid}/answers", headers=other_headers)
    ).status_code == 404
    edit = await client.patch(
        f"/api/v1/calls/{cid}", json={"title": "Autre"}, headers=other_headers
    )
    assert edit.status_code == 403
    closing = await client.post(f"/api/v1/calls/{cid}/close", json={}, headers=volunteer_headers)
    assert closing.status_code == 403
    # Urgent calls: node admins only.
    urgent = call_body("urgent", body="Grand froid : appelez le 115.")
    assert (await client.post("/api/v1/calls", json=urgent, headers=headers)).status_code == 403
    _, admin = await make_member(admin=True)
    sent = await client.post("/api/v1/calls", json=urgent, headers=admin)
    assert sent.status_code == 201
    assert (await sent.get_json())["association_id"] is None
    assert (await client.get(f"/api/v1/calls/{MISSING}")).status_code == 404


async def test_bad_input_is_422(app: EntraideApp, client: Any, make_member: MemberFactory) -> None:
    _, headers, association = await _coordinator(app, make_member)
    past = (clock.now() - timedelta(hours=1)).isoformat()
    far_future = (clock.now() + timedelta(days=200)).isoformat()
    bad_bodies = [
        call_body(association=association, items=[]),
        call_body(association=association, ends_at=past),
        call_body(association=association, ends_at=far_future),
        call_body("volunteers", association=association, people=None),
        call_body(association=association, area={"lat": PARIS[0], "lon": PARIS[1]}),
        call_body(association=association, area={"cells": ["not-a-cell"]}),
        # Outside the node's area (Lyon).
        call_body(association=association, area={"lat": 45.76, "lon": 4.83, "radius_km": 1}),
        call_body(association=association, area={"cells": ["89283082803ffff"]}),  # resolution 9
        call_body(
            association=association,
            items=[{"label": "Duvets", "quantity": 1}, {"label": "duvets", "quantity": 2}],
        ),
        call_body(association=association, items=[{"label": "Duvets", "quantity": 0}]),
        call_body(association=association, unknown=1),
    ]
    here = h3.latlng_to_cell(PARIS[0], PARIS[1], 8)
    disc = {"lat": PARIS[0], "lon": PARIS[1], "radius_km": 1}
    bad_areas: list[Any] = [
        None,
        "Paris",
        [PARIS[0], PARIS[1]],
        {},
        {**disc, "radius_km": 0},
        {**disc, "radius_km": -1},
        {**disc, "radius_km": 10_000},
        {**disc, "radius_km": "1 km"},
        {**disc, "lat": 91},
        {**disc, "lon": 181},
        {"lat": PARIS[0], "radius_km": 1},
        {**disc, "cells": [here]},
        {"cells": []},
        {"cells": here},
        {"cells": [12345]},
        {"cells": ["8" * 200]},
        {"cells": sorted(h3.grid_disk(here, 12))[:401]},  # one more than an area takes
        {"cells": [here, h3.cell_to_parent(here, 7)]},  # two resolutions
        {"cells": [here], "shape": "disc"},
    ]
    bad_bodies += [call_body(association=association, area=area) for area in bad_areas]
    for body in bad_bodies:
        response = await client.post("/api/v1/calls", json=body, headers=headers)
        assert response.status_code == 422, body
        assert (await response.get_json())["detail"]
    # The same areas within bounds are taken: the refusals above are about the area only.
    assert (await _post(client, headers, association, area={"cells": [here]}))["status"] == "open"


async def test_association_limit_per_day_has_retry_after(
    node_factory: Any, make_member: MemberFactory
) -> None:
    app = await node_factory("limits", calls_per_association_day=2)
    client = app.test_client()
    member, headers = await make_member(target=app)
    association = await make_association(app, {member: AssociationRole.ADMIN})
    for _ in range(2):
        await _post(client, headers, association)
    refused = await client.post(
        "/api/v1/calls", json=call_body(association=association), headers=headers
    )
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 86400
    assert "24 hours" in (await refused.get_json())["detail"]
    app.node.clock.advance(timedelta(days=1, seconds=1))
    await _post(client, headers, association)


async def test_urgent_calls_are_limited_per_node(
    node_factory: Any, make_member: MemberFactory
) -> None:
    app = await node_factory("urgent", urgent_calls_per_day=1)
    client = app.test_client()
    _, admin = await make_member(target=app, admin=True)
    urgent = call_body("urgent", body="Canicule : fontaines ouvertes.")
    assert (await client.post("/api/v1/calls", json=urgent, headers=admin)).status_code == 201
    again = await client.post("/api/v1/calls", json=urgent, headers=admin)
    assert again.status_code == 429 and "Retry-After" in again.headers


async def test_edit_close_cancel_and_thanks(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, headers, association = await _coordinator(app, make_member)
    call = await _post(client, headers, association)
    cid = call["id"]
    edited = await client.patch(
        f"/api/v1/calls/{cid}", json={"opening_hours": "tous les jours 8h-20h"}, headers=headers
    )
    assert (await edited.get_json())["opening_hours"] == "tous les jours 8h-20h"
    bad = await client.patch(f"/api/v1/calls/{cid}", json={"title": None}, headers=headers)
    assert bad.status_code == 422
    _, resident = await make_member()
    item = call["items"][0]["id"]
    await client.post(
        f"/api/v1/calls/{cid}/answers",
        json={"pledges": [{"item_id": item, "quantity": 1}]},
        headers=resident,
    )
    thanks = await client.post(
        f"/api/v1/calls/{cid}/thanks", json={"message": "Merci !"}, headers=headers
    )
    assert (await thanks.get_json())["thanked"] == 1
    twice = await client.post(
        f"/api/v1/calls/{cid}/thanks", json={"message": "Merci"}, headers=headers
    )
    assert twice.status_code == 409
    closed = await client.post(f"/api/v1/calls/{cid}/close", json={"cancel": True}, headers=headers)
    assert (await closed.get_json())["status"] == "cancelled"
    again = await client.post(f"/api/v1/calls/{cid}/close", json={}, headers=headers)
    assert again.status_code == 409
    late = await client.post(
        f"/api/v1/calls/{cid}/answers",
        json={"pledges": [{"item_id": item, "quantity": 1}]},
        headers=(await make_member())[1],
    )
    assert late.status_code == 409
    assert (
        await client.patch(f"/api/v1/calls/{cid}", json={"title": "Encore"}, headers=headers)
    ).status_code == 409


async def test_calls_near_me_follow_the_member_area(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, headers, association = await _coordinator(app, make_member)
    call = await _post(client, headers, association)
    _, inside = await make_member()
    _, outside = await make_member()
    _, nowhere = await make_member()
    await set_area(client, inside, PARIS)
    await set_area(client, outside, FAR)
    near = await (await client.get("/api/v1/calls", headers=inside)).get_json()
    assert [c["id"] for c in near["items"]] == [call["id"]]
    assert (await (await client.get("/api/v1/calls", headers=outside)).get_json())["items"] == []
    assert (await (await client.get("/api/v1/calls", headers=nowhere)).get_json())["items"] == []
    assert (await client.get("/api/v1/calls")).status_code == 401
    listed = await client.get(f"/api/v1/calls?association_id={association.id}")
    assert [c["id"] for c in (await listed.get_json())["items"]] == [call["id"]]
    bad_area = await client.put(
        "/api/v1/members/me/area", json={"lat": 91, "lon": 0}, headers=inside
    )
    assert bad_area.status_code == 422
    # After its end date, a call is closed and leaves the lists.
    app.node.clock.advance(timedelta(days=8))
    assert (await (await client.get("/api/v1/calls", headers=inside)).get_json())["items"] == []
    assert (await (await client.get(f"/api/v1/calls/{call['id']}")).get_json())[
        "status"
    ] == "closed"


async def test_follow_and_unfollow_an_association(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, _, association = await _coordinator(app, make_member)
    _, headers = await make_member()
    url = f"/api/v1/associations/{association.id}/follow"
    first = await (await client.post(url, headers=headers)).get_json()
    assert first == {"association_id": str(association.id), "following": True, "followers": 1}
    again = await (await client.post(url, headers=headers)).get_json()
    assert again["followers"] == 1
    left = await (await client.delete(url, headers=headers)).get_json()
    assert left["following"] is False and left["followers"] == 0
    assert (
        await client.post(f"/api/v1/associations/{MISSING}/follow", headers=headers)
    ).status_code == 404
    assert (await client.post(url)).status_code == 401
