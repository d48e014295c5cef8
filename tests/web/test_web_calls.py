"""Web pages of calls for help, without JavaScript: a coordinator posts a donations call from
the association's space, a resident pledges on the call page and withdraws, the coordinator
sees the count, thanks and closes; the association page shows open calls and a follow button;
the home page lists calls near me."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

from node import clock
from node.http_state import EntraideApp
from node.models import AssociationRole, Call
from tests.factories import make_association
from tests.web.conftest import csrf_of, log_in


async def _coordinator_of_chaleur(app: EntraideApp, make_member: Any) -> tuple[Any, str]:
    """A logged-in coordinator of the association « Chaleur », and its space's address."""
    coordinator = await log_in(app, make_member, pseudonym="Coord")
    association = await make_association(
        app, {coordinator.member: AssociationRole.COORDINATOR}, name="Chaleur"
    )
    return coordinator, f"/associations/{association.id}"


async def _page(client: Any, path: str, status: int = 200) -> str:
    response = await client.get(path)
    assert response.status_code == status, path
    return str(await response.get_data(as_text=True))


async def test_post_pledge_withdraw_thank_and_close(app: EntraideApp, make_member: Any) -> None:
    coordinator, space = await _coordinator_of_chaleur(app, make_member)
    assert "Lancer un appel" in await _page(coordinator, space)
    new = f"{space}/calls/new"
    token = await csrf_of(coordinator, new)
    form = {
        "csrf_token": token,
        "kind": "donations",
        "title": "Grand froid : duvets",
        "items": "Duvets: 20\nChaussures 42-44: 10",
        "place_name": "12 rue des Lilas",
        "radius_km": "1",
        "days": "7",
    }
    bad = await coordinator.post(f"{space}/calls", form={**form, "items": "Duvets beaucoup"})
    assert bad.status_code == 422
    assert "Un par ligne" in str(await bad.get_data(as_text=True))
    posted = await coordinator.post(f"{space}/calls", form=form)
    assert posted.status_code == 303
    call_url = posted.headers["Location"]
    page = await _page(coordinator, call_url)
    assert "Appel aux dons" in page and "<strong>20</strong> / 20" in page

    resident = await log_in(app, make_member, pseudonym="Léa")
    # A resident cannot post for the association.
    assert (await resident.get(new)).status_code == 403
    await resident.post(
        "/me/calls-area",
        form={"csrf_token": await csrf_of(resident, "/"), "lat": "48.8566", "lon": "2.3522"},
    )
    assert "Grand froid : duvets" in await _page(resident, "/")
    call_page = await _page(resident, call_url)
    assert "Je peux apporter" in call_page
    item_field = call_page.split('name="item-', 1)[1].split('"', 1)[0]
    token = await csrf_of(resident, call_url)
    too_many = await resident.post(
        f"{call_url}/answer", form={"csrf_token": token, f"item-{item_field}": "99"}
    )
    assert too_many.status_code == 422
    answered = await resident.post(
        f"{call_url}/answer", form={"csrf_token": token, f"item-{item_field}": "5"}
    )
    assert answered.status_code == 303
    page = await _page(coordinator, call_url)
    assert "<strong>15</strong> / 20" in page and "Léa" in page
    assert '<dd id="answer-count">1</dd>' in page

    token = await csrf_of(resident, call_url)
    assert (
        await resident.post(f"{call_url}/withdraw", form={"csrf_token": token})
    ).status_code == 303
    assert "<strong>20</strong> / 20" in await _page(coordinator, call_url)
    token = await csrf_of(resident, call_url)
    await resident.post(f"{call_url}/answer", form={"csrf_token": token, f"item-{item_field}": "2"})

    token = await csrf_of(coordinator, call_url)
    thanks = await coordinator.post(
        f"{call_url}/thanks", form={"csrf_token": token, "message": "Merci !"}
    )
    assert thanks.status_code == 303
    token = await csrf_of(coordinator, call_url)
    closed = await coordinator.post(f"{call_url}/close", form={"csrf_token": token, "cancel": "1"})
    assert closed.status_code == 303
    assert "annulé" in await _page(resident, call_url)
    token = await csrf_of(resident, call_url)
    refused = await resident.post(f"{call_url}/close", form={"csrf_token": token})
    assert refused.status_code == 403


