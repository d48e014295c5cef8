"""A call's whole life between Paris and Lyon (a ``calls`` partner): Lyon holds exactly what
Paris posted (kind, H3 cells, quantities, dates, words), a Lyon resident answers, the
association writes to them and they reply, everyone is thanked, the call is cancelled; and no
body that left either node carries a phone, an email, a resident's place or a member's id."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import h3

from node import clock
from node.models import Member
from tests.conftest import NodeFactory
from tests.factories import call_body, make_association, set_area
from tests.fedtools import federated_nodes, router_of, settle
from tests.node.fed.test_privacy import Capture
from tests.node.fed_support import member, ok, partner

# Residents say where they live with a point of their own; only its cells may be kept.
HOMES = {"Nadia": (48.85731, 2.35112), "Omar": (48.85484, 2.34961)}


async def test_a_call_mirrored_exactly_answered_talked_thanked_cancelled_nothing_private(
    node_factory: NodeFactory,
) -> None:
    paris, lyon = apps = await federated_nodes(node_factory, "paris", "lyon")
    capture = Capture(router_of(paris))
    for app in apps:
        app.node.http_transport = capture
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, *apps, scopes=("calls",))
    coordinator, coord_h = await member(paris, "Coord")
    association = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")
    residents: dict[str, Any] = {}
    for name, home in HOMES.items():
        residents[name] = await member(lyon, name)
        await set_area(lyon.test_client(), residents[name][1], home)

    cells = sorted(h3.grid_disk(h3.latlng_to_cell(*HOMES["Nadia"], 7), 1))
    starts = (clock.now() + timedelta(days=2)).replace(microsecond=0)
    body = call_body(
        "volunteers",
        association=association,
        title="Soupe du soir",
        body="Éplucher, servir, ranger.",
        place_name="Gymnase Ornano, 12 rue Ornano",
        starts_at=starts.isoformat(),
        ends_at=(starts + timedelta(hours=4)).isoformat(),
        area={"cells": cells},
    )
    posted = await ok(paris, "POST", "/api/v1/calls", coord_h, json=body)
    await settle(*apps)

    # Lyon holds the same call: kind, area, quantities, dates and words.
    nadia_h = residents["Nadia"][1]
    near = await ok(lyon, "GET", "/api/v1/calls", nadia_h)
    assert len(near["items"]) == 1
    mirror = near["items"][0]
    for key in ("kind", "status", "title", "body", "place_name", "area_resolution"):
        assert mirror[key] == posted[key], key
    assert mirror["area_cells"] == posted["area_cells"] == cells
    for key in ("starts_at", "ends_at"):
        assert datetime.fromisoformat(mirror[key]) == datetime.fromisoformat(posted[key]), key
    assert [(i["wanted"], i["remaining"]) for i in mirror["items"]] == [(3, 3)]

    # Both residents come; the association writes to all, Nadia answers; thanks; cancelled.
    for _, headers in residents.values():
        await ok(lyon, "POST", f"/api/v1/calls/{mirror['id']}/answers", headers, json={})
    await settle(*apps)
    origin = await ok(paris, "GET", f"/api/v1/calls/{posted['id']}", coord_h)
    assert origin["answers"] == 2 and origin["items"][0]["remaining"] == 1
    messages = f"/api/v1/calls/{posted['id']}/messages"
    await ok(paris, "POST", messages, coord_h, json={"body": "Rendez-vous à 18 h."})
    await settle(*apps)
    reply = {"body": "J'apporte une marmite."}
    await ok(lyon, "POST", f"/api/v1/calls/{mirror['id']}/messages", nadia_h, json=reply)
    await settle(*apps)
    seen = await ok(paris, "GET", messages, coord_h)
    assert [m["body"] for m in seen["items"]][-1] == "J'apporte une marmite."
    thanks = {"message": "Merci à vous deux !"}
    await ok(paris, "POST", f"/api/v1/calls/{posted['id']}/thanks", coord_h, json=thanks)
    await ok(paris, "POST", f"/api/v1/calls/{posted['id']}/close", coord_h, json={"cancel": True})
    await settle(*apps)
    assert (await ok(lyon, "GET", f"/api/v1/calls/{mirror['id']}", nadia_h))["status"] == (
        "cancelled"
    )

    secrets: list[str] = []
    for app in apps:
        with app.node.db.activate():
            for row in await Member.all():
                secrets += [s for s in (row.phone, row.email) if s]
                secrets += [str(row.id), row.id.hex]
    for lat, lon in HOMES.values():
        secrets += [f"{lat}", f"{lon}", f"{lat:.4f}", f"{lon:.4f}"]
    assert len(capture.bodies) > 10
    for where, text in capture.bodies:
        for secret in secrets:
            assert secret not in text, (where, secret)
