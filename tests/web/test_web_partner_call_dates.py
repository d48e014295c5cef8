"""A partner node's repeating call on this node's web page: a member ticks the dates they come,
each date shows what the partner said it still wants, and until the partner counts an answer
the page says its node has not counted it yet."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlencode

from node import clock
from tests.conftest import NodeFactory
from tests.factories import PARIS, call_body, set_area
from tests.fedtools import settle
from tests.node.fed_support import calls_partners, member, ok
from tests.web.conftest import csrf_of
from tests.web.test_web_partner_badges import text, web_login

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


async def test_a_member_ticks_dates_of_a_partner_call(node_factory: NodeFactory) -> None:
    nodes = await calls_partners(node_factory)
    paris, lyon, apps = nodes.paris, nodes.lyon, nodes.apps
    coord_h, association = nodes.coord_h, nodes.association
    first = (clock.now() + timedelta(days=1, hours=1)).replace(second=0, microsecond=0)
    body = call_body(
        "volunteers",
        association=association,
        title="Soupe du soir",
        people=2,
        starts_at=first.isoformat(),
        ends_at=(first + timedelta(days=5)).isoformat(),
        recurrence="FREQ=DAILY;COUNT=3",
    )
    posted = await ok(paris, "POST", "/api/v1/calls", coord_h, json=body)
    await settle(*apps)

    nadia, nadia_h = await member(lyon, "Nadia")
    await set_area(lyon.test_client(), nadia_h, PARIS)
    mirror = (await ok(lyon, "GET", "/api/v1/calls", nadia_h))["items"][0]
    client = await web_login(lyon, nadia)
    path = f"/calls/{mirror['id']}"
    page = await text(client, path)
    dates = re.findall(r'name="dates" value="([^"]+)"', page)
    assert len(dates) == 3 and page.count("2 places restantes") == 3
    fields = [("csrf_token", await csrf_of(client, path)), ("date-choice", "1")]
    fields += [("dates", d) for d in dates[1:]]
    answered = await client.post(f"{path}/answer", data=urlencode(fields), headers=FORM)
    assert answered.status_code == 303
    page = await text(client, path)
    waiting = "Vous venez à cette date. Son nœud n'a pas encore compté votre réponse."
    assert " ".join(page.split()).count(waiting) == 2

    await settle(*apps)
    page = " ".join((await text(client, path)).split())
    assert page.count("Vous venez à cette date.") == 2
    assert "pas encore compté" not in page
    assert page.count("1 place restante") == 2
    origin = await ok(paris, "GET", f"/api/v1/calls/{posted['id']}", coord_h)
    assert [o["places_left"] for o in origin["occurrences"]] == [2, 1, 1]
