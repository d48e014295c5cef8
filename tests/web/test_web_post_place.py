"""The post form asks for a place: nothing is published at the node's centre because nobody
touched the map. A place is tapped, located, typed as coordinates or as a name of the node's
gazetteer (offline); a form without one comes back with a clear message."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest

from node.http_state import EntraideApp
from node.models import Action
from node.services.gazetteer import Gazetteer, NamedPlace, node_gazetteer, normalise
from node.settings import Settings, SettingsError, load_settings
from tests.conftest import MemberFactory, NodeFactory
from tests.web.conftest import csrf_of, log_in

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.8"}


def _form(token: str, **place: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "kind": "need",
        "category": "clothes",
        "title": "Chaussures pointure 43",
        "visibility": "public",
        **place,
    }


async def _text(response: Any) -> str:
    return html.unescape(str(await response.get_data(as_text=True)))


async def test_the_form_has_no_point_until_one_is_given(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    client = await log_in(app, make_member)
    body = await _text(await client.get("/post", headers=FR))
    assert 'name="lat" type="text" value=""' in body
    assert 'name="lon" type="text" value=""' in body
    assert "48.85660" not in body
    assert '<option value="Gare du Nord">' in body and "Lieu" in body


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (FR, "Indiquez le lieu : touchez la carte, utilisez votre position, tapez un lieu"),
        (EN, "Choose a place: tap the map, use your position, type a place or its coordinates."),
    ],
)
async def test_a_post_without_a_place_is_refused(
    app: EntraideApp, make_member: MemberFactory, headers: dict[str, str], message: str
) -> None:
    client = await log_in(app, make_member)
    token = await csrf_of(client, "/post")
    response = await client.post("/post", form=_form(token), headers=headers)
    assert response.status_code == 422
    body = await _text(response)
    assert message in body
    assert 'href="#f-place"' in body and 'id="f-place"' in body
    with app.node.db.activate():
        assert await Action.all().count() == 0


async def test_a_typed_place_name_becomes_its_point(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    client = await log_in(app, make_member)
    token = await csrf_of(client, "/post")
    response = await client.post("/post", form=_form(token, place="  gare du NORD "))
    assert response.status_code == 303
    with app.node.db.activate():
        action = await Action.get()
    assert (action.lat, action.lon) == (48.8809, 2.3553)
    # Typed (or tapped) coordinates win over a name.
    response = await client.post(
        "/post", form=_form(token, place="Montreuil", lat="48,85", lon="2.35")
    )
    assert response.status_code == 303
    with app.node.db.activate():
        assert await Action.filter(lat=48.85, lon=2.35).count() == 1


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (FR, "Nous ne connaissons pas ce lieu : choisissez-en un de la liste"),
        (EN, "We do not know this place: choose one of the list or tap the map."),
    ],
)
async def test_an_unknown_place_name_is_refused(
    app: EntraideApp, make_member: MemberFactory, headers: dict[str, str], message: str
) -> None:
    client = await log_in(app, make_member)
    token = await csrf_of(client, "/post")
    response = await client.post("/post", form=_form(token, place="Atlantide"), headers=headers)
    assert response.status_code == 422
    body = await _text(response)
    assert message in body and 'value="Atlantide"' in body


async def test_a_node_elsewhere_offers_no_paris_names(
    node_factory: NodeFactory, make_member: MemberFactory
) -> None:
    lyon = await node_factory("lyon", area_lat=45.7640, area_lon=4.8357)
    client = await log_in(lyon, make_member)
    body = await _text(await client.get("/post", headers=EN))
    assert "Gare du Nord" not in body and 'id="f-place"' in body
    assert "Tap the map, use your position or type the coordinates." in body
    token = await csrf_of(client, "/post")
    response = await client.post("/post", form=_form(token, place="Gare du Nord"), headers=EN)
    assert response.status_code == 422
    assert "We do not know this place" in await _text(response)


def test_gazetteer_matches_names_aliases_and_whole_words(tmp_path: Path) -> None:
    assert normalise("Barbès-Rochechouart") == normalise("barbes  rochechouart")
    assert normalise("Gare de l’Est") == "gare de l est"
    paris = node_gazetteer(Settings(data_dir=tmp_path))
    found = paris.find("75011")
    assert found is not None and found.name == "Paris 11e"
    assert (paris.find("nord") or NamedPlace("", 0, 0)).name == "Gare du Nord"
    assert paris.find("gare") is None  # several stations: ambiguous
    assert paris.find("Paris") is None and paris.find("  ") is None
    assert not Gazetteer(())


def test_an_operators_gazetteer_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "lieux.csv"
    path.write_text("name,lat,lon,aliases\nPlace Bellecour,45.7578,4.8320,Bellecour|69002\n")
    lyon = Settings(data_dir=tmp_path, area_lat=45.76, area_lon=4.83, gazetteer_file=path)
    assert [p.name for p in node_gazetteer(lyon).places] == ["Place Bellecour"]
    assert (node_gazetteer(lyon).find("69002") or NamedPlace("", 0, 0)).lat == 45.7578
    monkeypatch.setenv("ENTRAIDE_GAZETTEER_FILE", str(tmp_path / "absent.csv"))
    with pytest.raises(SettingsError, match="ENTRAIDE_GAZETTEER_FILE"):
        load_settings(data_dir=tmp_path)
