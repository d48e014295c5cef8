"""The action chat: author and accepted participants only, cursor pages both ways."""

from __future__ import annotations

from typing import Any

from node.http_state import EntraideApp
from node.models import AssociationRole
from tests.conftest import MemberFactory, assert_no_private_data
from tests.factories import make_association, post_action


def chat(action: dict[str, Any]) -> str:
    return f"/api/v1/actions/{action['id']}/messages"


async def accepted(client: Any, action: dict[str, Any], author: Any, member: Any) -> None:
    url = f"/api/v1/actions/{action['id']}/participations"
    joined = await (await client.post(url, json={}, headers=member)).get_json()
    response = await client.patch(
        f"{url}/{joined['id']}", json={"status": "accepted"}, headers=author
    )
    assert response.status_code == 200


async def test_author_and_accepted_participants_chat(
    client: Any, make_member: MemberFactory
) -> None:
    author, headers = await make_member()
    member, member_headers = await make_member()
    action = await post_action(client, headers)
    await accepted(client, action, headers, member_headers)
    first = await client.post(chat(action), json={"body": "  Bonjour !  "}, headers=headers)
    assert first.status_code == 201
    message = await first.get_json()
    assert message["body"] == "Bonjour !"
    assert message["author"] == {"id": str(author.id), "pseudonym": author.pseudonym}
    reply = await client.post(chat(action), json={"body": "Salut"}, headers=member_headers)
    assert reply.status_code == 201
    page = await (await client.get(chat(action), headers=member_headers)).get_json()
    assert [m["body"] for m in page["items"]] == ["Salut", "Bonjour !"]
    assert page["next_cursor"] is None
    assert_no_private_data(page, author, member)


async def test_outsiders_cannot_chat(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    author, headers = await make_member()
    _, pending_headers = await make_member()
    _, stranger = await make_member()
    action = await post_action(client, headers)
    await client.post(
        f"/api/v1/actions/{action['id']}/participations", json={}, headers=pending_headers
    )
    for who in (pending_headers, stranger):
        assert (await client.get(chat(action), headers=who)).status_code == 403
        assert (
            await client.post(chat(action), json={"body": "hé"}, headers=who)
        ).status_code == 403
    assert (await client.get(chat(action))).status_code == 401
    assert (await client.post(chat(action), json={"body": "hé"})).status_code == 401
    # An action the member may not see does not exist for them.
    association = await make_association(app, {author: AssociationRole.ADMIN})
    hidden = await post_action(
        client, headers, visibility="association", association_id=str(association.id)
    )
    assert (await client.get(chat(hidden), headers=stranger)).status_code == 404
    assert (
        await client.post(chat(hidden), json={"body": "x"}, headers=stranger)
    ).status_code == 404
    missing = {"id": "00000000-0000-4000-8000-000000000000"}
    assert (await client.get(chat(missing), headers=headers)).status_code == 404


async def test_leaving_ends_chat_access(client: Any, make_member: MemberFactory) -> None:
    _, headers = await make_member()
    _, member_headers = await make_member()
    action = await post_action(client, headers)
    await accepted(client, action, headers, member_headers)
    assert (await client.get(chat(action), headers=member_headers)).status_code == 200
    await client.delete(f"/api/v1/actions/{action['id']}/participations/me", headers=member_headers)
    assert (await client.get(chat(action), headers=member_headers)).status_code == 403


async def test_message_validation(client: Any, make_member: MemberFactory) -> None:
    _, headers = await make_member()
    action = await post_action(client, headers)
    url = chat(action)
    for body in ({"body": ""}, {"body": "   "}, {"body": "x" * 2001}, {"body": 3}, {"text": "x"}):
        assert (await client.post(url, json=body, headers=headers)).status_code == 422
    bad_json = {**headers, "Content-Type": "application/json"}
    assert (await client.post(url, data=b"{nope", headers=bad_json)).status_code == 400
    huge = {"body": "x" * 2_000_000}
    assert (await client.post(url, json=huge, headers=headers)).status_code == 413
    for query in ("limit=0", "limit=101", "before=abc", "before=1&after=1", "page=2"):
        assert (await client.get(f"{url}?{query}", headers=headers)).status_code == 422


async def test_pagination_both_ways(client: Any, make_member: MemberFactory) -> None:
    _, headers = await make_member()
    action = await post_action(client, headers)
    url = chat(action)
    for n in range(12):
        await client.post(url, json={"body": f"m{n}"}, headers=headers)
    seen: list[str] = []
    query = "limit=5"
    while True:
        page = await (await client.get(f"{url}?{query}", headers=headers)).get_json()
        seen.extend(m["body"] for m in page["items"])
        if page["next_cursor"] is None:
            break
        query = f"limit=5&before={page['next_cursor']}"
    assert seen == [f"m{n}" for n in reversed(range(12))]
    forward: list[str] = []
    query = "limit=5&after=0"
    while True:
        page = await (await client.get(f"{url}?{query}", headers=headers)).get_json()
        forward.extend(m["body"] for m in page["items"])
        if page["next_cursor"] is None:
            break
        query = f"limit=5&after={page['next_cursor']}"
    assert forward == [f"m{n}" for n in range(12)]
