"""The coordination view without a point: the round's area, or the node's, and the page says
which — never "0 visits" for a fixed kilometre while the teams' visits are 2 km away."""

from __future__ import annotations

import json
import re

from node.models import Association, AssociationStatus
from tests.web.conftest import csrf_of
from tests.web.test_web_outreach_pages import (  # noqa: F401 (the fixture)
    FR,
    POINT,
    Outreach,
    _started_round,
    _text,
    outreach,
)

EN = {"Accept-Language": "en-GB,en;q=0.8"}


def _centre(body: str) -> list[float]:
    found = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', body, re.S)
    assert found
    centre: list[float] = json.loads(found.group(1))["centre"]
    return centre


async def _encounter(o: Outreach, url: str) -> None:
    token = await csrf_of(o.coordinator, url)
    response = await o.coordinator.post(
        f"{url}/encounters",
        form=[("csrf_token", token), *POINT.items(), ("items", "meal")],  # type: ignore[arg-type]
    )
    assert response.status_code == 303


async def test_without_a_round_the_view_covers_the_node_area(outreach: Outreach) -> None:  # noqa: F811
    o = outreach
    url = await _started_round(o, o.coordinator, o.association)
    await _encounter(o, url)  # about 1.9 km from the node's centre
    body = await _text(await o.volunteer.get("/coordination", headers=FR))
    assert "1 passage" in body and "Les Maraudeurs" in body
    assert "À moins de 5 km du centre d'Entraide node : la zone du nœud." in body
    english = await _text(await o.volunteer.get("/coordination", headers=EN))
    assert "Within 5 km of the centre of Entraide node: the node's area." in english


async def test_on_a_round_the_view_is_centred_on_its_encounters(outreach: Outreach) -> None:  # noqa: F811
    o = outreach
    url = await _started_round(o, o.coordinator, o.association)
    await _encounter(o, url)
    # The coordinator is on this round: the menu's link shows its area.
    body = await _text(await o.coordinator.get("/coordination", headers=FR))
    assert "À moins de 1 km de la zone de la maraude « Gare de l'Est »." in body
    assert "1 passage" in body
    lat, lon = _centre(body)
    assert abs(lat - float(POINT["lat"])) < 0.002 and abs(lon - float(POINT["lon"])) < 0.002
    # The round page links to the view of its area.
    page = await _text(await o.coordinator.get(url, headers=FR))
    assert f"/coordination?round={url.rsplit('/', 1)[1]}" in page


async def test_a_round_without_encounters_uses_its_area_name(outreach: Outreach) -> None:  # noqa: F811
    o = outreach
    url = await _started_round(o, o.coordinator, o.association)
    round_id = url.rsplit("/", 1)[1]
    body = await _text(await o.volunteer.get(f"/coordination?round={round_id}", headers=EN))
    assert "Within 1 km of the area of the round “Gare de l'Est”." in body
    assert _centre(body) == [48.8763, 2.359]  # Gare de l'Est in the node's gazetteer
    # A point given wins, and the page says so.
    body = await _text(
        await o.volunteer.get(f"/coordination?round={round_id}&lat=48.85&lon=2.35", headers=EN)
    )
    assert "Within 1 km of the point you gave." in body


async def test_rounds_the_viewer_cannot_see_are_refused(outreach: Outreach) -> None:  # noqa: F811
    o = outreach
    with o.app.node.db.activate():
        other = await Association.get(name="Samu social")
        assert other.status == AssociationStatus.APPROVED
    url = await _started_round(o, o.other_team, other)
    response = await o.volunteer.get(f"/coordination?round={url.rsplit('/', 1)[1]}", headers=FR)
    assert response.status_code == 404
    response = await o.volunteer.get("/coordination?round=not-a-round", headers=FR)
    assert response.status_code == 422
    response = await o.resident.get(f"/coordination?round={url.rsplit('/', 1)[1]}")
    assert response.status_code == 403
