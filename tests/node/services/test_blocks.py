"""Member blocks on one node: both ways, neither sees the other's actions, messages or
participation, nor can join or answer the other; the API to block, list and unblock."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import MemberFactory
from tests.factories import PARIS, post_action

BLOCKS = "/api/v1/me/blocks"
FEED = f"/api/v1/actions?lat={PARIS[0]}&lon={PARIS[1]}&radius_km=5"


async def _titles(client: Any, headers: dict[str, str]) -> set[str]:
    body = await (await client.get(FEED, headers=headers)).get_json()
    return {item["title"] for item in body["items"]}


async def _block(client: Any, headers: dict[str, str], **body: Any) -> Any:
    return await client.post(BLOCKS, json=body, headers=headers)


@pytest.mark.parametrize("direction", ["blocker_posts", "blocked_posts"])
async def test_a_block_works_both_ways(
    client: Any, make_member: MemberFactory, direction: str
) -> None:
    nadia, nadia_headers = await make_member(pseudonym="Nadia")
    marc, marc_headers = await make_member(pseudonym="Marc")
    _author, author_headers, _other, other_headers = (
        (nadia, nadia_headers, marc, marc_headers)
        if direction == "blocker_posts"
        else (marc, marc_headers, nadia, nadia_headers)
    )
    action = await post_action(client, author_headers, title="Une soupe chaude")
    url = f"/api/v1/actions/{action['id']}"
    assert "Une soupe chaude" in await _titles(client, other_headers)
    assert (await _block(client, nadia_headers, member_id=str(marc.id))).status_code == 201
    # The other no longer sees the action, in the feed or on its page, nor can join it.
    assert "Une soupe chaude" not in await _titles(client, other_headers)
    assert (await client.get(url, headers=other_headers)).status_code == 404
    join = await client.post(f"{url}/participations", json={}, headers=other_headers)
    assert join.status_code == 404
    assert (await client.get(f"{url}/messages", headers=other_headers)).status_code == 404
    # Its author still sees it; a third member too.
    assert (await client.get(url, headers=author_headers)).status_code == 200
    _, third = await make_member()
    assert "Une soupe chaude" in await _titles(client, third)
    # Unblocked: all comes back.
    response = await client.delete(BLOCKS, json={"member_id": str(marc.id)}, headers=nadia_headers)
    assert response.status_code == 204
    assert (await client.get(url, headers=other_headers)).status_code == 200
    assert "Une soupe chaude" in await _titles(client, other_headers)


async def test_neither_sees_the_other_in_a_shared_chat_or_participant_list(
    client: Any, make_member: MemberFactory
) -> None:
    _, author = await make_member(pseudonym="Autrice")
    nadia, nadia_headers = await make_member(pseudonym="Nadia")
    _marc, marc_headers = await make_member(pseudonym="Marc")
    action = await post_action(client, author, title="Un déménagement", auto_accept=True)
    url = f"/api/v1/actions/{action['id']}"
    for headers in (nadia_headers, marc_headers):
        response = await client.post(f"{url}/participations", json={}, headers=headers)
        assert response.status_code == 201
    for body, headers in (("Je viens", nadia_headers), ("Moi aussi", marc_headers)):
        assert (
            await client.post(f"{url}/messages", json={"body": body}, headers=headers)
        ).status_code == 201
    assert (await _block(client, marc_headers, member_id=str(nadia.id))).status_code == 201
    for headers, hidden, shown in (
        (nadia_headers, "Moi aussi", "Je viens"),
        (marc_headers, "Je viens", "Moi aussi"),
    ):
        page = await (await client.get(f"{url}/messages", headers=headers)).get_json()
        bodies = [m["body"] for m in page["items"]]
        assert hidden not in bodies and shown in bodies
    # The author, who blocked nobody, sees both.
    page = await (await client.get(f"{url}/messages", headers=author)).get_json()
    assert {"Je viens", "Moi aussi"} <= {m["body"] for m in page["items"]}


async def test_the_author_does_not_see_a_blocked_participant(
    client: Any, make_member: MemberFactory
) -> None:
    _, author = await make_member(pseudonym="Autrice")
    _marc, marc_headers = await make_member(pseudonym="Marc")
    action = await post_action(client, author, title="Un café")
    url = f"/api/v1/actions/{action['id']}/participations"
    assert (await client.post(url, json={}, headers=marc_headers)).status_code == 201
    body = await (await client.get(url, headers=author)).get_json()
    assert [p["member"]["pseudonym"] for p in body["items"]] == ["Marc"]
    me = await (await client.get("/api/v1/me", headers=author)).get_json()
    assert (await _block(client, marc_headers, member_id=me["id"])).status_code == 201
    body = await (await client.get(url, headers=author)).get_json()
    assert body["items"] == []


async def test_block_api_rules(client: Any, make_member: MemberFactory) -> None:
    me, headers = await make_member()
    other, _ = await make_member(pseudonym="Marc")
    assert (await client.post(BLOCKS, json={"member_id": str(other.id)})).status_code == 401
    assert (await client.get(BLOCKS)).status_code == 401
    assert (await _block(client, headers, member_id=str(me.id))).status_code == 422
    assert (await _block(client, headers)).status_code == 422
    both = await _block(client, headers, member_id=str(other.id), actor="https://a.example/u/1")
    assert both.status_code == 422
    assert (await _block(client, headers, actor="pas une adresse")).status_code == 422
    assert (
        await _block(client, headers, actor="https://a.example/" + "x" * 2100)
    ).status_code == 422
    assert (await _block(client, headers, member_id="pas-un-uuid")).status_code == 422
    unknown = "00000000-0000-0000-0000-000000000000"
    assert (await _block(client, headers, member_id=unknown)).status_code == 404
    assert (await _block(client, headers, member_id=str(other.id))).status_code == 201
    assert (await _block(client, headers, member_id=str(other.id))).status_code == 409
    assert (
        await _block(client, headers, actor="https://lyon.example/members/7")
    ).status_code == 201
    items = (await (await client.get(BLOCKS, headers=headers)).get_json())["items"]
    assert [(i["pseudonym"], i["actor"]) for i in items] == [
        (None, "https://lyon.example/members/7"),
        ("Marc", None),
    ]
    assert "phone" not in str(items) and "email" not in str(items)
    response = await client.delete(BLOCKS, json={"member_id": unknown}, headers=headers)
    assert response.status_code == 404
    response = await client.delete(
        BLOCKS, json={"actor": "https://lyon.example/members/7"}, headers=headers
    )
    assert response.status_code == 204
    malformed = await client.post(
        BLOCKS, data=b"{", headers={**headers, "Content-Type": "application/json"}
    )
    assert malformed.status_code == 400
