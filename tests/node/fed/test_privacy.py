"""Privacy across federation (DESIGN §5): capture every body that leaves any of three nodes in a
full scenario (partnerships, needs created/updated/moved/closed/deleted, an outing, a remote
answer, accept, chat, leave) and check that no phone number, email address or exact point is in
any of them — requests and the answers to other nodes' GETs alike."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import httpx

from node import clock
from node.models import Action, Member
from tests.conftest import NodeFactory
from tests.factories import need_body
from tests.fedtools import federated_nodes, router_of, settle
from tests.node.fed_support import feed, member, ok, partner

EXACT = (48.8566123, 2.3522457)
MOVED = (48.8612345, 2.3387654)


class Capture(httpx.AsyncBaseTransport):
    """Wraps the router: records each request body and each response body."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.bodies: list[tuple[str, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        sent = await request.aread()
        self.bodies.append((f"{request.method} {request.url}", sent.decode("utf-8", "replace")))
        response = await self.inner.handle_async_request(request)
        received = await response.aread()
        self.bodies.append((f"answer to {request.url}", received.decode("utf-8", "replace")))
        return httpx.Response(
            response.status_code, headers=response.headers, content=received, request=request
        )

    async def aclose(self) -> None:
        return None


def _places(value: Any) -> list[tuple[float, float]]:
    found: list[tuple[float, float]] = []
    if isinstance(value, dict):
        if "latitude" in value and "longitude" in value:
            found.append((float(value["latitude"]), float(value["longitude"])))
        for item in value.values():
            found += _places(item)
    elif isinstance(value, list):
        for item in value:
            found += _places(item)
    return found


async def test_nothing_private_leaves_any_node(node_factory: NodeFactory) -> None:
    paris, lyon, pfp = await federated_nodes(node_factory, "paris", "lyon", "pfp")
    apps = (paris, lyon, pfp)
    capture = Capture(router_of(paris))
    for app in apps:
        app.node.http_transport = capture
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    _, pfp_admin = await member(pfp, "Admin PFP", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, *apps, scopes=("public_needs", "calls"))
    await partner(pfp, pfp_admin, paris, paris_admin, *apps)
    await partner(lyon, lyon_admin, pfp, pfp_admin, *apps, accept=False)

    _, author = await member(paris, "Léa")
    body = need_body(description="Appelez-moi au 06 00 00 00 00 ? Non : passez par le chat.")
    body["lat"], body["lon"] = EXACT
    posted = await ok(paris, "POST", "/api/v1/actions", author, json=body)
    start = clock.now() + timedelta(days=1)
    outing = need_body(
        "Petit-déjeuner partagé",
        kind="outing",
        category="food",
        starts_at=start.isoformat(),
        ends_at=(start + timedelta(hours=2)).isoformat(),
        place_name="Square du Temple",
        capacity=8,
        lat=EXACT[0],
        lon=EXACT[1],
    )
    await ok(paris, "POST", "/api/v1/actions", author, json=outing)
    await settle(*apps)
    path = f"/api/v1/actions/{posted['id']}"
    await ok(paris, "PATCH", path, author, json={"lat": MOVED[0], "lon": MOVED[1]})
    await ok(paris, "PATCH", path, author, json={"title": "Manteau taille L"})
    await settle(*apps)

    remote = next(a for a in await feed(lyon) if a["title"] == "Manteau taille L")
    _, helper = await member(lyon, "Nadia")
    parts = f"/api/v1/actions/{remote['id']}/participations"
    await ok(lyon, "POST", parts, helper, json={"message": "Je passe samedi"})
    await settle(*apps)
    rows = (await ok(paris, "GET", f"{path}/participations", author))["items"]
    await ok(
        paris,
        "PATCH",
        f"{path}/participations/{rows[0]['id']}",
        author,
        json={"status": "accepted"},
    )
    await settle(*apps)
    await ok(paris, "POST", f"{path}/messages", author, json={"body": "Merci Nadia"})
    await ok(
        lyon,
        "POST",
        f"/api/v1/actions/{remote['id']}/messages",
        helper,
        json={"body": "Avec plaisir"},
    )
    await settle(*apps)
    await ok(paris, "PATCH", path, author, json={"status": "fulfilled"})
    await settle(*apps)
    await ok(paris, "DELETE", path, author)
    await settle(*apps)

    # Something did travel (the scenario is real), including the content we checked.
    everything = "\n".join(text for _, text in capture.bodies)
    assert "Manteau taille L" in everything and "Avec plaisir" in everything
    assert "Petit-déjeuner partagé" in everything and "Je passe samedi" in everything

    secrets: set[str] = set()
    for app in apps:
        with app.node.db.activate():
            for m in await Member.all():
                secrets |= {s for s in (m.phone, m.email) if s}
                if m.phone:
                    secrets.add(m.phone.removeprefix("+33"))  # national digits
    assert len(secrets) >= 5 * 3  # 5 members: phone, national digits, email
    exact_points = {EXACT, MOVED}
    with paris.node.db.activate():
        published = {(a.public_lat, a.public_lon) for a in await Action.all()}
    for where, text in capture.bodies:
        for secret in secrets:
            assert secret not in text, f"{secret!r} leaked in {where}"
        for lat, lon in exact_points:
            for value in (lat, lon):
                assert repr(value) not in text, f"exact coordinate {value} in {where}"
                assert re.sub(r"0+$", "", f"{value:.6f}") not in text, where
        if text.startswith("{"):
            for lat, lon in _places(json.loads(text)):
                for exact_lat, exact_lon in exact_points:
                    same = round(exact_lat, 4) == lat and round(exact_lon, 4) == lon
                    coincidence = any(
                        round(p[0], 4) == lat and round(p[1], 4) == lon for p in published
                    )
                    assert not same or coincidence, f"exact point in {where}"
