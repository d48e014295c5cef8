"""Outreach visits across nodes (issue 5, item 4): two association nodes sharing visits under the
``outreach`` scope and nothing more, a third node sharing only public needs, the warning across
nodes, withdrawal, the inbox rules, the visit IRI, and a capture of every body that leaves."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import h3

from federation import build, objects
from node import clock
from node.fed.client import signing_client
from node.http_state import EntraideApp
from node.iris import instance_actor_iri
from node.models import (
    Association,
    Encounter,
    InboxItem,
    InboxStatus,
    Member,
    OutboxActivity,
    Visit,
)
from node.services.federation_policy import block_domain
from node.services.visits import VISIT_TIME_STEP, cell_of, coarse_time
from tests.conftest import NodeFactory
from tests.factories import add_member, make_association
from tests.fedtools import Router, advance, federated_nodes, router_of, settle
from tests.node.fed.test_privacy import Capture
from tests.node.fed_support import call, member, ok, partner

EXACT = (48.8809123, 2.3553457)  # a porch near the Gare du Nord
NEAR = (48.8809301, 2.3553012)  # a few metres away: the same res-9 cell
NOTE = "Monsieur sous le porche, jambe blessée, revenir avec le médecin"
PSEUDONYM = "Jojo-du-canal"
TEAM = "Équipe du mardi soir"


async def coordinator(app: EntraideApp, association: str) -> tuple[Association, dict[str, str]]:
    row, headers = await member(app, f"Coordinatrice {association}")
    assoc = await make_association(app, name=association)
    await add_member(app, row, assoc, "coordinator")
    return assoc, headers


async def started_round(app: EntraideApp, assoc: Association, headers: dict[str, str]) -> str:
    body = {
        "association_id": str(assoc.id),
        "area": "Gare du Nord — canal Saint-Martin",
        "team_name": TEAM,
        "kind": "food",
        "mode": "foot",
        "planned_at": clock.now().isoformat(),
        "team": [],
    }
    planned = await ok(app, "POST", "/api/v1/rounds", headers, json=body)
    await ok(app, "POST", f"/api/v1/rounds/{planned['id']}/start", headers)
    return str(planned["id"])


async def record(
    app: EntraideApp, round_id: str, headers: dict[str, str], point: tuple[float, float]
) -> Any:
    body = {
        "lat": point[0],
        "lon": point[1],
        "items": ["meal", "blanket"],
        "asleep": True,
        "note": NOTE,
        "pseudonym": PSEUDONYM,
        "consent": True,
    }
    return await ok(app, "POST", f"/api/v1/rounds/{round_id}/encounters", headers, json=body)


async def visits(app: EntraideApp, origin: str | None = None) -> list[Visit]:
    with app.node.db.activate():
        return await Visit.filter(origin=origin).order_by("visited_at")


def posts_to(router: Router, host: str) -> int:
    return len([r for r in router.requests if r.url.host == host and r.method == "POST"])


async def test_two_association_nodes_share_visits_and_nothing_more(
    node_factory: NodeFactory,
) -> None:
    nord, sud, ville = await federated_nodes(node_factory, "nord", "sud", "ville")
    apps = (nord, sud, ville)
    router = router_of(nord)
    capture = Capture(router)
    for app in apps:
        app.node.http_transport = capture
    _, nord_admin = await member(nord, "Admin Nord", admin=True)
    _, sud_admin = await member(sud, "Admin Sud", admin=True)
    _, ville_admin = await member(ville, "Admin Ville", admin=True)
    _, sud_row = await partner(nord, nord_admin, sud, sud_admin, *apps, scopes=("outreach",))
    await partner(nord, nord_admin, ville, ville_admin, *apps, scopes=("public_needs",))
    nord_assoc, nord_coord = await coordinator(nord, "Maraude Nord")
    sud_assoc, sud_coord = await coordinator(sud, "Samu Social Sud")
    await coordinator(ville, "Ville Solidaire")
    assert cell_of(*EXACT) == cell_of(*NEAR)

    # Nord records an encounter: its visit waits for the end of its 5-minute window, then goes
    # to Sud only (outreach partner), not to Ville (public needs only).
    nord_round = await started_round(nord, nord_assoc, nord_coord)
    router.requests.clear()
    recorded = await record(nord, nord_round, nord_coord, EXACT)
    assert recorded["warnings"] == []
    await settle(*apps)
    assert await visits(sud, "nord.test") == []  # the window has not ended yet
    assert posts_to(router, "sud.test") == 0
    advance(VISIT_TIME_STEP, *apps)
    await settle(*apps)
    assert posts_to(router, "ville.test") == 0 and posts_to(router, "sud.test") == 1
    with nord.node.db.activate():
        local = await Visit.get(encounter_id=recorded["encounter"]["id"])
        sent = await OutboxActivity.get(object_iri=f"http://nord.test/visits/{local.id}")
        assert not sent.public
    assert sent.body["actor"] == f"http://nord.test/associations/{nord_assoc.id}"
    assert sent.body["to"] == ["http://sud.test/actor"] and "cc" not in sent.body
    assert sent.body["object"] == {
        "id": f"http://nord.test/visits/{local.id}",
        "type": "Visit",
        "attributedTo": f"http://nord.test/associations/{nord_assoc.id}",
        "cell": cell_of(*EXACT),
        "startTime": build.iso(local.visited_at),
        "endTime": build.iso(local.visited_at + VISIT_TIME_STEP),
        "givenItems": ["meal", "blanket"],
        "asleep": True,
        "to": ["http://sud.test/actor"],
    }
    [received] = await visits(sud, "nord.test")
    assert received.remote_id == f"http://nord.test/visits/{local.id}"
    assert (received.cell, received.items, received.asleep) == (
        cell_of(*EXACT),
        "meal,blanket",
        True,
    )
    assert received.visited_at == local.visited_at
    assert (received.association_name, received.team_name) == ("Maraude Nord", "")
    assert await visits(ville) == [] and await visits(ville, "nord.test") == []

    # A volunteer of Sud records in the same cell within the window: warned, naming Nord.
    sud_round = await started_round(sud, sud_assoc, sud_coord)
    answer = await record(sud, sud_round, sud_coord, NEAR)
    [warning] = answer["warnings"]
    assert "by Maraude Nord: meal, blanket given, asleep — do not wake" in warning["message"]
    assert warning["visit"]["origin"] == "nord.test" and warning["minutes_ago"] >= 5
    advance(VISIT_TIME_STEP, *apps)
    await settle(*apps)
    # Nord's coordination view shows both teams' visits; Sud's visit came back as a partner's.
    query = f"/api/v1/visits?lat={EXACT[0]}&lon={EXACT[1]}&radius_m=500"
    view = (await ok(nord, "GET", query, nord_coord))["items"]
    assert [(v["association"], v["origin"]) for v in view] == [
        ("Samu Social Sud", "sud.test"),
        ("Maraude Nord", None),
    ]
    assert await visits(ville, "sud.test") == []

    # The visit IRI: served to a partner with outreach (signed), 404 to another signer,
    # 401 unsigned; a partner's visit stored here is not served again.
    iri = f"http://nord.test/visits/{local.id}"
    headers = {"Accept": "application/activity+json"}
    async with signing_client(sud.node) as client:
        fetched = await client.get(iri, headers=headers)
    assert fetched.status_code == 200
    assert fetched.json()["cell"] == cell_of(*EXACT) and "@context" in fetched.json()
    async with signing_client(ville.node) as client:
        assert (await client.get(iri, headers=headers)).status_code == 404
    status, _ = await call(nord, "GET", f"/visits/{local.id}", headers)
    assert status == 401
    [sud_visit] = await visits(nord, "sud.test")
    async with signing_client(sud.node) as client:
        assert (await client.get(f"http://nord.test/visits/{sud_visit.id}")).status_code == 404

    # Nothing private left any node: note, pseudonym, exact place, team, members.
    secrets = {NOTE, PSEUDONYM, TEAM, "jambe", "Coordinatrice"}
    for app in apps:
        with app.node.db.activate():
            for m in await Member.all():
                secrets |= {str(m.id), f"/members/{m.id}", m.phone or "", m.email or ""}
                if m.phone:
                    secrets.add(m.phone.removeprefix("+33"))
            secrets |= {str(e.id) for e in await Encounter.all()}
    secrets.discard("")
    exact = [v for point in (EXACT, NEAR) for v in point]
    renderings = {
        text
        for value in exact
        for text in (repr(value), f"{value:.6f}", f"{value:.5f}", f"{value:.4f}", str(value))
    }
    everything = "\n".join(text for _, text in capture.bodies)
    assert cell_of(*EXACT) in everything and "asleep" in everything  # visits did travel
    for where, text in capture.bodies:
        for secret in secrets | renderings:
            assert secret not in text, f"{secret!r} leaked in {where}"
        if '"Visit"' in text:
            body = json.loads(text)
            obj = body.get("object", body)
            assert set(obj) <= {
                "id",
                "type",
                "attributedTo",
                "cell",
                "startTime",
                "endTime",
                "givenItems",
                "asleep",
                "to",
                "@context",
            }, where

    # Sud ends the partnership: each side forgets the other's visits, nothing more travels.
    await ok(sud, "DELETE", f"/api/v1/admin/partnerships/{sud_row['id']}", sud_admin)
    await settle(*apps)
    assert await visits(sud, "nord.test") == [] and await visits(nord, "sud.test") == []
    assert len(await visits(nord)) == 1 and len(await visits(sud)) == 1  # own visits stay
    router.requests.clear()
    await record(nord, nord_round, nord_coord, EXACT)
    advance(VISIT_TIME_STEP, *apps)
    await settle(*apps)
    assert posts_to(router, "sud.test") == 0 and posts_to(router, "ville.test") == 0
    assert await visits(sud, "nord.test") == []


def visit_activity(
    sender: str,
    *,
    cell: str | None = None,
    start: Any = None,
    end: Any = None,
    items: list[str] | None = None,
    object_host: str | None = None,
    attributed_to: str | None = None,
) -> dict[str, Any]:
    start = start or coarse_time(clock.now())
    actor = f"http://{sender}/actor"
    obj = objects.visit(
        id=f"http://{object_host or sender}/visits/{uuid.uuid4()}",
        attributed_to=attributed_to or actor,
        cell=cell or cell_of(*EXACT),
        start_time=start,
        end_time=end or start + VISIT_TIME_STEP,
        given_items=["meal"] if items is None else items,
        asleep=True,
        to=["http://nord.test/actor"],
    )
    return build.create(id=f"http://{sender}/activities/{uuid.uuid4()}", actor=actor, object=obj)


async def send(app: EntraideApp, activity: dict[str, Any]) -> None:
    async with signing_client(app.node) as client:
        response = await client.post(
            "http://nord.test/inbox",
            content=json.dumps(activity),
            headers={"Content-Type": "application/activity+json"},
        )
    assert response.status_code == 202, response.text


async def outcome(app: EntraideApp, activity: dict[str, Any]) -> tuple[str, str | None]:
    with app.node.db.activate():
        row = await InboxItem.get(activity_id=activity["id"])
    return row.status.value, row.last_error


async def test_inbox_rules_for_visits(node_factory: NodeFactory) -> None:
    nord, sud, ville = await federated_nodes(node_factory, "nord", "sud", "ville")
    apps = (nord, sud, ville)
    _, nord_admin = await member(nord, "Admin Nord", admin=True)
    _, sud_admin = await member(sud, "Admin Sud", admin=True)
    _, ville_admin = await member(ville, "Admin Ville", admin=True)
    await partner(sud, sud_admin, nord, nord_admin, *apps, scopes=("outreach", "calls"))
    await partner(ville, ville_admin, nord, nord_admin, *apps, scopes=("public_needs",))
    now = clock.now()
    good = visit_activity("sud.test", items=["meal", "soupe", "blanket"])
    non_partner = visit_activity("ville.test")
    res8 = str(h3.latlng_to_cell(*EXACT, 8))
    rejected = {
        "not a partner for outreach": (ville, non_partner),
        "valid H3 cell": (sud, visit_activity("sud.test", cell=res8)),
        "valid H3 cell ": (sud, visit_activity("sud.test", cell="not-a-cell")),
        "in the future": (sud, visit_activity("sud.test", start=now + timedelta(minutes=30))),
        "older than 7 days": (sud, visit_activity("sud.test", start=now - timedelta(days=8))),
        "time window": (
            sud,
            visit_activity(
                "sud.test", start=now - timedelta(hours=1), end=now - timedelta(hours=2)
            ),
        ),
        "sender's domain": (sud, visit_activity("sud.test", object_host="ville.test")),
        "owner": (sud, visit_activity("sud.test", attributed_to="http://sud.test/members/x")),
    }
    await send(sud, good)
    for sender, activity in rejected.values():
        await send(sender, activity)
    await settle(*apps)
    assert await outcome(nord, good) == ("done", None)
    for reason, (_, activity) in rejected.items():
        status, error = await outcome(nord, activity)
        assert status == "ignored" and reason.strip() in (error or ""), (reason, error)
    [stored] = await visits(nord, "sud.test")
    assert stored.remote_id == good["object"]["id"]
    assert (stored.items, stored.association_name) == ("meal,blanket", "Entraide sud")
    assert await visits(nord, "ville.test") == []
    # Received twice (a retry with a new activity id): still one visit.
    await send(sud, {**good, "id": f"http://sud.test/activities/{uuid.uuid4()}"})
    await settle(*apps)
    assert len(await visits(nord, "sud.test")) == 1

    # Delete: not from another node; from the owner, as a Tombstone or as the Visit.
    tombstone = objects.tombstone(id=good["object"]["id"], former_type="ent:Visit", deleted=now)
    foreign = build.delete(
        id=f"http://ville.test/activities/{uuid.uuid4()}",
        actor=instance_actor_iri(ville.node.settings),
        object=tombstone,
    )
    await send(ville, foreign)
    await settle(*apps)
    assert (await outcome(nord, foreign))[0] == "ignored"
    assert len(await visits(nord, "sud.test")) == 1
    delete = build.delete(
        id=f"http://sud.test/activities/{uuid.uuid4()}",
        actor="http://sud.test/actor",
        object=tombstone,
    )
    await send(sud, delete)
    await settle(*apps)
    assert await outcome(nord, delete) == ("done", None)
    assert await visits(nord, "sud.test") == []
    again = visit_activity("sud.test")
    await send(sud, again)
    await settle(*apps)
    assert len(await visits(nord, "sud.test")) == 1
    delete_visit = build.delete(
        id=f"http://sud.test/activities/{uuid.uuid4()}",
        actor="http://sud.test/actor",
        object=again["object"],
    )
    await send(sud, delete_visit)
    await settle(*apps)
    assert await outcome(nord, delete_visit) == ("done", None)
    assert await visits(nord, "sud.test") == []

    # A block of the partner's domain removes its visits too.
    await send(sud, visit_activity("sud.test"))
    await settle(*apps)
    assert len(await visits(nord, "sud.test")) == 1
    with nord.node.db.activate():
        await block_domain("sud.test", node=nord.node)
    assert await visits(nord, "sud.test") == []
    with nord.node.db.activate():
        assert (await InboxItem.filter(status=InboxStatus.FAILED).count()) == 0
