"""Places of the solidarity guide across nodes: a Paris association's place reaches Lyon (a
partner with the ``guide`` scope) and not Nice (a partner without it); every change follows it
(hours, closure, full tonight), its deletion too; a new partner receives the existing places;
an older Update arriving late is left aside; the inbox refuses what is not a partner's own
place near this node, with a reason."""

from __future__ import annotations

import json
import subprocess
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from federation import build, objects
from node import clock, iris
from node.fed.client import signing_client
from node.http_state import EntraideApp
from node.models import InboxItem, Place
from node.worker.federation import run_once
from tests.conftest import NodeFactory
from tests.factories import make_association, new_guide_place
from tests.fedtools import federated_nodes, settle
from tests.node.fed_support import call, member, ok, partner

NEAR_GARE_DU_NORD = "lat=48.8809&lon=2.3553&radius_km=5"


def place_body(association: Any = None, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Bains-douches Gare du Nord",
        "categories": ["shower"],
        "lat": 48.8812,
        "lon": 2.3560,
        "address": "12 rue de Dunkerque",
        "postcode": "75010",
        "town": "Paris",
        "opening_hours": "Mo-Sa 08:00-19:00; Su off; PH off",
        "audiences": ["unconditional"],
        "phone": "01 40 00 00 00",
        "website": "https://bains.example/",
    }
    if association is not None:
        body["association_id"] = str(association.id)
    body.update(overrides)
    return body


async def mirrors(app: EntraideApp) -> list[Place]:
    with app.node.db.activate():
        return await Place.exclude(origin_domain="").order_by("name")


def _pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


async def pdf_text(app: EntraideApp, url: str, tmp_path: Path) -> str:
    response = await app.test_client().get(url)
    assert response.status_code == 200, await response.get_data(as_text=True)
    path = tmp_path / "guide.pdf"
    path.write_bytes(await response.get_data())
    return _pdftotext(path)


