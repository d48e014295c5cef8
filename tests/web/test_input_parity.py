"""The API and the web pages parse input into the same typed objects: the same bad input is
refused by both, with a message naming the field (a 422 problem for the API, the form shown
again with the field's message for the pages), and nothing is stored."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from node import clock
from node.http_state import EntraideApp
from node.models import Action, AssociationRole, Encounter, Message, Participation, Round
from tests.conftest import MemberFactory
from tests.factories import Headers, action_body, make_association, outing_body, post_action
from tests.node.api.test_api_robustness import problem
from tests.web.conftest import csrf_of, log_in


@pytest.fixture(autouse=True)
def _database(app: EntraideApp) -> Iterator[None]:
    with app.node.db.activate():
        yield


FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
_LATER = clock.now() + timedelta(days=2)
_WEB_OUTING = {
    "kind": "outing",
    "category": "social",
    "title": "Café au parc",
    "starts_at": _LATER.strftime("%Y-%m-%dT%H:%M"),
    "ends_at": (_LATER + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    "place_name": "Parc des Buttes-Chaumont",
    "capacity": "2",
}

# (field, what the API receives, what the form sends, the French message the form shows).
# The API's JSON uses the same values; NaN and Infinity go as the JSON literals Python writes.
CASES = [
    (
        "title",
        {"title": "Un\x00 repas\x07"},
        {"title": "Un\x00 repas\x07"},
        "caractères de contrôle",
    ),
    ("title", {"title": "Un\nrepas"}, {"title": "Un\nrepas"}, "caractères de contrôle"),
    ("title", {"title": "x" * 121}, {"title": "x" * 121}, "3 à 120 caractères"),
    ("title", {"title": "  ab  "}, {"title": "  ab  "}, "3 à 120 caractères"),
    (
        "description",
        {"description": "\x1b[31mrouge"},
        {"description": "\x1b[31mrouge"},
        "caractères de contrôle",
    ),
    (
        "description",
        {"description": "é" * 4001},
        {"description": "é" * 4001},
        "4000 caractères au plus",
    ),
    ("lat", {"lat": float("nan")}, {"lat": "nan"}, "entre -90 et 90"),
    ("lon", {"lon": float("inf")}, {"lon": "inf"}, "entre -180 et 180"),
    ("lat", {"lat": 90.5}, {"lat": "90,5"}, "entre -90 et 90"),
    ("kind", {"kind": "gift"}, {"kind": "gift"}, "Choisissez dans la liste."),
    (
        "association_id",
        {"association_id": "not-a-uuid"},
        {"association_id": "not-a-uuid"},
        "Choisissez dans la liste.",
    ),
    (
        "place_name",
        {"place_name": "Parc\x00"},
        {"place_name": "Parc\x00"},
        "caractères de contrôle",
    ),
    ("capacity", {"capacity": 0}, {"capacity": "0"}, "entre 1 et 1000"),
    ("capacity", {"capacity": 1001}, {"capacity": "1001"}, "entre 1 et 1000"),
    (
        "starts_at",
        {"starts_at": "2200-06-01T10:00:00+00:00", "ends_at": "2200-06-01T12:00:00+00:00"},
        {"starts_at": "2200-06-01T10:00", "ends_at": "2200-06-01T12:00"},
        "entre 2000 et 2100",
    ),
]
OUTING_FIELDS = {"place_name", "capacity", "starts_at"}


async def _page(response: Any) -> str:
    return html.unescape(str(await response.get_data(as_text=True)))


@pytest.mark.parametrize(("field", "api", "form", "message"), CASES)
async def test_posting_refuses_the_same_input_in_the_api_and_the_form(
    app: EntraideApp,
    make_member: MemberFactory,
    field: str,
    api: dict[str, Any],
    form: dict[str, str],
    message: str,
) -> None:
    _, headers = await make_member()
    body = (outing_body if field in OUTING_FIELDS else action_body)(**api)
    response = await app.test_client().post("/api/v1/actions", json=body, headers=headers)
    await problem(response, 422, field)

    web = await log_in(app, make_member)
    values = {
        **(_WEB_OUTING if field in OUTING_FIELDS else action_body()),
        "lat": "48,8566",
        "lon": "2.3522",
        "visibility": "public",
        **form,
    }
    token = await csrf_of(web, "/post")
    response = await web.post("/post", form={**values, "csrf_token": token}, headers=FR)
    page = await _page(response)
    assert response.status_code == 422, page
    assert f'<a href="#f-{field}">' in page and message in page
    assert await Action.all().count() == 0


async def test_the_same_input_is_accepted_by_both(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    """The counterpart: what one accepts (stripped, with a comma decimal on the form), the other
    accepts too, and both store the same text."""
    _, headers = await make_member()
    body = action_body(title="  Un repas chaud  ", description="Ligne 1\nLigne 2\tfin")
    response = await app.test_client().post("/api/v1/actions", json=body, headers=headers)
    assert response.status_code == 201, await response.get_data(as_text=True)
    web = await log_in(app, make_member)
    token = await csrf_of(web, "/post")
    form = {**body, "lat": "48,8566", "lon": "2.3522", "visibility": "public"}
    response = await web.post("/post", form={**form, "csrf_token": token})
    assert response.status_code == 303, await _page(response)
    stored = await Action.all().values_list("title", "description")
    assert stored == [("Un repas chaud", "Ligne 1\nLigne 2\tfin")] * 2


@pytest.mark.parametrize(
    ("text", "message"),
    [("Je viens\x00", "caractères de contrôle"), ("x" * 501, "500 caractères au plus")],
)
async def test_joining_refuses_the_same_message_in_the_api_and_the_form(
    app: EntraideApp, make_member: MemberFactory, text: str, message: str
) -> None:
    _, author = await make_member()
    action = await post_action(app.test_client(), author)
    _, headers = await make_member()
    url = f"/api/v1/actions/{action['id']}/participations"
    response = await app.test_client().post(url, json={"message": text}, headers=headers)
    await problem(response, 422, "message")

    web = await log_in(app, make_member)
    page_url = f"/actions/{action['id']}"
    token = await csrf_of(web, page_url)
    response = await web.post(
        f"{page_url}/join", form={"message": text, "csrf_token": token}, headers=FR
    )
    page = await _page(response)
    assert response.status_code == 422, page
    assert '<a href="#f-message">' in page and message in page
    assert await Participation.all().count() == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [("Bonjour\x00", "caractères de contrôle"), ("   ", "1 à 2000 caractères")],
)
async def test_chat_refuses_the_same_message_in_the_api_and_the_form(
    app: EntraideApp, make_member: MemberFactory, text: str, message: str
) -> None:
    web = await log_in(app, make_member)
    token = await web.get("/api/v1/me")  # the page's session is not an API token
    assert token.status_code == 401
    from node.services.tokens import issue_token

    _, secret = await issue_token(web.member)
    headers = {"Authorization": f"Bearer {secret}"}
    action = await post_action(app.test_client(), headers)
    url = f"/api/v1/actions/{action['id']}/messages"
    response = await app.test_client().post(url, json={"body": text}, headers=headers)
    await problem(response, 422, "body")

    page_url = f"/actions/{action['id']}"
    csrf = await csrf_of(web, page_url)
    response = await web.post(
        f"{page_url}/messages", form={"body": text, "csrf_token": csrf}, headers=FR
    )
    page = await _page(response)
    assert response.status_code == 422, page
    assert '<a href="#f-body">' in page and message in page
    assert await Message.all().count() == 0


# --- outreach: planning a round, recording an encounter ------------------------------------------


async def _coordinator(app: EntraideApp, make_member: MemberFactory) -> tuple[Any, Any, Headers]:
    """A coordinator of an approved association, logged in on the pages and with an API token."""
    from node.services.tokens import issue_token

    web = await log_in(app, make_member, kind="association")
    association = await make_association(app, {web.member: AssociationRole.COORDINATOR})
    _, secret = await issue_token(web.member)
    return web, association, {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("area", "Gare\x00 du Nord", "caractères de contrôle"),
        ("area", "x", "2 à 120 caractères"),
        ("team_name", "é" * 61, "60 caractères au plus"),
        ("planned_at", "2200-01-01T20:00", "entre 2000 et 2100"),
    ],
)
async def test_planning_a_round_refuses_the_same_input_in_the_api_and_the_form(
    app: EntraideApp, make_member: MemberFactory, field: str, value: str, message: str
) -> None:
    web, association, headers = await _coordinator(app, make_member)
    later = clock.now() + timedelta(hours=2)
    body = {
        "association_id": str(association.id),
        "area": "Gare du Nord",
        "team_name": "Équipe du soir",
        "kind": "food",
        "mode": "foot",
        "planned_at": later.isoformat(),
        field: value + ":00+00:00" if field == "planned_at" else value,
    }
    response = await app.test_client().post("/api/v1/rounds", json=body, headers=headers)
    await problem(response, 422, field)

    form = {**body, "planned_at": later.strftime("%Y-%m-%dT%H:%M"), field: value}
    token = await csrf_of(web, "/rounds")
    response = await web.post("/rounds", form={**form, "csrf_token": token}, headers=FR)
    page = await _page(response)
    assert response.status_code == 422, page
    assert f'<a href="#f-{field}">' in page and message in page
    assert await Round.all().count() == 0


@pytest.mark.parametrize(
    ("field", "api", "form", "message"),
    [
        (
            "note",
            {"note": "Dort\x00 sous le pont"},
            {"note": "Dort\x00 sous le pont"},
            "tabulations",
        ),
        ("note", {"note": "x" * 2001}, {"note": "x" * 2001}, "1 à 2000 caractères"),
        ("lat", {"lat": float("nan")}, {"lat": "nan"}, "entre -90 et 90"),
        ("lon", {"lon": 181.0}, {"lon": "181"}, "entre -180 et 180"),
        ("items.0", {"items": ["gold"]}, {"items": "gold"}, "Choisissez dans la liste."),
    ],
)
async def test_recording_an_encounter_refuses_the_same_input_in_the_api_and_the_form(
    app: EntraideApp,
    make_member: MemberFactory,
    field: str,
    api: dict[str, Any],
    form: dict[str, str],
    message: str,
) -> None:
    web, association, headers = await _coordinator(app, make_member)
    plan = {
        "association_id": str(association.id),
        "area": "Gare du Nord",
        "kind": "food",
        "mode": "foot",
        "planned_at": clock.now().isoformat(),
    }
    client = app.test_client()
    planned = await client.post("/api/v1/rounds", json=plan, headers=headers)
    assert planned.status_code == 201, await planned.get_data(as_text=True)
    url = f"/rounds/{(await planned.get_json())['id']}"
    started = await client.post(f"/api/v1{url}/start", headers=headers)
    assert started.status_code == 200, await started.get_data(as_text=True)

    body = {"lat": 48.8809, "lon": 2.3553, "items": ["meal"], **api}
    response = await client.post(f"/api/v1{url}/encounters", json=body, headers=headers)
    await problem(response, 422, field)

    values = {"lat": "48.8809", "lon": "2.3553", "items": "meal", **form}
    token = await csrf_of(web, url)
    response = await web.post(f"{url}/encounters", form={**values, "csrf_token": token}, headers=FR)
    page = await _page(response)
    assert response.status_code == 422, page
    assert f'<a href="#f-{field}">' in page and message in page
    assert await Encounter.all().count() == 0


# --- associations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "Les\x00Amis", "caractères de contrôle"),
        ("name", "A", "2 à 120 caractères"),
        ("description", "Aide\x07 alimentaire", "tabulations"),
    ],
)
async def test_asking_for_an_association_refuses_the_same_input_in_the_api_and_the_form(
    app: EntraideApp, make_member: MemberFactory, field: str, value: str, message: str
) -> None:
    from node.models import Association

    _, headers = await make_member()
    body = {"name": "Les Amis du quartier", "description": "Repas du soir", field: value}
    response = await app.test_client().post("/api/v1/associations", json=body, headers=headers)
    await problem(response, 422, field)

    web = await log_in(app, make_member)
    token = await csrf_of(web, "/associations")
    response = await web.post("/associations", form={**body, "csrf_token": token}, headers=FR)
    page = await _page(response)
    assert response.status_code == 422, page
    assert f'<a href="#f-{field}">' in page and message in page
    assert await Association.all().count() == 0
