"""In-app notifications: what notifies whom, the API (paged, unread filter, mark read),
preferences, and that texts name people by pseudonym only."""

from __future__ import annotations

from typing import Any

from node.http_state import EntraideApp
from node.models import Notification
from tests.conftest import MemberFactory, assert_no_private_data
from tests.factories import outing_body, post_action

NOTIFICATIONS = "/api/v1/notifications"


async def notes(client: Any, headers: dict[str, str], **query: Any) -> dict[str, Any]:
    response = await client.get(NOTIFICATIONS, query_string=query, headers=headers)
    assert response.status_code == 200, await response.get_data(as_text=True)
    data: dict[str, Any] = await response.get_json()
    return data


async def join(client: Any, action: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    url = f"/api/v1/actions/{action['id']}/participations"
    response = await client.post(url, json={}, headers=headers)
    assert response.status_code == 201
    data: dict[str, Any] = await response.get_json()
    return data


async def decide(
    client: Any,
    action: dict[str, Any],
    joined: dict[str, Any],
    headers: dict[str, str],
    status: str,
) -> None:
    url = f"/api/v1/actions/{action['id']}/participations/{joined['id']}"
    response = await client.patch(url, json={"status": status}, headers=headers)
    assert response.status_code == 200


async def test_join_accept_and_chat_notify_the_right_people(
    client: Any, make_member: MemberFactory
) -> None:
    author, author_h = await make_member(pseudonym="Awa")
    member, member_h = await make_member(pseudonym="Basile")
    action = await post_action(client, author_h, title="Des chaussures 42")
    joined = await join(client, action, member_h)

    page = await notes(client, author_h)
    assert page["unread"] == 1
    [asked] = page["items"]
    assert asked["kind"] == "join_asked"
    assert asked["text"] == "Basile demande à participer à « Des chaussures 42 »."
    assert asked["url"] == f"/actions/{action['id']}" and asked["read_at"] is None
    assert (await notes(client, member_h))["items"] == []  # nobody tells you what you did

    await decide(client, action, joined, author_h, "accepted")
    [accepted] = (await notes(client, member_h))["items"]
    assert accepted["kind"] == "join_accepted"

    # Chat: the others in it are told once per chat until they read it.
    chat = f"/api/v1/actions/{action['id']}/messages"
    for body in ("Bonjour", "Je passe à 18 h", "À tout à l'heure"):
        assert (await client.post(chat, json={"body": body}, headers=member_h)).status_code == 201
    author_page = await notes(client, author_h)
    kinds = [item["kind"] for item in author_page["items"]]
    assert kinds == ["message_posted", "join_asked"]
    told = author_page["items"][0]["text"]
    assert told == "Nouveau message de Basile dans « Des chaussures 42 »."
    assert [i["kind"] for i in (await notes(client, member_h))["items"]] == ["join_accepted"]
    assert_no_private_data(author_page, author, member)


async def test_declined_and_outing_changes(client: Any, make_member: MemberFactory) -> None:
    _, author_h = await make_member()
    _, first_h = await make_member()
    _, second_h = await make_member()
    outing = await post_action(client, author_h, **outing_body(capacity=5))
    yes = await join(client, outing, first_h)
    no = await join(client, outing, second_h)
    await decide(client, outing, yes, author_h, "accepted")
    await decide(client, outing, no, author_h, "declined")
    assert [i["kind"] for i in (await notes(client, second_h))["items"]] == ["join_declined"]

    url = f"/api/v1/actions/{outing['id']}"
    response = await client.patch(url, json={"title": "Café au jardin"}, headers=author_h)
    assert response.status_code == 200
    response = await client.patch(url, json={"status": "closed"}, headers=author_h)
    assert response.status_code == 200
    kinds = [i["kind"] for i in (await notes(client, first_h))["items"]]
    assert kinds == ["outing_cancelled", "outing_changed", "join_accepted"]
    # The declined one is not a participant: not told about changes.
    assert [i["kind"] for i in (await notes(client, second_h))["items"]] == ["join_declined"]


async def test_deleted_outing_tells_participants(client: Any, make_member: MemberFactory) -> None:
    _, author_h = await make_member()
    _, member_h = await make_member()
    outing = await post_action(client, author_h, **outing_body())
    await decide(client, outing, await join(client, outing, member_h), author_h, "accepted")
    response = await client.delete(f"/api/v1/actions/{outing['id']}", headers=author_h)
    assert response.status_code == 204
    # Notifications linking to the action go with it; the cancellation stays, without a link.
    [first] = (await notes(client, member_h))["items"]
    assert first["kind"] == "outing_cancelled" and first["url"] is None
    assert first["text"] == "La sortie « Café au parc » est annulée."


async def test_pages_unread_filter_and_mark_read(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    author, author_h = await make_member()
    actions = [await post_action(client, author_h, title=f"Besoin {n}") for n in range(5)]
    for action in actions:
        _, member_h = await make_member()
        await join(client, action, member_h)
    first = await notes(client, author_h, limit=2)
    assert len(first["items"]) == 2 and first["unread"] == 5
    second = await notes(client, author_h, limit=2, before=first["next_cursor"])
    third = await notes(client, author_h, limit=2, before=second["next_cursor"])
    ids = [i["id"] for page in (first, second, third) for i in page["items"]]
    assert len(set(ids)) == 5 and ids == sorted(ids, reverse=True)
    assert third["next_cursor"] is None

    read = await client.post(f"{NOTIFICATIONS}/read", json={"ids": ids[:2]}, headers=author_h)
    assert await read.get_json() == {"marked": 2, "unread": 3}
    unread = await notes(client, author_h, unread="true")
    assert [i["id"] for i in unread["items"]] == ids[2:]

    # Someone else's ids are ignored; "all" marks the rest.
    _, stranger_h = await make_member()
    other = await client.post(f"{NOTIFICATIONS}/read", json={"ids": ids}, headers=stranger_h)
    assert await other.get_json() == {"marked": 0, "unread": 0}
    everything = await client.post(f"{NOTIFICATIONS}/read", json={"all": True}, headers=author_h)
    assert await everything.get_json() == {"marked": 3, "unread": 0}
    with app.node.db.activate():
        assert await Notification.filter(member_id=author.id, read_at=None).count() == 0


async def test_notification_rejections(client: Any, make_member: MemberFactory) -> None:
    _, headers = await make_member()
    assert (await client.get(NOTIFICATIONS)).status_code == 401
    assert (await client.post(f"{NOTIFICATIONS}/read", json={"all": True})).status_code == 401
    bad = {"Authorization": "Bearer nope"}
    assert (await client.get(NOTIFICATIONS, headers=bad)).status_code == 401
    for query in ({"limit": 0}, {"limit": 101}, {"before": 0}, {"unread": "maybe"}, {"x": 1}):
        response = await client.get(NOTIFICATIONS, query_string=query, headers=headers)
        assert response.status_code == 422, query
    for body in ({}, {"ids": [1], "all": True}, {"ids": ["a"]}, {"ids": [0]}, {"all": "yes"}):
        response = await client.post(f"{NOTIFICATIONS}/read", json=body, headers=headers)
        assert response.status_code == 422, body
    too_many = {"ids": list(range(1, 502))}
    response = await client.post(f"{NOTIFICATIONS}/read", json=too_many, headers=headers)
    assert response.status_code == 422
    raw = {**headers, "Content-Type": "application/json"}
    assert (await client.post(f"{NOTIFICATIONS}/read", data=b"{", headers=raw)).status_code == 400


async def test_preferences(client: Any, make_member: MemberFactory) -> None:
    _, headers = await make_member()
    url = f"{NOTIFICATIONS}/preferences"
    defaults = await (await client.get(url, headers=headers)).get_json()
    assert defaults["join_asked"] == {"email": True, "push": True, "sms": False}
    changed = await client.patch(
        url, json={"message_posted": {"push": False}, "*": {"sms": True}}, headers=headers
    )
    assert changed.status_code == 200
    prefs = await changed.get_json()
    assert prefs["message_posted"] == {"email": True, "push": False, "sms": True}
    assert prefs["join_asked"]["sms"] is True
    for body in ({"nope": {"push": True}}, {"join_asked": {"fax": True}}, {"join_asked": 1}):
        response = await client.patch(url, json=body, headers=headers)
        assert response.status_code == 422, body
    response = await client.patch(url, json={"join_asked": {"push": "no"}}, headers=headers)
    assert response.status_code == 422
    assert (await client.patch(url, json={})).status_code == 401
