"""A hidden chat message: gone for the others in the conversation, still shown to its author (and
to the moderators in the queue), back when restored; every step in the log. A hidden action
leaves "my actions" of those who joined it; its author keeps it."""

from __future__ import annotations

from typing import Any

from node.http_state import EntraideApp
from node.models import ModerationEntry
from tests.conftest import MemberFactory
from tests.factories import post_action


async def _bodies(client: Any, action_id: str, headers: Any) -> list[str]:
    response = await client.get(f"/api/v1/actions/{action_id}/messages", headers=headers)
    assert response.status_code == 200
    return [m["body"] for m in (await response.get_json())["items"]]


async def test_a_hidden_message_is_seen_by_its_author_and_the_moderators_only(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, mod_h = await make_member(pseudonym="Modé", admin=True)
    _, author_h = await make_member(pseudonym="Auteur")
    _, guest_h = await make_member(pseudonym="Invité")
    action = await post_action(client, author_h, title="Sortie au parc", auto_accept=True)
    joined = await client.post(
        f"/api/v1/actions/{action['id']}/participations", json={}, headers=guest_h
    )
    assert joined.status_code == 201, await joined.get_json()
    posted = await client.post(
        f"/api/v1/actions/{action['id']}/messages", json={"body": "Tais-toi"}, headers=author_h
    )
    message = await posted.get_json()
    report = await client.post(
        "/api/v1/reports",
        json={"target": f"message:{message['id']}", "category": "harassment"},
        headers=guest_h,
    )
    url = f"/api/v1/moderation/reports/{(await report.get_json())['id']}/actions"
    hidden = await client.post(url, json={"verb": "hide", "reason": "Insulte"}, headers=mod_h)
    assert hidden.status_code == 200
    assert (await hidden.get_json())["context"]["hidden"] is True
    assert await _bodies(client, action["id"], guest_h) == []
    assert await _bodies(client, action["id"], author_h) == ["Tais-toi"]
    assert (await hidden.get_json())["context"]["body"] == "Tais-toi"  # moderators: in the queue
    nobody = await client.post(url, json={"verb": "restore", "reason": "Ok"}, headers=guest_h)
    assert nobody.status_code == 403
    back = await client.post(url, json={"verb": "restore", "reason": "Erreur"}, headers=mod_h)
    assert back.status_code == 200
    assert await _bodies(client, action["id"], guest_h) == ["Tais-toi"]
    twice = await client.post(url, json={"verb": "restore", "reason": "Encore"}, headers=mod_h)
    assert twice.status_code == 422
    with app.node.db.activate():
        verbs = await ModerationEntry.all().order_by("id").values_list("verb", flat=True)
        assert [str(v) for v in verbs] == ["hide", "restore"]


async def test_a_hidden_action_leaves_my_actions_of_who_joined_it(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, mod_h = await make_member(pseudonym="Modé", admin=True)
    _, author_h = await make_member(pseudonym="Auteur")
    _, guest_h = await make_member(pseudonym="Invité")
    action = await post_action(client, author_h, title="Vends des papiers", auto_accept=True)
    await client.post(f"/api/v1/actions/{action['id']}/participations", json={}, headers=guest_h)

    async def titles(headers: Any) -> list[str]:
        mine = await (await client.get("/api/v1/me/actions", headers=headers)).get_json()
        return [row["title"] for row in mine["items"]]

    assert await titles(guest_h) == ["Vends des papiers"]
    report = await client.post(
        "/api/v1/reports",
        json={"target": f"action:{action['id']}", "category": "fraud"},
        headers=guest_h,
    )
    url = f"/api/v1/moderation/reports/{(await report.get_json())['id']}/actions"
    hidden = await client.post(url, json={"verb": "hide", "reason": "Arnaque"}, headers=mod_h)
    assert hidden.status_code == 200
    assert await titles(guest_h) == []
    assert await titles(author_h) == ["Vends des papiers"]
