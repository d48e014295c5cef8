"""The solidarity guide's pages, for anyone: places near the node's centre or a typed place,
"open now", today's hours in words, each place's page, and the home page offering the guide."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from node.http_state import EntraideApp
from node.models import Member
from node.services.inputs.places import PlaceIn
from node.services.places.store import create_place

CENTRE = (48.8566, 2.3522)  # the default centre of a node's area


async def _places(app: EntraideApp) -> dict[str, Any]:
    with app.node.db.activate():
        admin = await Member.create(
            phone="+33600000009", email="a@example.org", pseudonym="Admin", is_admin=True
        )
        made = {}
        for name, hours, categories in (
            ("Douches du Marais", "Mo-Sa 08:00-19:00", ["shower"]),
            ("Halte de nuit", "Mo-Su 20:00-08:00", ["shelter"]),
        ):
            data = PlaceIn(
                name=name,
                categories=categories,
                lat=CENTRE[0] + 0.002,
                lon=CENTRE[1],
                address="3 rue des Archives",
                opening_hours=hours,
            )
            made[name] = await create_place(app.node, admin, data)
        return made


def _wednesday(app: EntraideApp, hour: int) -> None:
    target = datetime(2026, 12, 2, hour, 0, tzinfo=ZoneInfo("Europe/Paris"))
    app.node.clock.advance(target - app.node.clock.now())


async def test_anyone_finds_what_is_open_now_and_reads_a_place(
    app: EntraideApp, client: Any
) -> None:
    made = await _places(app)
    _wednesday(app, 10)
    home = await (await client.get("/?lang=fr")).get_data(as_text=True)
    assert "Guide solidaire" in home and 'href="/guide"' in home
    page = html.unescape(await (await client.get("/guide?lang=fr")).get_data(as_text=True))
    assert "Douches du Marais" in page and "Halte de nuit" in page
    assert "ouvert jusqu'à 19 h" in page and "ouvre à 20 h" in page
    open_now = html.unescape(
        await (await client.get("/guide?open_now=1&lang=fr")).get_data(as_text=True)
    )
    assert "Douches du Marais" in open_now and "Halte de nuit" not in open_now
    shelters = await (await client.get("/guide?category=shelter")).get_data(as_text=True)
    assert "Halte de nuit" in shelters and "Douches du Marais" not in shelters
    place = made["Douches du Marais"]
    detail = html.unescape(
        await (await client.get(f"/guide/{place.id}?lang=fr")).get_data(as_text=True)
    )
    assert "8 h – 19 h" in detail and "3 rue des Archives" in detail
    english = await (await client.get(f"/guide/{place.id}?lang=en")).get_data(as_text=True)
    assert "open until 7 pm" in english


async def test_unknown_places_and_bad_positions_say_so(app: EntraideApp, client: Any) -> None:
    unknown = await client.get("/guide?where=Atlantide&lang=fr")
    assert unknown.status_code == 200
    assert "Nous ne connaissons pas ce lieu" in html.unescape(await unknown.get_data(as_text=True))
    bad = await client.get("/guide?lat=95&lon=2&lang=fr")
    assert bad.status_code == 422
    missing = await client.get("/guide/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404


async def test_the_list_has_a_small_map_drawn_by_the_node(app: EntraideApp, client: Any) -> None:
    """An inline SVG (no tile server, no script): the point searched at the centre, each place
    a numbered dot, numbered as in the list (whose links lead to the pages), green when open
    now."""
    made = await _places(app)
    _wednesday(app, 10)
    page = await (await client.get("/guide?lang=fr")).get_data(as_text=True)
    start = page.index('<figure class="guide-map"')
    svg = page[start : page.index("</figure>", start)]
    assert "<svg" in svg and "http" not in svg.replace('xmlns="http', "")  # nothing fetched
    douches, halte = made["Douches du Marais"], made["Halte de nuit"]
    # Same distance: the list orders them by name, and so does the map.
    assert svg.index(f"map-{douches.id}") > svg.index(f"map-{halte.id}")  # 1 drawn on top
    assert "<title>1. Douches du Marais</title>" in svg and "<title>2. Halte de nuit</title>" in svg
    assert svg.count('class="dot open"') == 1 and svg.count('class="dot"') == 1
    # 0.002° (222 m) north of the centre, 2 km being 146 units: 16 units above the middle.
    assert svg.count('cx="160.0" cy="143.8"') == 2, svg
    assert "Vert : ouvert maintenant." in svg
    assert ">1 km<" in svg  # the scale bar
    assert page.index('class="map-number" aria-hidden="true">1<') < page.index("Halte de nuit</a>")
    empty = await (await client.get("/guide?category=dental")).get_data(as_text=True)
    assert "guide-map" not in empty
