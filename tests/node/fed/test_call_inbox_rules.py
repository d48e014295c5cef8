"""What Lyon's inbox does with calls that other nodes send, shaped as they would send them
(signed ``Create``/``Update`` of a ``["Call", "Note"]``): only from partners with the ``calls``
scope, only for the sender's own associations, only with an area inside Lyon's area; every
refusal leaves the row ``ignored`` with its reason and nothing reaches Lyon's members."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import h3

from federation import build
from federation.vocab import PUBLIC
from node import clock, iris
from node.fed.client import signing_client
from node.http_state import EntraideApp
from node.models import Call, CallItem, InboxItem, Notification
from tests.conftest import NodeFactory
from tests.factories import PARIS, make_association, set_area
from tests.fedtools import federated_nodes, settle
from tests.node.fed_support import member, partner

LYON_CENTRE = (45.76, 4.83)  # 390 km from the node's area around Paris


def _cells(point: tuple[float, float]) -> list[str]:
    return sorted(h3.grid_disk(h3.latlng_to_cell(point[0], point[1], 8), 1))


def call_create(
    actor: str,
    *,
    verb: str = "Create",
    iri: str | None = None,
    attributed_to: str | None = None,
    cells: list[str] | None = None,
    title: str = "Duvets pour la nuit",
    remaining: int = 20,
) -> dict[str, Any]:
    """The activity a node sends for one of its association's donations call."""
    host = actor.split("/")[2]
    iri = iri or f"http://{host}/calls/{uuid.uuid4()}"
    obj = {
        "id": iri,
        "type": ["Call", "Note"],
        "attributedTo": attributed_to or actor,
        "name": title,
        "content": f"<p>{title}</p>",
        "url": iri,
        "published": build.iso(clock.now()),
        "updated": build.iso(clock.now(), milliseconds=True),
        "endTime": build.iso(clock.now() + timedelta(days=3)),
        "callKind": "donations",
        "callStatus": "open",
        "audienceResolution": 8,
        "audienceCells": cells or _cells(PARIS),
        "callItems": [
            {
                "id": f"{iri}#item-1",
                "type": "CallItem",
                "name": "Duvets",
                "wanted": 20,
                "remaining": remaining,
            }
        ],
        "to": [PUBLIC],
    }
    make = build.update if verb == "Update" else build.create
    return build.with_context(
        make(id=f"http://{host}/activities/{uuid.uuid4()}", actor=actor, object=obj)
    )


async def send(app: EntraideApp, actor: str, to: EntraideApp, activity: dict[str, Any]) -> None:
    """POST ``activity`` to ``to``'s inbox, signed as ``actor`` by ``app``'s key."""
    async with signing_client(app.node, actor_iri=actor) as client:
        response = await client.post(
            f"{to.node.settings.base_url}/inbox",
            content=json.dumps(activity),
            headers={"Content-Type": "application/activity+json"},
        )
    assert response.status_code == 202, response.text


async def outcome(app: EntraideApp, activity: dict[str, Any]) -> tuple[str, str]:
    with app.node.db.activate():
        row = await InboxItem.get(activity_id=activity["id"])
    return row.status.value, row.last_error or ""