async def test_follow_from_the_association_page(app: EntraideApp, make_member: Any) -> None:
    coordinator = await log_in(app, make_member, pseudonym="Coord")
    association = await make_association(app, {coordinator.member: AssociationRole.ADMIN})
    resident = await log_in(app, make_member, pseudonym="Omar")
    space = f"/associations/{association.id}"
    page = await _page(resident, space)
    assert "Suivre cette association" in page and "Aucun appel ouvert." in page
    token = await csrf_of(resident, space)
    assert (await resident.post(f"{space}/follow", form={"csrf_token": token})).status_code == 303
    page = await _page(resident, space)
    assert "Ne plus suivre" in page and "1 abonné·e" in page
    assert "Lancer un appel" not in page
    await _page(resident, "/calls/00000000-0000-4000-8000-000000000000", status=404)


async def test_messages_between_the_association_and_respondents_and_deletion(
    app: EntraideApp, make_member: Any
) -> None:
    coordinator, space = await _coordinator_of_chaleur(app, make_member)
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
    other = await log_in(app, make_member, pseudonym="Curieux")
    assert "Messages" not in await _page(resident, call_url)
    token = await csrf_of(resident, call_url)
    await resident.post(f"{call_url}/answer", form={"csrf_token": token})

    page = await _page(coordinator, call_url)
    assert 'id="messages"' in page and "Toutes les personnes qui ont répondu" in page
    token = await csrf_of(coordinator, call_url)
    empty = await coordinator.post(f"{call_url}/messages", form={"csrf_token": token, "body": ""})
    assert empty.status_code == 422
    sent = await coordinator.post(
        f"{call_url}/messages",
        form={"csrf_token": token, "body": "Rendez-vous à 18 h", "answer_id": ""},
    )
    assert sent.status_code == 303
    page = await _page(resident, call_url)
    assert "Rendez-vous à 18 h" in page and "Écrire à l'association" in page
    token = await csrf_of(resident, call_url)
    reply = await resident.post(
        f"{call_url}/messages", form={"csrf_token": token, "body": "Je viens avec du pain"}
    )
    assert reply.status_code == 303
    assert "Je viens avec du pain" in await _page(coordinator, call_url)
    token = await csrf_of(other, call_url)
    refused = await other.post(f"{call_url}/messages", form={"csrf_token": token, "body": "Hé"})
    assert refused.status_code == 403
    assert "ont répondu écrivent ici" in str(await refused.get_data(as_text=True))

    # Deletion asks for the box to be ticked, and only from a coordinator.
    token = await csrf_of(coordinator, call_url)
    unticked = await coordinator.post(f"{call_url}/delete", form={"csrf_token": token})
    assert unticked.status_code == 422
    token = await csrf_of(other, call_url)
    denied = await other.post(f"{call_url}/delete", form={"csrf_token": token, "confirm": "1"})
    assert denied.status_code == 403
    token = await csrf_of(coordinator, call_url)
    gone = await coordinator.post(f"{call_url}/delete", form={"csrf_token": token, "confirm": "1"})
    assert gone.status_code == 303
    await _page(resident, call_url, status=404)


