"""Suggesting a change to a place on the web, and deciding it: a member corrects the hours from
the place's page, the association's coordinator accepts or refuses from the list of suggestions,
the member is told; refusals show on the page, in French first and in English."""

from __future__ import annotations

import html
from typing import Any

from node.http_state import EntraideApp
from node.models import Member, Notification, Place, PlaceSuggestion
from node.services.inputs.places import PlaceIn
from node.services.places.store import create_place
from tests.factories import make_association
from tests.web.conftest import csrf_of, log_in


async def _page(client: Any, path: str) -> str:
    return html.unescape(await (await client.get(path)).get_data(as_text=True))


async def _place(app: EntraideApp, coordinator: Member) -> Place:
    association = await make_association(app, {coordinator: "coordinator"}, name="Chaleur")
    with app.node.db.activate():
        data = PlaceIn(
            name="Douches du Marais",
            categories=["shower"],
            lat=48.858,
            lon=2.352,
            opening_hours="Mo-Sa 08:00-19:00",
            phone="01 40 00 00 00",
        )
        return await create_place(app.node, coordinator, data, association_id=association.id)


async def test_a_member_suggests_and_the_coordinator_decides(
    app: EntraideApp, make_member: Any
) -> None:
    coordinator = await log_in(app, make_member, pseudonym="Coord")
    place = await _place(app, coordinator.member)
    lea = await log_in(app, make_member, pseudonym="Léa")
    page = await _page(lea, f"/guide/{place.id}?lang=fr")
    assert "Quelque chose ne va pas ? Proposer une modification" in page
    form_url = f"/guide/{place.id}/suggest"
    form = await _page(lea, form_url)
    assert "Proposer une modification" in form and 'value="Mo-Sa 08:00-19:00"' in form

    # A bad value comes back on the form with its reason; nothing is recorded.
    token = await csrf_of(lea, form_url)
    bad = {"csrf_token": token, "opening_hours": "quand on peut", "phone": "01 40 00 00 00"}
    response = await lea.post(form_url, form=bad)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in await response.get_data(as_text=True)

    good = {
        "csrf_token": token,
        "opening_hours": "Mo-Fr 10:00-18:00",
        "closed_from": "",
        "closed_to": "",
        "closure_reason": "",
        "phone": "01 40 00 00 00",
        "website": "",
        "address": "",
        "note": "C'est affiché sur la porte.",
    }
    response = await lea.post(form_url, form=good)
    assert response.status_code == 303, await response.get_data(as_text=True)
    assert "Merci" in await _page(lea, response.headers["Location"])
    again = await lea.post(form_url, form=good)
    assert again.status_code == 409

    # The coordinator sees it waiting, from the place's page, and accepts it.
    page = await _page(coordinator, f"/guide/{place.id}")
    assert "1 modification proposée attend" in page
    listing = await _page(coordinator, "/guide/suggestions")
    assert "Proposé par Léa" in listing and "Mo-Fr 10:00-18:00" in listing
    assert "C'est affiché sur la porte." in listing
    english = await _page(coordinator, "/guide/suggestions?lang=en")
    assert "Suggested changes to places" in english and "Accept the change" in english
    with app.node.db.activate():
        told = await Notification.get(member_id=coordinator.member.id)
        row = await PlaceSuggestion.get(place_id=place.id)
    assert (str(told.kind), told.payload["title"]) == ("place_suggested", "Douches du Marais")

    # Neither the author nor a stranger may decide.
    token = await csrf_of(lea, "/guide/suggestions")
    refused = await lea.post(f"/guide/suggestions/{row.id}/accept", form={"csrf_token": token})
    assert refused.status_code == 403
    token = await csrf_of(coordinator, "/guide/suggestions")
    accepted = await coordinator.post(
        f"/guide/suggestions/{row.id}/accept", form={"csrf_token": token}
    )
    assert accepted.status_code == 303
    with app.node.db.activate():
        assert (await Place.get(id=place.id)).opening_hours == "Mo-Fr 10:00-18:00"
        told = await Notification.filter(member_id=lea.member.id).values_list("kind", flat=True)
    assert [str(k) for k in told] == ["place_suggestion_accepted"]
    stale = await coordinator.post(
        f"/guide/suggestions/{row.id}/refuse", form={"csrf_token": token, "reason": "Non"}
    )
    assert stale.status_code == 409

    # A second one, refused with a word for its author.
    good["phone"] = "01 99 99 99 99"
    token = await csrf_of(lea, form_url)
    assert (await lea.post(form_url, form={**good, "csrf_token": token})).status_code == 303
    with app.node.db.activate():
        second = await PlaceSuggestion.get(place_id=place.id, status="pending")
    token = await csrf_of(coordinator, "/guide/suggestions")
    too_long = {"csrf_token": token, "reason": "x" * 501}
    response = await coordinator.post(f"/guide/suggestions/{second.id}/refuse", form=too_long)
    assert response.status_code == 422
    reason = {"csrf_token": token, "reason": "Le numéro n'a pas changé."}
    response = await coordinator.post(f"/guide/suggestions/{second.id}/refuse", form=reason)
    assert response.status_code == 303
    assert "Aucune proposition n'attend." in await _page(coordinator, "/guide/suggestions?lang=fr")
    with app.node.db.activate():
        last = await Notification.filter(member_id=lea.member.id).order_by("-id").first()
    assert last is not None and last.payload["reason"] == "Le numéro n'a pas changé."


async def test_an_unverified_member_cannot_suggest(app: EntraideApp, make_member: Any) -> None:
    coordinator, _ = await make_member(pseudonym="Coord")
    place = await _place(app, coordinator)
    # Logged in, then the number is no longer verified (an account cannot log in before).
    stranger = await log_in(app, make_member, pseudonym="Sans code")
    form_url = f"/guide/{place.id}/suggest"
    token = await csrf_of(stranger, form_url)
    with app.node.db.activate():
        await Member.filter(id=stranger.member.id).update(phone_verified_at=None)
    response = await stranger.post(
        form_url, form={"csrf_token": token, "opening_hours": "24/7", "note": ""}
    )
    assert response.status_code == 403
    anonymous = await app.test_client().get(form_url)
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["Location"]