async def test_only_calls_partners_own_associations_and_this_nodes_area(
    node_factory: NodeFactory,
) -> None:
    paris, lyon, nice = await federated_nodes(node_factory, "paris", "lyon", "nice")
    apps = (paris, lyon, nice)
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    _, nice_admin = await member(nice, "Admin Nice", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, *apps, scopes=("calls",))
    await partner(nice, nice_admin, lyon, lyon_admin, *apps, scopes=("public_needs", "guide"))
    coordinator, _ = await member(paris, "Coord")
    chaleur = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")
    soupe = await make_association(paris, {coordinator: "coordinator"}, name="Soupe")
    nissa = await make_association(nice, {(await member(nice, "Coord Nice"))[0]: "admin"})
    chaleur_iri = iris.association_actor_iri(paris.node.settings, chaleur.id)
    soupe_iri = iris.association_actor_iri(paris.node.settings, soupe.id)
    nissa_iri = iris.association_actor_iri(nice.node.settings, nissa.id)
    resident, resident_h = await member(lyon, "Nadia")
    await set_area(lyon.test_client(), resident_h, PARIS)

    good = call_create(chaleur_iri)
    refused = {
        # Nice is a partner, but not for calls.
        "not a partner for calls": (nice, nissa_iri, call_create(nissa_iri)),
        # Chaleur relays a call of another association of its node.
        "own associations' calls": (
            paris,
            chaleur_iri,
            call_create(chaleur_iri, attributed_to=soupe_iri, title="Soupe"),
        ),
        # A call whose id lives on another node (Nice's), sent by a Paris association.
        "own associations' calls ": (
            paris,
            chaleur_iri,
            call_create(chaleur_iri, iri=f"http://nice.test/calls/{uuid.uuid4()}"),
        ),
        # An area around Lyon's city: outside this node's area (around Paris).
        "inside the node's area": (
            paris,
            chaleur_iri,
            call_create(chaleur_iri, cells=_cells(LYON_CENTRE)),
        ),
        # Cells of two resolutions, and a cell that is not H3.
        "resolution 5, 7 or 8": (
            paris,
            chaleur_iri,
            call_create(chaleur_iri, cells=[*_cells(PARIS)[:2], h3.latlng_to_cell(*PARIS, 7)]),
        ),
        "not a valid H3 cell": (paris, chaleur_iri, call_create(chaleur_iri, cells=["zz"])),
    }
    await send(paris, chaleur_iri, lyon, good)
    for sender, actor, activity in refused.values():
        await send(sender, actor, lyon, activity)
    await settle(*apps)

    assert await outcome(lyon, good) == ("done", "")
    for reason, (_, _, activity) in refused.items():
        status, error = await outcome(lyon, activity)
        assert status == "ignored" and reason.strip() in error, (reason, error)
    with lyon.node.db.activate():
        stored = await Call.all()
        assert [c.remote_iri for c in stored] == [good["object"]["id"]]
        told = await Notification.filter(member_id=resident.id).values_list("kind", flat=True)
    assert told == ["call_nearby"]  # the good call only

    # Another association of the same node may not change Chaleur's call (nor its quantities).
    takeover = call_create(soupe_iri, verb="Update", iri=good["object"]["id"], remaining=0)
    await send(paris, soupe_iri, lyon, takeover)
    await settle(*apps)
    status, error = await outcome(lyon, takeover)
    assert status == "ignored" and "association that posted" in error, error
    with lyon.node.db.activate():
        item = await CallItem.get(call__remote_iri=good["object"]["id"])
        assert (item.remaining, stored[0].remote_association_iri) == (20, chaleur_iri)


async def test_control_characters_of_a_partners_call_are_dropped(
    node_factory: NodeFactory,
) -> None:
    """A partner's words reach Lyon's members as text: control characters (a bell, an escape
    that would drive a terminal, one written as ``&#1;``) are dropped from the title, the
    ``source`` the association wrote and the HTML ``content``; line breaks are kept."""
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, paris, lyon, scopes=("calls",))
    coordinator, _ = await member(paris, "Coord")
    chaleur = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")
    chaleur_iri = iris.association_actor_iri(paris.node.settings, chaleur.id)
    written = call_create(chaleur_iri, title="Duvets pour la nuit\x07")
    written["object"]["source"] = {
        "content": "Déposez au local\x1b[2J,\r\nmerci !",
        "mediaType": "text/plain",
    }
    html_only = call_create(chaleur_iri, title="Chaussures")
    html_only["object"]["content"] = "<p>Au local&#1; \x1b[2Jmerci</p>"
    for activity in (written, html_only):
        await send(paris, chaleur_iri, lyon, activity)
    await settle(paris, lyon)

    with lyon.node.db.activate():
        first = await Call.get(remote_iri=written["object"]["id"])
        second = await Call.get(remote_iri=html_only["object"]["id"])
    assert (first.title, first.body) == ("Duvets pour la nuit", "Déposez au local[2J,\nmerci !")
    assert second.body == "Au local [2Jmerci"