async def test_places_travel_to_guide_partners_and_follow_every_change(
    node_factory: NodeFactory, tmp_path: Path
) -> None:
    paris, lyon, nice = await federated_nodes(node_factory, "paris", "lyon", "nice")
    apps = (paris, lyon, nice)
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    _, nice_admin = await member(nice, "Admin Nice", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, *apps, scopes=("guide",))
    await partner(paris, paris_admin, nice, nice_admin, *apps, scopes=("public_needs",))
    coordinator, coord_h = await member(paris, "Coord")
    association = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")

    posted = await ok(paris, "POST", "/api/v1/places", coord_h, json=place_body(association))
    await settle(*apps)
    [mirror] = await mirrors(lyon)
    assert mirror.remote_iri == iris.place_iri(paris.node.settings, posted["id"])
    assert (mirror.origin_domain, mirror.remote_owner_name) == ("paris.test", "Chaleur")
    assert mirror.remote_owner_iri == iris.association_actor_iri(
        paris.node.settings, association.id
    )
    assert (mirror.lat, mirror.lon, mirror.address, mirror.postcode) == (
        48.8812,
        2.356,
        "12 rue de Dunkerque",
        "75010",
    )
    assert mirror.opening_hours == "Mo-Sa 08:00-19:00; Su off; PH off"
    assert (mirror.phone, mirror.website) == ("01 40 00 00 00", "https://bains.example/")
    assert await mirrors(nice) == []

    # The partner's guide lists it, marked with its node, and nobody there may change it.
    _, lyon_h = await member(lyon, "Nadia")
    found = await ok(lyon, "GET", f"/api/v1/places?{NEAR_GARE_DU_NORD}", lyon_h)
    [item] = found["items"]
    assert item["origin_domain"] == "paris.test" and item["can_edit"] is False
    assert item["origin"] == {
        "domain": "paris.test",
        "name": "Chaleur",
        "url": iris.place_iri(paris.node.settings, posted["id"]),
    }
    assert posted["origin"] is None

    # Its web page there says who shares it; the printed guide lists it, unless asked not to.
    page = await (await lyon.test_client().get("/guide?lat=48.8809&lon=2.3553")).get_data(
        as_text=True
    )
    assert "Bains-douches Gare du Nord" in page and "Partagé par Chaleur" in page
    page = await (await lyon.test_client().get(f"/guide/{item['id']}")).get_data(as_text=True)
    assert "Partagé par Chaleur, sur le nœud partenaire paris.test." in page
    assert f'href="{mirror.remote_iri}"' in page
    pdf = f"/api/v1/places/guide.pdf?{NEAR_GARE_DU_NORD.replace('=5', '=2')}"
    assert "Lieu partagé par Chaleur (paris.test)" in await pdf_text(lyon, pdf, tmp_path)
    alone = await pdf_text(lyon, f"{pdf}&partners=false", tmp_path)
    assert "Bains-douches" not in alone
    for headers in (lyon_admin, lyon_h):
        status, body = await call(
            lyon, "PATCH", f"/api/v1/places/{item['id']}", headers, json={"phone": "0"}
        )
        assert status == 403, body
        status, body = await call(lyon, "DELETE", f"/api/v1/places/{item['id']}", headers)
        assert status == 403, body

    # New hours, a temporary closure, "full tonight": each one reaches Lyon.
    url = f"/api/v1/places/{posted['id']}"
    await ok(paris, "PATCH", url, coord_h, json={"opening_hours": "Mo-Fr 09:00-17:00"})
    await settle(*apps)
    assert (await mirrors(lyon))[0].opening_hours == "Mo-Fr 09:00-17:00"
    closure = {"closed_from": "2027-01-04", "closed_to": "2027-01-10", "closure_reason": "Travaux"}
    await ok(paris, "PATCH", url, coord_h, json=closure)
    await settle(*apps)
    [mirror] = await mirrors(lyon)
    assert (str(mirror.closed_from), str(mirror.closed_to), mirror.closure_reason) == (
        "2027-01-04",
        "2027-01-10",
        "Travaux",
    )
    await ok(paris, "PATCH", url, coord_h, json={"full_tonight": True})
    await settle(*apps)
    assert (await mirrors(lyon))[0].full_since is not None
    await ok(paris, "PATCH", url, coord_h, json={"full_tonight": False})
    await settle(*apps)
    assert (await mirrors(lyon))[0].full_since is None

    # Deleted on Paris: gone from Lyon's guide.
    status, _ = await call(paris, "DELETE", url, coord_h)
    assert status == 204
    await settle(*apps)
    assert await mirrors(lyon) == []
    with nice.node.db.activate():
        assert await InboxItem.filter(type__in=("Create", "Update", "Delete")).count() == 0


async def test_a_new_guide_partner_receives_the_places_made_on_the_node(
    node_factory: NodeFactory,
) -> None:
    """Places made before the partnership arrive once it is accepted; imported open data is
    not relayed (each node imports from the producer); ending the partnership removes them."""
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await ok(paris, "POST", "/api/v1/places", paris_admin, json=place_body(name="Halte de nuit"))
    with paris.node.db.activate():
        await new_guide_place("Fontaine importée", 48.88, 2.35, node=paris.node)
    mine, _ = await partner(paris, paris_admin, lyon, lyon_admin, paris, lyon, scopes=("guide",))
    await settle(paris, lyon)
    [mirror] = await mirrors(lyon)
    assert mirror.name == "Halte de nuit"
    # A place of the node admins is attributed to the node's instance actor.
    assert mirror.remote_owner_iri == iris.instance_actor_iri(paris.node.settings)

    status, _ = await call(paris, "DELETE", f"/api/v1/admin/partnerships/{mine['id']}", paris_admin)
    assert status in (200, 204)
    await settle(paris, lyon)
    assert await mirrors(lyon) == []


