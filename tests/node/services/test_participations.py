"""Joining actions: pending/auto-accept, capacity, duplicates, decisions, leaving."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from node.http_state import EntraideApp
from tests.conftest import MemberFactory, assert_no_private_data
from tests.factories import outing_body, post_action

MISSING = "00000000-0000-4000-8000-000000000000"


def parts(action: dict[str, Any]) -> str:
    return f"/api/v1/actions/{action['id']}/participations"


async def test_join_then_accept(client: Any, make_member: MemberFactory) -> None:
    author, headers = await make_member()
    member, member_headers = await make_member()
    action = await post_action(client, headers)
    response = await client.post(
        parts(action), json={"message": "  Je peux aider  "}, headers=member_headers
    )
    assert response.status_code == 201
    joined = await response.get_json()
    assert joined["status"] == "pending" and joined["message"] == "Je peux aider"
    assert joined["member"] == {"id": str(member.id), "pseudonym": member.pseudonym}
    assert_no_private_data(joined, author, member)
    url = f"{parts(action)}/{joined['id']}"
    decided = await client.patch(url, json={"status": "accepted"}, headers=headers)
    assert decided.status_code == 200
    assert (await decided.get_json())["status"] == "accepted"
    # The author sees everyone, a participant sees their own.
    everyone = await (await client.get(parts(action), headers=headers)).get_json()
    assert [p["id"] for p in everyone["items"]] == [joined["id"]]
    _, third = await make_member()
    assert (await (await client.get(parts(action), headers=third)).get_json())["items"] == []
    assert_no_private_data(everyone, author, member)


async def test_auto_accept(client: Any, make_member: MemberFactory) -> None:
    _, headers = await make_member()
    _, member_headers = await make_member()
    action = await post_action(client, headers, auto_accept=True)
    response = await client.post(parts(action), json={}, headers=member_headers)
    assert (await response.get_json())["status"] == "accepted"


async def test_join_rejections(client: Any, make_member: MemberFactory) -> None:
    _, headers = await make_member()
    _, member_headers = await make_member()
    _, unverified = await make_member(verified=False)
    action = await post_action(client, headers)
    url = parts(action)
    assert (await client.post(url, json={})).status_code == 401
    assert (await client.post(url, json={}, headers=unverified)).status_code == 403
    assert (await client.post(url, json={}, headers=headers)).status_code == 409  # own action
    too_long = {"message": "x" * 501}
    assert (await client.post(url, json=too_long, headers=member_headers)).status_code == 422
    assert (await client.post(url, json={"msg": "hi"}, headers=member_headers)).status_code == 422
    bad_json = {**member_headers, "Content-Type": "application/json"}
    assert (await client.post(url, data=b"{", headers=bad_json)).status_code == 400
    assert (await client.post(url, json={}, headers=member_headers)).status_code == 201
    assert (await client.post(url, json={}, headers=member_headers)).status_code == 409  # twice
    missing = f"/api/v1/actions/{MISSING}/participations"
    assert (await client.post(missing, json={}, headers=member_headers)).status_code == 404
    hidden = await post_action(client, headers, visibility="node")
    assert (await client.get(parts(hidden))).status_code == 401
    big = {"message": "x" * 2_000_000}
    assert (await client.post(url, json=big, headers=member_headers)).status_code == 413


async def test_closed_and_expired_actions_cannot_be_joined(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, headers = await make_member()
    _, member_headers = await make_member()
    closed = await post_action(client, headers)
    await client.patch(
        f"/api/v1/actions/{closed['id']}", json={"status": "closed"}, headers=headers
    )
    assert (await client.post(parts(closed), json={}, headers=member_headers)).status_code == 409
    expiring = await post_action(client, headers)
    app.node.clock.advance(timedelta(days=31))
    _, member_headers = await make_member()  # a month later: the earlier token has expired
    assert (await client.post(parts(expiring), json={}, headers=member_headers)).status_code == 409


async def test_outing_capacity(client: Any, make_member: MemberFactory) -> None:
    _, headers = await make_member()
    response = await client.post(
        "/api/v1/actions", json=outing_body(capacity=2, auto_accept=True), headers=headers
    )
    outing = await response.get_json()
    joiners = [await make_member() for _ in range(3)]
    first = await client.post(parts(outing), json={}, headers=joiners[0][1])
    assert (await first.get_json())["status"] == "accepted"
    assert (await client.post(parts(outing), json={}, headers=joiners[1][1])).status_code == 201
    full = await client.post(parts(outing), json={}, headers=joiners[2][1])
    assert full.status_code == 409
    # Someone leaves: there is room again.
    me = f"{parts(outing)}/me"
    assert (await client.delete(me, headers=joiners[0][1])).status_code == 204
    assert (await client.post(parts(outing), json={}, headers=joiners[2][1])).status_code == 201


async def test_accepting_into_a_full_outing_is_409(client: Any, make_member: MemberFactory) -> None:
    _, headers = await make_member()
    outing = await (
        await client.post("/api/v1/actions", json=outing_body(capacity=1), headers=headers)
    ).get_json()
    ids = []
    for _ in range(2):
        _, member_headers = await make_member()
        joined = await client.post(parts(outing), json={}, headers=member_headers)
        ids.append((await joined.get_json())["id"])
    ok = await client.patch(
        f"{parts(outing)}/{ids[0]}", json={"status": "accepted"}, headers=headers
    )
    assert ok.status_code == 200
    full = await client.patch(
        f"{parts(outing)}/{ids[1]}", json={"status": "accepted"}, headers=headers
    )
    assert full.status_code == 409


async def test_decision_rejections(client: Any, make_member: MemberFactory) -> None:
    _, headers = await make_member()
    _, member_headers = await make_member()
    _, other_headers = await make_member()
    action = await post_action(client, headers)
    joined = await (await client.post(parts(action), json={}, headers=member_headers)).get_json()
    url = f"{parts(action)}/{joined['id']}"
    assert (await client.patch(url, json={"status": "accepted"})).status_code == 401
    participant = await client.patch(url, json={"status": "accepted"}, headers=member_headers)
    assert participant.status_code == 403
    stranger = await client.patch(url, json={"status": "accepted"}, headers=other_headers)
    assert stranger.status_code == 404
    bad = await client.patch(url, json={"status": "left"}, headers=headers)
    assert bad.status_code == 422
    unknown = await client.patch(
        f"{parts(action)}/999999", json={"status": "accepted"}, headers=headers
    )
    assert unknown.status_code == 404
    declined = await client.patch(url, json={"status": "declined"}, headers=headers)
    assert (await declined.get_json())["status"] == "declined"
    # A declined member cannot simply ask again.
    assert (await client.post(parts(action), json={}, headers=member_headers)).status_code == 409


async def test_leave(client: Any, make_member: MemberFactory) -> None:
    _, headers = await make_member()
    _, member_headers = await make_member()
    _, other_headers = await make_member()
    action = await post_action(client, headers)
    joined = await (await client.post(parts(action), json={}, headers=member_headers)).get_json()
    url = f"{parts(action)}/{joined['id']}"
    assert (await client.delete(url)).status_code == 401
    assert (await client.delete(url, headers=other_headers)).status_code == 404
    assert (await client.delete(url, headers=headers)).status_code == 403  # the author declines
    assert (await client.delete(url, headers=member_headers)).status_code == 204
    assert (await client.delete(url, headers=member_headers)).status_code == 404
    assert (await client.delete(f"{parts(action)}/me", headers=other_headers)).status_code == 404
    left = await client.patch(url, json={"status": "accepted"}, headers=headers)
    assert left.status_code == 409
    # Having left, one may ask again.
    again = await client.post(parts(action), json={}, headers=member_headers)
    assert again.status_code == 201 and (await again.get_json())["id"] == joined["id"]