async def test_coordinators_change_quantities_and_the_end_from_the_call_page(
    app: EntraideApp, make_member: Any
) -> None:
    coordinator, space = await _coordinator_of_chaleur(app, make_member)
    form = {
        "csrf_token": await csrf_of(coordinator, f"{space}/calls/new"),
        "kind": "donations",
        "title": "Grand froid : duvets",
        "items": "Duvets: 20",
        "radius_km": "1",
        "days": "7",
    }
    call_url = (await coordinator.post(f"{space}/calls", form=form)).headers["Location"]
    resident = await log_in(app, make_member, pseudonym="Léa")
    page = await _page(resident, call_url)
    item = page.split('name="item-', 1)[1].split('"', 1)[0]
    token = await csrf_of(resident, call_url)
    await resident.post(f"{call_url}/answer", form={"csrf_token": token, f"item-{item}": "5"})

    page = await _page(coordinator, call_url)
    assert "5 déjà promis" in page and "Garder la date de fin" in page
    token = await csrf_of(coordinator, call_url)
    edit = {"csrf_token": token, "title": "Grand froid : duvets", f"wanted-{item}": "3"}
    below = await coordinator.post(f"{call_url}/edit", form=edit)
    assert below.status_code == 422
    assert "déjà promis" in str(await below.get_data(as_text=True))
    bad_days = await coordinator.post(
        f"{call_url}/edit", form={**edit, f"wanted-{item}": "20", "days": "99"}
    )
    assert bad_days.status_code == 422
    done = await coordinator.post(
        f"{call_url}/edit", form={**edit, f"wanted-{item}": "40", "days": "30"}
    )
    assert done.status_code == 303
    page = await _page(resident, call_url)
    assert "<strong>35</strong> / 40" in page
    token = await csrf_of(resident, call_url)
    denied = await resident.post(f"{call_url}/edit", form={**edit, "csrf_token": token})
    assert denied.status_code == 403


async def test_the_area_is_a_radius_around_a_place_of_the_list_or_coordinates(
    app: EntraideApp, make_member: Any
) -> None:
    coordinator, space = await _coordinator_of_chaleur(app, make_member)
    page = await _page(coordinator, f"{space}/calls/new")
    assert "Gare du Nord" in page and 'name="centre"' in page
    form = {
        "csrf_token": await csrf_of(coordinator, f"{space}/calls/new"),
        "kind": "volunteers",
        "title": "Maraude du soir",
        "people": "2",
        "radius_km": "0.5",
        "days": "7",
    }
    unknown = await coordinator.post(f"{space}/calls", form={**form, "centre": "Atlantide"})
    assert unknown.status_code == 422
    assert "Atlantide" in str(await unknown.get_data(as_text=True))  # the form keeps it
    bad = await coordinator.post(f"{space}/calls", form={**form, "lat": "nord", "lon": "2.3"})
    assert bad.status_code == 422
    near_station = await coordinator.post(f"{space}/calls", form={**form, "centre": "Gare du Nord"})
    assert near_station.status_code == 303
    far = await coordinator.post(
        f"{space}/calls", form={**form, "title": "Loin", "lat": "48.83", "lon": "2.30"}
    )
    assert far.status_code == 303, await far.get_data(as_text=True)
    outside = await coordinator.post(
        f"{space}/calls", form={**form, "title": "Lyon", "lat": "45.76", "lon": "4.83"}
    )
    assert outside.status_code == 422
    assert "choisissez un centre plus proche" in str(await outside.get_data(as_text=True))

    # A resident living by the station hears of the first call, not of the far one.
    resident = await log_in(app, make_member, pseudonym="Léa")
    await resident.post(
        "/me/calls-area",
        form={"csrf_token": await csrf_of(resident, "/"), "lat": "48.8809", "lon": "2.3553"},
    )
    home = await _page(resident, "/")
    assert "Maraude du soir" in home and "Loin" not in home


async def test_a_repeating_volunteers_slot_from_the_form(
    app: EntraideApp, make_member: Any
) -> None:
    coordinator, space = await _coordinator_of_chaleur(app, make_member)
    token = await csrf_of(coordinator, f"{space}/calls/new")
    form = {
        "csrf_token": token,
        "kind": "volunteers",
        "title": "Maraude du mardi",
        "people": "4",
        "recurrence": "FREQ=WEEKLY",
        "radius_km": "1",
        "days": "30",
    }
    # Tomorrow 19:00 (node time), every week, three times: inside the 30 days of the call.
    form["starts_at"] = (clock.now() + timedelta(days=1)).strftime("%Y-%m-%dT19:00")
    bad = await coordinator.post(f"{space}/calls", form=form)
    assert bad.status_code == 422
    assert "Dites quand la répétition s'arrête (COUNT ou UNTIL)." in html.unescape(
        str(await bad.get_data(as_text=True))
    )
    posted = await coordinator.post(
        f"{space}/calls", form={**form, "recurrence": "FREQ=WEEKLY;COUNT=3"}
    )
    assert posted.status_code == 303
    page = " ".join(html.unescape(await _page(coordinator, posted.headers["Location"])).split())
    assert "Prochaines dates" in page
    assert page.count("à 19 h</li>") == 3, page