async def test_an_older_update_arriving_after_a_newer_one_is_left_aside(
    node_factory: NodeFactory,
) -> None:
    """Deliveries are not ordered: the Update saying "closed" reaches Lyon after the one saying
    "full tonight" that followed it; Lyon keeps "full tonight" and the newer hours."""
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, paris, lyon, scopes=("guide",))
    posted = await ok(paris, "POST", "/api/v1/places", paris_admin, json=place_body())
    await settle(paris, lyon)
    url = f"/api/v1/places/{posted['id']}"
    await ok(paris, "PATCH", url, paris_admin, json={"opening_hours": "Mo-Fr 10:00-12:00"})
    await ok(paris, "PATCH", url, paris_admin, json={"opening_hours": "24/7", "full_tonight": True})
    with paris.node.db.activate():
        await run_once(paris.node, queues=("deliveries",))
    with lyon.node.db.activate():
        updates = await InboxItem.filter(type="Update")
        assert len(updates) == 2
        # The older version, whatever order the two deliveries arrived in.
        [first] = [u for u in updates if u.body["object"]["openingHours"] == "Mo-Fr 10:00-12:00"]
        await InboxItem.filter(id=first.id).update(next_attempt_at=clock.now() + timedelta(days=1))
    await settle(lyon)
    with lyon.node.db.activate():
        await InboxItem.filter(id=first.id).update(next_attempt_at=clock.now())
    await settle(paris, lyon)
    [mirror] = await mirrors(lyon)
    assert mirror.opening_hours == "24/7" and mirror.full_since is not None
    with lyon.node.db.activate():
        stale = await InboxItem.get(id=first.id)
    assert stale.status == "ignored" and "older version" in (stale.last_error or ""), stale


# --- the inbox rules, with payloads shaped as a partner's server sends them ------------------


def place_activity(
    sender: str,
    *,
    verb: str = "Create",
    object_host: str | None = None,
    attributed_to: str | None = None,
    updated: str = "2026-12-01T10:00:00.123Z",
    **fields: Any,
) -> dict[str, Any]:
    actor = f"http://{sender}/actor"
    obj: dict[str, Any] = {
        "id": f"http://{object_host or sender}/guide/{uuid.uuid4()}",
        "type": "Place",
        "attributedTo": attributed_to or actor,
        "name": "Accueil de jour Saint-Martin",
        "content": "<p>Café, douches, <strong>bagagerie</strong>.</p>",
        "url": f"http://{sender}/guide/x",
        "latitude": 48.8715,
        "longitude": 2.3622,
        "address": {
            "type": "PostalAddress",
            "streetAddress": "5 quai de Valmy",
            "postalCode": "75010",
            "addressLocality": "Paris",
        },
        "placeCategories": ["day_centre", "shower"],
        "openingHours": "Mo-Fr 08:30-12:30",
        "placeAudiences": ["unconditional"],
        "phone": "01 42 00 00 00",
        "checkedOn": "2026-11-30",
        "published": "2026-11-30T09:00:00Z",
        "updated": updated,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    }
    obj.update(fields)
    obj = {k: v for k, v in obj.items() if v is not None}
    make = build.update if verb == "Update" else build.create
    return make(id=f"http://{sender}/activities/{uuid.uuid4()}", actor=actor, object=obj)


async def send(app: EntraideApp, to: EntraideApp, activity: dict[str, Any]) -> None:
    async with signing_client(app.node) as client:
        response = await client.post(
            f"{to.node.settings.base_url}/inbox",
            content=json.dumps(activity),
            headers={"Content-Type": "application/activity+json"},
        )
    assert response.status_code == 202, response.text


async def outcome(app: EntraideApp, activity: dict[str, Any]) -> tuple[str, str | None]:
    with app.node.db.activate():
        row = await InboxItem.get(activity_id=activity["id"])
    return row.status.value, row.last_error


