"""Calls and places of the guide can be reported too; the queue shows them in context."""

from __future__ import annotations

from typing import Any

from node.http_state import EntraideApp
from node.models import AssociationRole, Member
from tests.conftest import MemberFactory
from tests.factories import call_body, make_association, new_guide_place


async def test_a_call_and_a_place_are_reported_and_shown_to_moderators(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    moderator, mod_h = await make_member(pseudonym="Modé")
    coordinator, coord_h = await make_member(pseudonym="Coord")
    _, headers = await make_member()
    association = await make_association(app, {coordinator: AssociationRole.COORDINATOR})
    with app.node.db.activate():
        await Member.filter(id=moderator.id).update(is_moderator=True)
        place = await new_guide_place("Bains-douches", 48.85, 2.35, node=app.node)
    posted = await client.post(
        "/api/v1/calls", json=call_body(association=association), headers=coord_h
    )
    call = await posted.get_json()
    base = app.node.settings.base_url
    call_target, place_target = f"call:{call['id']}", f"place:{place.id}"
    ids = {}
    for target in (call_target, place_target, f"{base}/calls/{call['id']}"):
        body = {"target": target, "category": "fraud"}
        response = await client.post("/api/v1/reports", json=body, headers=headers)
        assert response.status_code == 201, await response.get_json()
        ids[target] = (await response.get_json())["id"]
    unknown = {"target": "call:7b0c3e52-2f7e-4bd5-9f0f-0a3c1b8f4a11", "category": "fraud"}
    assert (await client.post("/api/v1/reports", json=unknown, headers=headers)).status_code == 422
    queue = "/api/v1/moderation/reports"
    detail = await (await client.get(f"{queue}/{ids[call_target]}", headers=mod_h)).get_json()
    assert detail["context"]["title"] == call["title"]
    detail = await (await client.get(f"{queue}/{ids[place_target]}", headers=mod_h)).get_json()
    assert detail["context"]["name"] == "Bains-douches"
    # Both can be hidden from the queue; a member cannot (warn, suspend or ban them instead).
    url = f"{queue}/{ids[place_target]}/actions"
    hide = await client.post(url, json={"verb": "hide", "reason": "Faux"}, headers=mod_h)
    assert hide.status_code == 200
    assert (await hide.get_json())["context"]["hidden"] is True
    body = {"target": f"member:{coordinator.id}", "category": "fraud"}
    about = await (await client.post("/api/v1/reports", json=body, headers=headers)).get_json()
    url = f"{queue}/{about['id']}/actions"
    hide = await client.post(url, json={"verb": "hide", "reason": "Faux"}, headers=mod_h)
    assert hide.status_code == 422
    # A message of a call, by its number; an unknown or malformed one is refused alike.
    for bad in ("call_message:999999", "call_message:x", "call_message:"):
        body = {"target": bad, "category": "harassment"}
        refused = await client.post("/api/v1/reports", json=body, headers=headers)
        assert refused.status_code == 422, bad
