"""The moderators' word list: managed by moderators (API), and public text holding its words
is warned about before it is posted: the API answers 422 until the author confirms, the web
form shows the words and lets the author confirm or change the text."""

from __future__ import annotations

from typing import Any

from node.http_state import EntraideApp
from node.models import Action, Member, ModerationEntry
from tests.conftest import MemberFactory
from tests.factories import need_body

WORDS = "/api/v1/moderation/words"


async def _moderator_h(app: EntraideApp, make_member: MemberFactory) -> Any:
    member, headers = await make_member(pseudonym="Modé")
    with app.node.db.activate():
        await Member.filter(id=member.id).update(is_moderator=True)
    return headers


async def test_moderators_manage_the_list(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    mod_h = await _moderator_h(app, make_member)
    _, resident_h = await make_member()
    added = await client.post(WORDS, json={"word": "  Argent   liquide "}, headers=mod_h)
    assert added.status_code == 201
    word = await added.get_json()
    assert word["word"] == "Argent liquide"
    again = await client.post(WORDS, json={"word": "Argent liquide"}, headers=mod_h)
    assert again.status_code == 409
    # Case, accents and the Unicode form do not make another word.
    for spelling in ("ARGENT LIQUIDE", "argent liquidé", "Argent liquide"):
        dup = await client.post(WORDS, json={"word": spelling}, headers=mod_h)
        assert dup.status_code == 409, spelling
    for bad in ({"word": ""}, {"word": "   "}, {"word": "x" * 101}, {"word": "a\x07b"}, {}):
        assert (await client.post(WORDS, json=bad, headers=mod_h)).status_code == 422, bad
    listed = await (await client.get(WORDS, headers=mod_h)).get_json()
    assert [w["word"] for w in listed["items"]] == ["Argent liquide"]
    assert (await client.get(WORDS, headers=resident_h)).status_code == 403
    assert (await client.post(WORDS, json={"word": "x"}, headers=resident_h)).status_code == 403
    assert (await client.delete(f"{WORDS}/{word['id']}", headers=resident_h)).status_code == 403
    assert (await client.get(WORDS)).status_code == 401
    assert (await client.delete(f"{WORDS}/{word['id']}", headers=mod_h)).status_code == 204
    assert (await client.delete(f"{WORDS}/{word['id']}", headers=mod_h)).status_code == 404
    with app.node.db.activate():
        verbs = await ModerationEntry.all().order_by("id").values_list("verb", "target_id")
    assert verbs == [("add_word", "Argent liquide"), ("remove_word", "Argent liquide")]


async def test_the_api_warns_until_the_author_confirms(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    mod_h = await _moderator_h(app, make_member)
    assert (await client.post(WORDS, json={"word": "arnaque"}, headers=mod_h)).status_code == 201
    _, author_h = await make_member()
    body = need_body("Pas une ARNAQUÉ, promis")
    refused = await client.post("/api/v1/actions", json=body, headers=author_h)
    assert refused.status_code == 422
    problem = await refused.get_json()
    assert problem["type"] == "/problems/screened-words"
    assert problem["errors"] == [{"field": "text", "message": "arnaque"}]
    with app.node.db.activate():
        assert await Action.all().count() == 0
    # A longer word is another word.
    clean = need_body("Un arnaqueur de cartes, ce magicien")
    assert (await client.post("/api/v1/actions", json=clean, headers=author_h)).status_code == 201
    confirmed = await client.post(
        "/api/v1/actions?confirm_screened=true", json=body, headers=author_h
    )
    assert confirmed.status_code == 201


async def test_a_word_written_with_capitals_and_accents_matches_any_spelling(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    mod_h = await _moderator_h(app, make_member)
    added = await client.post(WORDS, json={"word": "Escroquerié"}, headers=mod_h)
    assert added.status_code == 201
    _, author_h = await make_member()
    for text in ("une escroquerie ici", "UNE ESCROQUERIE", "une EscroQuériE !"):
        refused = await client.post("/api/v1/actions", json=need_body(text), headers=author_h)
        assert refused.status_code == 422, text
        problem = await refused.get_json()
        assert problem["errors"] == [{"field": "text", "message": "Escroquerié"}]