async def test_inbox_rules_for_places(node_factory: NodeFactory) -> None:
    nord, sud, ville = await federated_nodes(node_factory, "nord", "sud", "ville")
    apps = (nord, sud, ville)
    _, nord_admin = await member(nord, "Admin Nord", admin=True)
    _, sud_admin = await member(sud, "Admin Sud", admin=True)
    _, ville_admin = await member(ville, "Admin Ville", admin=True)
    await partner(sud, sud_admin, nord, nord_admin, *apps, scopes=("guide", "calls"))
    await partner(ville, ville_admin, nord, nord_admin, *apps, scopes=("public_needs",))
    good = place_activity("sud.test", openingHours="Mo-Fr 08:30-12:30", content="x" * 3000)
    bad_hours = place_activity("sud.test", openingHours="quand on peut", name="Halte")
    by_iri = place_activity("sud.test")
    by_iri["object"] = by_iri["object"]["id"]
    rejected = {
        "not a partner for guide": (ville, place_activity("ville.test")),
        "its own places": (sud, place_activity("sud.test", object_host="ville.test")),
        "its own places ": (
            sud,
            place_activity("sud.test", attributed_to="http://sud.test/members/x"),
        ),
        "latitude and a longitude": (sud, place_activity("sud.test", latitude=None)),
        "far from this node's area": (
            sud,
            place_activity("sud.test", latitude=43.2965, longitude=5.3698),  # Marseille
        ),
        "none of this node's categories": (
            sud,
            place_activity("sud.test", placeCategories=["casino"]),
        ),
        "at most 20 categories": (
            sud,
            place_activity("sud.test", placeCategories=[f"c{i}" for i in range(21)]),
        ),
        "has a name": (sud, place_activity("sud.test", name=" ")),
        "no handler": (sud, by_iri),  # a place given by its IRI alone is not fetched
    }
    await send(sud, nord, good)
    await send(sud, nord, bad_hours)
    for sender, activity in rejected.values():
        await send(sender, nord, activity)
    await settle(*apps)
    assert await outcome(nord, good) == ("done", None)
    for reason, (_, activity) in rejected.items():
        status, error = await outcome(nord, activity)
        assert status == "ignored" and reason.strip() in (error or ""), (reason, error)
    places = {p.name: p for p in await mirrors(nord)}
    assert set(places) == {"Accueil de jour Saint-Martin", "Halte"}
    stored = places["Accueil de jour Saint-Martin"]
    assert stored.remote_owner_name == "Entraide sud" and stored.town == "Paris"
    assert stored.categories == ["day_centre", "shower"] and len(stored.description) == 2000
    assert places["Halte"].opening_hours == ""  # unreadable hours: "hours unknown" here

    # An Update older than the version held is left aside; a newer one is applied.
    iri = good["object"]["id"]
    older = place_activity("sud.test", verb="Update", updated="2026-12-01T10:00:00.122Z")
    older["object"]["id"] = iri
    older["object"]["phone"] = "00"
    newer = place_activity("sud.test", verb="Update", updated="2026-12-01T10:00:00.124Z")
    newer["object"]["id"] = iri
    newer["object"]["phone"] = "01 42 99 99 99"
    await send(sud, nord, older)
    await send(sud, nord, newer)
    await settle(*apps)
    status, error = await outcome(nord, older)
    assert status == "ignored" and "older version" in (error or "")
    with nord.node.db.activate():
        assert (await Place.get(remote_iri=iri)).phone == "01 42 99 99 99"

    # Delete: not from another node; from the owner, as a Tombstone.
    tombstone = objects.tombstone(id=iri, former_type="Place", deleted=clock.now())
    foreign = build.delete(
        id=f"http://ville.test/activities/{uuid.uuid4()}",
        actor="http://ville.test/actor",
        object=tombstone,
    )
    await send(ville, nord, foreign)
    await settle(*apps)
    assert (await outcome(nord, foreign))[0] == "ignored"
    assert len(await mirrors(nord)) == 2
    delete = build.delete(
        id=f"http://sud.test/activities/{uuid.uuid4()}",
        actor="http://sud.test/actor",
        object=tombstone,
    )
    await send(sud, nord, delete)
    await settle(*apps)
    assert await outcome(nord, delete) == ("done", None)
    assert [p.name for p in await mirrors(nord)] == ["Halte"]
