"""The solidarity guide through the API: anyone finds places near a point, open now or not;
only the owning association's coordinators and node admins change them; bad input is refused."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from node.http_state import EntraideApp
from node.models import AssociationRole
from tests.conftest import MemberFactory
from tests.factories import make_association

MISSING = "00000000-0000-4000-8000-000000000000"
GARE_DU_NORD = (48.8809, 2.3553)


def place_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Bains-douches Oberkampf",
        "categories": ["shower"],
        "lat": 48.8655,
        "lon": 2.3740,
        "address": "42 rue Oberkampf",
        "postcode": "75011",
        "town": "Paris",
        "opening_hours": "Mo-Sa 08:00-19:00; Su off; PH off",
        "audiences": ["unconditional"],
    }
    body.update(overrides)
    return body


def _wednesday(app: EntraideApp, hour: int) -> None:
    """Put the node's clock on Wednesday 2 December 2026 at ``hour`` in Paris."""
    target = datetime(2026, 12, 2, hour, 0, tzinfo=ZoneInfo("Europe/Paris"))
    app.node.clock.advance(target - app.node.clock.now())


async def _admin(make_member: MemberFactory) -> Any:
    _, headers = await make_member(admin=True, pseudonym="Admin")
    return headers


async def _post(client: Any, headers: Any, **overrides: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/places", json=place_body(**overrides), headers=headers)
    assert response.status_code == 201, await response.get_data(as_text=True)
    return await response.get_json()  # type: ignore[no-any-return]


async def test_anyone_finds_places_near_a_point_nearest_first_with_todays_words(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _wednesday(app, 10)
    admin = await _admin(make_member)
    await _post(client, admin)
    await _post(
        client,
        admin,
        name="Halte de nuit Gare du Nord",
        categories=["shelter"],
        lat=GARE_DU_NORD[0],
        lon=GARE_DU_NORD[1],
        opening_hours="Mo-Su 20:00-08:00",
    )
    await _post(client, admin, name="Loin", lat=48.70, lon=2.20)  # ~20 km away
    query = f"lat={GARE_DU_NORD[0]}&lon={GARE_DU_NORD[1]}&radius_km=3"
    found = await (await client.get(f"/api/v1/places?{query}")).get_json()  # no log-in
    assert [p["name"] for p in found["items"]] == [
        "Halte de nuit Gare du Nord",
        "Bains-douches Oberkampf",
    ]
    shelter, showers = found["items"]
    assert shelter["distance_km"] < 0.1 < showers["distance_km"] < 3
    assert shelter["now"]["words_fr"] == "ouvre à 20 h"
    assert showers["now"]["words_fr"] == "ouvert jusqu'à 19 h"
    assert showers["now"]["words_en"] == "open until 7 pm"
    assert showers["address"] == "42 rue Oberkampf" and showers["can_edit"] is False
    open_now = await (await client.get(f"/api/v1/places?{query}&open_now=true")).get_json()
    assert [p["name"] for p in open_now["items"]] == ["Bains-douches Oberkampf"]
    shelters = await (await client.get(f"/api/v1/places?{query}&category=shelter")).get_json()
    assert [p["name"] for p in shelters["items"]] == ["Halte de nuit Gare du Nord"]
    _wednesday(app, 23)
    night = await (await client.get(f"/api/v1/places?{query}&open_now=true")).get_json()
    assert [p["name"] for p in night["items"]] == ["Halte de nuit Gare du Nord"]
    assert night["items"][0]["now"]["words_fr"] == "ouvert jusqu'à demain 8 h"


async def test_a_coordinator_edits_the_associations_place_and_says_full_tonight(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _wednesday(app, 21)
    coordinator, headers = await make_member(pseudonym="Coord")
    association = await make_association(app, {coordinator: AssociationRole.COORDINATOR})
    place = await _post(
        client,
        headers,
        association_id=str(association.id),
        name="Accueil de nuit",
        categories=["shelter"],
        opening_hours="24/7",
    )
    assert place["can_edit"] is True and place["association_id"] == str(association.id)
    url = f"/api/v1/places/{place['id']}"
    full = await client.patch(url, json={"full_tonight": True}, headers=headers)
    assert full.status_code == 200
    body = await full.get_json()
    assert body["now"]["full_tonight"] is True
    assert body["now"]["words_fr"] == "ouvert 24 h/24 — complet ce soir"
    query = f"lat={place['lat']}&lon={place['lon']}&open_now=true"
    assert (await (await client.get(f"/api/v1/places?{query}")).get_json())["items"] == []
    closure = {"closed_from": "2026-12-24", "closed_to": "2027-01-03", "closure_reason": "travaux"}
    closed = await client.patch(url, json=closure, headers=headers)
    assert (await closed.get_json())["closed_to"] == "2027-01-03"
    assert (await client.delete(url, headers=headers)).status_code == 204
    assert (await client.get(url)).status_code == 404


async def test_who_may_change_a_place(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    admin = await _admin(make_member)
    place = await _post(client, admin)
    url = f"/api/v1/places/{place['id']}"
    _, resident = await make_member(pseudonym="Léa")
    # 401 without a token, 403 for a resident, on every change.
    assert (await client.post("/api/v1/places", json=place_body())).status_code == 401
    assert (await client.patch(url, json={"name": "Autre nom"})).status_code == 401
    refused = await client.post("/api/v1/places", json=place_body(), headers=resident)
    assert refused.status_code == 403
    assert (await client.patch(url, json={"name": "Autre"}, headers=resident)).status_code == 403
    assert (await client.delete(url, headers=resident)).status_code == 403
    # Another association's coordinator is not this one's.
    other, other_headers = await make_member(pseudonym="Autre")
    await make_association(app, {other: AssociationRole.COORDINATOR}, name="Autre asso")
    assert (await client.delete(url, headers=other_headers)).status_code == 403
    # 404 for what does not exist.
    assert (await client.get(f"/api/v1/places/{MISSING}")).status_code == 404
    gone = await client.patch(
        f"/api/v1/places/{MISSING}", json={"name": "Autre nom"}, headers=admin
    )
    assert gone.status_code == 404
    unknown = await client.post(
        "/api/v1/places", json=place_body(association_id=MISSING), headers=admin
    )
    assert unknown.status_code == 404, await unknown.get_data(as_text=True)


async def test_bad_places_and_bad_searches_are_refused_with_a_reason(
    client: Any, make_member: MemberFactory
) -> None:
    admin = await _admin(make_member)
    bad_bodies = [
        place_body(opening_hours="tous les jours"),
        place_body(categories=["casino"]),
        place_body(categories=[]),
        place_body(lat=123.0),
        place_body(name="\x00 douches"),
        place_body(website="javascript:alert(1)"),
        place_body(closed_from="2027-01-10", closed_to="2027-01-01"),
        place_body(closed_to="2027-01-01"),
        place_body(unknown_field=1),
    ]
    for body in bad_bodies:
        response = await client.post("/api/v1/places", json=body, headers=admin)
        assert response.status_code == 422, body
        assert (await response.get_json())["detail"]
    place = await _post(client, admin)
    emptied = await client.patch(
        f"/api/v1/places/{place['id']}", json={"name": None}, headers=admin
    )
    assert emptied.status_code == 422
    for query in ("lat=91&lon=2", "lat=48.8&lon=2.3&radius_km=500", "lon=2.3", "lat=x&lon=2"):
        assert (await client.get(f"/api/v1/places?{query}")).status_code == 422, query
    assert (await client.get("/api/v1/places?lat=48.8&lon=2.3&category=Bad!")).status_code == 422


async def test_the_guide_knows_the_nodes_own_categories(
    node_factory: Any, make_member: MemberFactory
) -> None:
    app = await node_factory("lille", guide_categories="wifi, haircut")
    client = app.test_client()
    _, admin = await make_member(target=app, admin=True)
    response = await client.post(
        "/api/v1/places", json=place_body(categories=["haircut"]), headers=admin
    )
    assert response.status_code == 201


async def test_the_list_says_who_may_edit_each_place_reading_the_rights_once(
    app: EntraideApp, client: Any, make_member: MemberFactory, monkeypatch: Any
) -> None:
    """``can_edit`` in the list: true for the association's coordinator on its places only,
    for a node admin on all, never for anyone else; the rights are read once for the list,
    not once per place."""
    coordinator, coord_h = await make_member(pseudonym="Coord")
    association = await make_association(app, {coordinator: AssociationRole.COORDINATOR})
    admin = await _admin(make_member)
    for n in range(3):
        await _post(client, coord_h, name=f"Lieu {n}", association_id=str(association.id))
    await _post(client, admin, name="Lieu du nœud")
    _, resident = await make_member(pseudonym="Léa")

    from node.services.places import store

    reads = []
    real = store.edit_rights

    async def counted(member: Any) -> Any:
        reads.append(member)
        return await real(member)

    async def per_place(*_: Any) -> bool:
        raise AssertionError("the list checks the rights place by place")

    monkeypatch.setattr(store, "edit_rights", counted)
    monkeypatch.setattr(store, "may_edit", per_place)
    query = "/api/v1/places?lat=48.8655&lon=2.3740&radius_km=2"
    expected = {
        "coordinator": (coord_h, {"Lieu 0": True, "Lieu 1": True, "Lieu 2": True}),
        "admin": (admin, {"Lieu 0": True, "Lieu du nœud": True}),
        "resident": (resident, {"Lieu 0": False, "Lieu du nœud": False}),
        "anonymous": ({}, {"Lieu 0": False, "Lieu du nœud": False}),
    }
    for who, (headers, wanted) in expected.items():
        found = await (await client.get(query, headers=headers)).get_json()
        rights = {p["name"]: p["can_edit"] for p in found["items"]}
        assert len(rights) == 4, (who, rights)
        for name, value in wanted.items():
            assert rights[name] is value, (who, name, rights)
        if who == "coordinator":
            assert rights["Lieu du nœud"] is False
    assert len(reads) == 4