async def test_the_daily_limit_says_when_the_association_may_post_again(
    node_factory: Any, make_member: Any
) -> None:
    app = await node_factory("web-limit", calls_per_association_day=1)
    coordinator, space = await _coordinator_of_chaleur(app, make_member)
    form = {
        "kind": "donations",
        "title": "Grand froid : duvets",
        "items": "Duvets: 20",
        "radius_km": "1",
        "days": "7",
    }
    token = await csrf_of(coordinator, f"{space}/calls/new")
    first = await coordinator.post(f"{space}/calls", form={**form, "csrf_token": token})
    assert first.status_code == 303
    app.node.clock.advance(timedelta(hours=20))
    token = await csrf_of(coordinator, f"{space}/calls/new")
    second = await coordinator.post(
        f"{space}/calls", form={**form, "title": "Chaussures", "csrf_token": token}
    )
    assert second.status_code == 429
    # The first call leaves the 24 hours in 4 hours: the browser and the coordinator know it.
    assert abs(int(second.headers["Retry-After"]) - 4 * 3600) <= 2
    page = html.unescape(str(await second.get_data(as_text=True)))
    assert "Votre association a déjà publié 1 appel ces dernières 24 heures" in page
    assert re.search(r"Vous pourrez publier le prochain (aujourd’hui|demain) à \d+\sh", page)
    assert 'value="Chaussures"' in page  # what they typed is kept


async def test_the_association_page_shows_what_each_call_still_needs(
    app: EntraideApp, make_member: Any
) -> None:
    coordinator, space = await _coordinator_of_chaleur(app, make_member)
    base = {"radius_km": "1", "days": "7"}
    for form in (
        {"kind": "donations", "title": "Duvets", "items": "Duvets: 20\nChaussures 42-44: 10"},
        {"kind": "volunteers", "title": "Soupe du soir", "people": "3"},
    ):
        token = await csrf_of(coordinator, f"{space}/calls/new")
        posted = await coordinator.post(
            f"{space}/calls", form={**base, **form, "csrf_token": token}
        )
        assert posted.status_code == 303, await posted.get_data(as_text=True)
        if form["kind"] == "donations":
            donations_url = posted.headers["Location"]
    resident = await log_in(app, make_member, pseudonym="Léa")
    call_page = await _page(resident, donations_url)
    bags = call_page.split('name="item-', 1)[1].split('"', 1)[0]
    token = await csrf_of(resident, donations_url)
    await resident.post(f"{donations_url}/answer", form={"csrf_token": token, f"item-{bags}": "5"})
    page = html.unescape(await _page(resident, space))
    assert "Encore besoin : Duvets 15/20, Chaussures 42-44 10/10" in page
    assert "1 réponse" in page
    assert "Encore besoin : Personnes 3/3" in page and "0 réponse" in page
    english = html.unescape(await _page(resident, f"{space}?lang=en"))
    assert "Still needed: People 3/3" in english and "1 answer" in english


async def test_a_form_past_the_body_limit_says_what_to_do(
    app: EntraideApp, make_member: Any
) -> None:
    coordinator, space = await _coordinator_of_chaleur(app, make_member)
    token = await csrf_of(coordinator, f"{space}/calls/new")
    form = {
        "csrf_token": token,
        "kind": "donations",
        "title": "Grand froid : duvets",
        "items": "Duvets: 20",
        "place_name": "12 rue des Lilas",
        "radius_km": "1",
        "days": "7",
        "body": "x" * (app.node.settings.max_body_bytes + 1),
    }
    refused = await coordinator.post(f"{space}/calls", form=form)
    assert refused.status_code == 413
    page = html.unescape(str(await refused.get_data(as_text=True)))
    assert "Ce que vous avez envoyé est trop volumineux." in page
    assert "Raccourcissez le texte ou envoyez un fichier plus petit" in page
    assert "bytes" not in page  # the API's English detail stays in the API
    with app.node.db.activate():
        assert await Call.all().count() == 0
