"""The moderators' word list warns the authors of calls, of their messages and thanks, and of
chat messages, as it warns the authors of actions: 422 with the words found and nothing sent,
until the same request comes again with ``?confirm_screened=true``."""

from __future__ import annotations

from typing import Any

from node.http_state import EntraideApp
from node.models import AssociationRole, Call, CallMessage, Member, Message
from tests.conftest import MemberFactory
from tests.factories import call_body, make_association, post_action

WORDS = "/api/v1/moderation/words"
SCREENED = "/problems/screened-words"


async def _list(app: EntraideApp, client: Any, make_member: MemberFactory, *words: str) -> None:
    moderator, mod_h = await make_member(pseudonym="Modé")
    with app.node.db.activate():
        await Member.filter(id=moderator.id).update(is_moderator=True)
    for word in words:
        assert (await client.post(WORDS, json={"word": word}, headers=mod_h)).status_code == 201


async def _warned(response: Any, *words: str) -> None:
    assert response.status_code == 422, await response.get_data(as_text=True)
    problem = await response.get_json()
    assert problem["type"] == SCREENED
    found = sorted(problem["errors"], key=lambda error: error["message"])
    assert found == [{"field": "text", "message": w} for w in sorted(words)]


async def _call_with_respondent(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> tuple[dict[str, Any], Any, Any]:
    coordinator, coord_h = await make_member(pseudonym="Coord")
    association = await make_association(app, {coordinator: AssociationRole.COORDINATOR})
    body = call_body("volunteers", association=association)
    posted = await client.post("/api/v1/calls", json=body, headers=coord_h)
    assert posted.status_code == 201
    call = await posted.get_json()
    _, lea_h = await make_member(pseudonym="Léa")
    answered = await client.post(f"/api/v1/calls/{call['id']}/answers", json={}, headers=lea_h)
    assert answered.status_code == 201
    return call, coord_h, lea_h


async def test_a_call_with_listed_words_waits_for_the_coordinators_confirmation(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    await _list(app, client, make_member, "arnaque", "argent liquide")
    coordinator, coord_h = await make_member(pseudonym="Coord")
    association = await make_association(app, {coordinator: AssociationRole.COORDINATOR})
    # The words may hide in any published field: here an item's label and the opening hours.
    body = call_body(
        association=association,
        title="Pas une ARNAQUÉ",
        opening_hours="paiement en argent liquide",
    )
    refused = await client.post("/api/v1/calls", json=body, headers=coord_h)
    await _warned(refused, "argent liquide", "arnaque")
    with app.node.db.activate():
        assert await Call.all().count() == 0
    item = call_body(association=association, items=[{"label": "Arnaque", "quantity": 1}])
    await _warned(await client.post("/api/v1/calls", json=item, headers=coord_h), "arnaque")
    # Permissions come first: a member who may not post learns nothing of the list.
    _, other_h = await make_member(pseudonym="Autre")
    assert (await client.post("/api/v1/calls", json=body, headers=other_h)).status_code == 403
    posted = await client.post("/api/v1/calls?confirm_screened=true", json=body, headers=coord_h)
    assert posted.status_code == 201
    assert (await posted.get_json())["title"] == "Pas une ARNAQUÉ"


async def test_editing_a_call_checks_only_the_words_it_changes(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    call, coord_h, _ = await _call_with_respondent(app, client, make_member)
    await _list(app, client, make_member, "arnaque")
    url = f"/api/v1/calls/{call['id']}"
    refused = await client.patch(url, json={"body": "Ce n'est pas une arnaque"}, headers=coord_h)
    await _warned(refused, "arnaque")
    with app.node.db.activate():
        assert (await Call.get(id=call["id"])).body == call["body"]
    confirmed = await client.patch(
        f"{url}?confirm_screened=true", json={"body": "Ce n'est pas une arnaque"}, headers=coord_h
    )
    assert confirmed.status_code == 200
    # The body stays as confirmed; a new title without listed words goes through at once.
    clean = await client.patch(
        url, json={"title": "Grand froid", "body": "Ce n'est pas une arnaque"}, headers=coord_h
    )
    assert clean.status_code == 200
    assert (await clean.get_json())["title"] == "Grand froid"


async def test_messages_and_thanks_of_a_call_wait_for_the_confirmation(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    call, coord_h, lea_h = await _call_with_respondent(app, client, make_member)
    await _list(app, client, make_member, "arnaque")
    url = f"/api/v1/calls/{call['id']}/messages"
    words = {"body": "Une arnaque ? Non."}
    await _warned(await client.post(url, json=words, headers=coord_h), "arnaque")
    await _warned(await client.post(url, json=words, headers=lea_h), "arnaque")
    with app.node.db.activate():
        assert await CallMessage.all().count() == 0
    for headers in (coord_h, lea_h):
        sent = await client.post(f"{url}?confirm_screened=true", json=words, headers=headers)
        assert sent.status_code == 201
    thanks = f"/api/v1/calls/{call['id']}/thanks"
    message = {"message": "Merci, pas d'arnaque ici !"}
    await _warned(await client.post(thanks, json=message, headers=coord_h), "arnaque")
    # Nothing was recorded by the warning: the thanks can still be sent, once.
    done = await client.post(f"{thanks}?confirm_screened=true", json=message, headers=coord_h)
    assert done.status_code == 200 and (await done.get_json())["thanked"] == 1
    again = await client.post(f"{thanks}?confirm_screened=true", json=message, headers=coord_h)
    assert again.status_code == 409


async def test_a_chat_message_with_listed_words_waits_for_the_confirmation(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    await _list(app, client, make_member, "argent liquide")
    _, author_h = await make_member(pseudonym="Auteur")
    _, guest_h = await make_member(pseudonym="Invité")
    action = await post_action(client, author_h, title="Sortie au parc", auto_accept=True)
    url = f"/api/v1/actions/{action['id']}/messages"
    joined = await client.post(
        f"/api/v1/actions/{action['id']}/participations", json={}, headers=guest_h
    )
    assert joined.status_code == 201
    words = {"body": "Apportez de l'ARGENT LIQUIDÉ"}
    # Someone outside the chat is refused as before, without learning about the list.
    _, stranger_h = await make_member(pseudonym="Curieux")
    assert (await client.post(url, json=words, headers=stranger_h)).status_code == 403
    await _warned(await client.post(url, json=words, headers=guest_h), "argent liquide")
    with app.node.db.activate():
        assert await Message.all().count() == 0
    sent = await client.post(f"{url}?confirm_screened=true", json=words, headers=guest_h)
    assert sent.status_code == 201
    assert (await sent.get_json())["body"] == "Apportez de l'ARGENT LIQUIDÉ"
