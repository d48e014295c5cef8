"""The call pages and the chat of an action warn about words of the moderators' list as the
post form does: the words are shown (in French, or English on request), what was typed is
kept, and a box sends it anyway."""

from __future__ import annotations

import html
from typing import Any

from node.http_state import EntraideApp
from node.models import AssociationRole, Call, CallMessage, Member, Message
from tests.factories import make_association
from tests.web.conftest import csrf_of, log_in

WORDS = "/api/v1/moderation/words"
EN = {"Accept-Language": "en"}
WARNING_FR = "Votre texte contient des mots que la modération demande d'éviter"
WARNING_EN = "Your text has words the moderators ask to avoid"


async def _list(app: EntraideApp, make_member: Any, word: str) -> None:
    moderator, mod_h = await make_member(pseudonym="Modé")
    with app.node.db.activate():
        await Member.filter(id=moderator.id).update(is_moderator=True)
    added = await app.test_client().post(WORDS, json={"word": word}, headers=mod_h)
    assert added.status_code == 201


async def _text(response: Any) -> str:
    return html.unescape(str(await response.get_data(as_text=True)))


async def _space(app: EntraideApp, make_member: Any) -> tuple[Any, str]:
    coordinator = await log_in(app, make_member, pseudonym="Coord")
    association = await make_association(
        app, {coordinator.member: AssociationRole.COORDINATOR}, name="Chaleur"
    )
    return coordinator, f"/associations/{association.id}"


async def test_the_call_form_shows_the_words_and_posts_once_confirmed(
    app: EntraideApp, make_member: Any
) -> None:
    await _list(app, make_member, "argent liquide")
    coordinator, space = await _space(app, make_member)
    form = {
        "csrf_token": await csrf_of(coordinator, f"{space}/calls/new"),
        "kind": "donations",
        "title": "Duvets contre argent liquide",
        "items": "Duvets: 20",
        "radius_km": "1",
        "days": "7",
    }
    warned = await coordinator.post(f"{space}/calls", form=form)
    assert warned.status_code == 200
    page = await _text(warned)
    assert WARNING_FR in page and "<q>argent liquide</q>" in page
    assert "J'ai vérifié : mon texte peut être publié" in page
    assert 'value="Duvets contre argent liquide"' in page  # what was typed stays
    english = await _text(await coordinator.post(f"{space}/calls", form=form, headers=EN))
    assert WARNING_EN in english and "I checked: my text may be published" in english
    with app.node.db.activate():
        assert await Call.all().count() == 0
    posted = await coordinator.post(f"{space}/calls", form={**form, "confirm_screened": "on"})
    assert posted.status_code == 303
    with app.node.db.activate():
        assert await Call.all().count() == 1


async def test_messages_thanks_and_edits_of_a_call_show_the_words(
    app: EntraideApp, make_member: Any
) -> None:
    coordinator, space = await _space(app, make_member)
    form = {
        "csrf_token": await csrf_of(coordinator, f"{space}/calls/new"),
        "kind": "volunteers",
        "title": "Soupe du soir",
        "people": "3",
        "radius_km": "1",
        "days": "7",
    }
    call_url = (await coordinator.post(f"{space}/calls", form=form)).headers["Location"]
    resident = await log_in(app, make_member, pseudonym="Léa")
    await resident.post(
        f"{call_url}/answer", form={"csrf_token": await csrf_of(resident, call_url)}
    )
    await _list(app, make_member, "arnaque")

    token = await csrf_of(resident, call_url)
    reply = {"csrf_token": token, "body": "Ce n'est pas une arnaque ?"}
    warned = await resident.post(f"{call_url}/messages", form=reply)
    assert warned.status_code == 200
    page = await _text(warned)
    assert WARNING_FR in page and "<q>arnaque</q>" in page
    assert "J'ai vérifié : j'envoie mon message tel quel" in page
    assert "Ce n'est pas une arnaque ?</textarea>" in page
    english = await _text(await resident.post(f"{call_url}/messages", form=reply, headers=EN))
    assert WARNING_EN in english and "I checked: send my message as it is" in english
    with app.node.db.activate():
        assert await CallMessage.all().count() == 0
    sent = await resident.post(f"{call_url}/messages", form={**reply, "confirm_screened": "on"})
    assert sent.status_code == 303

    token = await csrf_of(coordinator, call_url)
    thanks = {"csrf_token": token, "message": "Merci, aucune arnaque !"}
    warned = await coordinator.post(f"{call_url}/thanks", form=thanks)
    assert warned.status_code == 200 and "<q>arnaque</q>" in await _text(warned)
    done = await coordinator.post(f"{call_url}/thanks", form={**thanks, "confirm_screened": "on"})
    assert done.status_code == 303

    edit = {"csrf_token": token, "title": "Soupe sans arnaque"}
    warned = await coordinator.post(f"{call_url}/edit", form=edit)
    assert warned.status_code == 200
    page = await _text(warned)
    assert "<q>arnaque</q>" in page and 'value="Soupe sans arnaque"' in page
    with app.node.db.activate():
        assert (await Call.get()).title == "Soupe du soir"
    changed = await coordinator.post(f"{call_url}/edit", form={**edit, "confirm_screened": "on"})
    assert changed.status_code == 303
    with app.node.db.activate():
        assert (await Call.get()).title == "Soupe sans arnaque"


async def test_the_chat_of_an_action_shows_the_words(app: EntraideApp, make_member: Any) -> None:
    await _list(app, make_member, "argent liquide")
    author = await log_in(app, make_member, pseudonym="Auteur")
    token = await csrf_of(author, "/post")
    posted = await author.post(
        "/post",
        form={
            "csrf_token": token,
            "kind": "need",
            "category": "food",
            "title": "Des courses",
            "visibility": "public",
            "place": "Gare du Nord",
        },
    )
    assert posted.status_code == 303
    action_url = posted.headers["Location"]
    token = await csrf_of(author, action_url)
    message = {"csrf_token": token, "body": "Je rembourse en argent liquide"}
    warned = await author.post(f"{action_url}/messages", form=message)
    assert warned.status_code == 200
    page = await _text(warned)
    assert WARNING_FR in page and "<q>argent liquide</q>" in page
    assert "Je rembourse en argent liquide</textarea>" in page
    assert "J'ai vérifié : j'envoie mon message tel quel" in page
    english = await _text(await author.post(f"{action_url}/messages", form=message, headers=EN))
    assert WARNING_EN in english
    with app.node.db.activate():
        assert await Message.all().count() == 0
    sent = await author.post(f"{action_url}/messages", form={**message, "confirm_screened": "on"})
    assert sent.status_code == 303
    with app.node.db.activate():
        assert await Message.all().count() == 1
