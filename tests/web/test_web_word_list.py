"""The post form warns about words of the moderators' list and lets the author confirm or
change the text."""

from __future__ import annotations

import html

from node.http_state import EntraideApp
from node.models import Action, Member
from tests.conftest import MemberFactory
from tests.web.conftest import csrf_of, log_in

WORDS = "/api/v1/moderation/words"


async def _moderator_h(app: EntraideApp, make_member: MemberFactory) -> dict[str, str]:
    member, headers = await make_member(pseudonym="Modé")
    with app.node.db.activate():
        await Member.filter(id=member.id).update(is_moderator=True)
    return headers


async def test_the_web_form_shows_the_words_and_lets_the_author_confirm(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    mod_h = await _moderator_h(app, make_member)
    await app.test_client().post(WORDS, json={"word": "argent liquide"}, headers=mod_h)
    client = await log_in(app, make_member)
    token = await csrf_of(client, "/post")
    form = {
        "csrf_token": token,
        "kind": "need",
        "category": "food",
        "title": "Je paie en argent liquide",
        "visibility": "public",
        "place": "Gare du Nord",
    }
    fr = {"Accept-Language": "fr-FR,fr;q=0.9"}
    warned = await client.post("/post", form=form, headers=fr)
    assert warned.status_code == 200
    page = html.unescape(await warned.get_data(as_text=True))
    assert "Votre texte contient des mots que la modération demande d'éviter" in page
    assert "<q>argent liquide</q>" in page
    assert "J'ai vérifié : mon texte peut être publié" in page
    with app.node.db.activate():
        assert await Action.all().count() == 0
    posted = await client.post("/post", form={**form, "privacy_confirmed": "on"}, headers=fr)
    assert posted.status_code == 303
    with app.node.db.activate():
        assert await Action.all().count() == 1
