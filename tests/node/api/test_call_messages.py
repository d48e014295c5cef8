"""Talking with a call's respondents through the node: the association writes to all of them
or to one, a respondent writes back; each reads only what is theirs, and everyone else is
refused."""

from __future__ import annotations

from typing import Any

from node.http_state import EntraideApp
from node.models import AssociationRole, Notification
from tests.conftest import MemberFactory, assert_no_private_data
from tests.factories import call_body, make_association

MISSING = "00000000-0000-4000-8000-000000000000"


async def _kinds(app: EntraideApp, member: Any) -> list[str]:
    with app.node.db.activate():
        rows = await Notification.filter(member_id=member.id).order_by("id")
        return [str(row.kind) for row in rows]


async def test_the_association_and_its_respondents_talk_and_nobody_else(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    coordinator, coord_h = await make_member(pseudonym="Coord")
    association = await make_association(app, {coordinator: AssociationRole.COORDINATOR})
    body = call_body("volunteers", association=association)
    posted = await (await client.post("/api/v1/calls", json=body, headers=coord_h)).get_json()
    url = f"/api/v1/calls/{posted['id']}/messages"

    # Nobody answered yet: nobody to write to.
    early = await client.post(url, json={"body": "Bonjour"}, headers=coord_h)
    assert early.status_code == 409

    lea, lea_h = await make_member(pseudonym="Léa")
    sam, sam_h = await make_member(pseudonym="Sam")
    _, stranger_h = await make_member(pseudonym="Curieux")
    for headers in (lea_h, sam_h):
        answered = await client.post(
            f"/api/v1/calls/{posted['id']}/answers", json={}, headers=headers
        )
        assert answered.status_code == 201
    answers = await (
        await client.get(f"/api/v1/calls/{posted['id']}/answers", headers=coord_h)
    ).get_json()
    lea_answer = next(r["answer_id"] for r in answers["items"] if r["pseudonym"] == "Léa")

    to_all = await client.post(url, json={"body": "Rendez-vous à 18 h au local."}, headers=coord_h)
    assert to_all.status_code == 201
    sent = await to_all.get_json()
    assert sent["from_association"] is True and sent["to_answer_id"] is None
    assert sent["author"] == association.name
    to_lea = {"body": "Léa, pouvez-vous apporter la grande marmite ?", "answer_id": lea_answer}
    assert (await client.post(url, json=to_lea, headers=coord_h)).status_code == 201
    reply = await client.post(url, json={"body": "Oui, je l'apporte."}, headers=lea_h)
    assert reply.status_code == 201 and (await reply.get_json())["author"] == "Léa"

    # The coordinator reads everything; Léa what is for her; Sam only what is for all.
    every = await (await client.get(url, headers=coord_h)).get_json()
    assert [m["body"][:10] for m in every["items"]] == ["Rendez-vou", "Léa, pouve", "Oui, je l'"]
    hers = await (await client.get(url, headers=lea_h)).get_json()
    assert len(hers["items"]) == 3
    his = await (await client.get(url, headers=sam_h)).get_json()
    assert [m["body"] for m in his["items"]] == ["Rendez-vous à 18 h au local."]
    assert_no_private_data(every, lea, sam, coordinator)

    # Each was told: the respondents of the association's words, the coordinator of the reply.
    assert (await _kinds(app, lea)).count("call_message") == 2
    assert (await _kinds(app, sam)).count("call_message") == 1
    assert "call_reply" in await _kinds(app, coordinator)

    # Refusals: not a respondent (403, reading or writing), no call (404), bad input (422).
    assert (await client.get(url, headers=stranger_h)).status_code == 403
    assert (await client.post(url, json={"body": "Salut"}, headers=stranger_h)).status_code == 403
    missing = f"/api/v1/calls/{MISSING}/messages"
    assert (await client.get(missing, headers=coord_h)).status_code == 404
    assert (await client.post(missing, json={"body": "x"}, headers=coord_h)).status_code == 404
    for bad, headers in (
        ({"body": ""}, coord_h),
        ({"body": "x" * 1001}, coord_h),
        ({"body": "Bonjour", "answer_id": 999999}, coord_h),
        ({"body": "Bonjour", "answer_id": lea_answer}, sam_h),
    ):
        response = await client.post(url, json=bad, headers=headers)
        assert response.status_code == 422, (bad, await response.get_data(as_text=True))
    assert (await client.get(url)).status_code == 401

    # Withdrawn, Sam no longer reads the conversation.
    gone = await client.delete(f"/api/v1/calls/{posted['id']}/answers/me", headers=sam_h)
    assert gone.status_code == 204
    assert (await client.get(url, headers=sam_h)).status_code == 403
