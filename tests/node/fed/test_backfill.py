"""A new partnership does not start empty: on acceptance each node sends the other its open
public actions of the last 30 days (public_needs) and its visits still in their window
(outreach), through the delivery queue; nothing older, closed or not public."""

from __future__ import annotations

from datetime import timedelta

import h3

from node import clock
from node.models import Action, Association, AssociationStatus, Visit
from tests.conftest import NodeFactory
from tests.fedtools import federated_nodes, settle
from tests.node.fed_support import PARIS, feed, member, need, ok, partner


async def test_an_accepted_partnership_brings_recent_open_public_actions(
    node_factory: NodeFactory,
) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    _, lea = await member(paris, "Léa")
    recent = await ok(paris, "POST", "/api/v1/actions", lea, json=need("Manteau récent"))
    old = await ok(paris, "POST", "/api/v1/actions", lea, json=need("Manteau ancien"))
    closed = await ok(paris, "POST", "/api/v1/actions", lea, json=need("Manteau donné"))
    await ok(paris, "POST", "/api/v1/actions", lea, json=need("Entre nous", visibility="node"))
    await ok(paris, "PATCH", f"/api/v1/actions/{closed['id']}", lea, json={"status": "closed"})
    with paris.node.db.activate():
        await Action.filter(id=recent["id"]).update(created_at=clock.now() - timedelta(days=29))
        await Action.filter(id=old["id"]).update(created_at=clock.now() - timedelta(days=31))
    _, karim = await member(lyon, "Karim")
    await ok(lyon, "POST", "/api/v1/actions", karim, json=need("Soupe à Lyon"))
    await settle(paris, lyon)
    assert not [a for a in await feed(lyon) if a["origin"]]  # not partners yet

    await partner(paris, paris_admin, lyon, lyon_admin, paris, lyon)

    on_lyon = {a["title"] for a in await feed(lyon) if a["origin"]}
    assert on_lyon == {"Manteau récent"}
    on_paris = {a["title"] for a in await feed(paris) if a["origin"]}
    assert on_paris == {"Soupe à Lyon"}  # both ways: the asking node sends its own too


async def test_an_outreach_partnership_brings_the_visits_of_the_window(
    node_factory: NodeFactory,
) -> None:
    nord, sud = await federated_nodes(node_factory, "nord", "sud")
    _, nord_admin = await member(nord, "Admin Nord", admin=True)
    _, sud_admin = await member(sud, "Admin Sud", admin=True)
    cell = h3.latlng_to_cell(PARIS[0], PARIS[1], 9)
    with nord.node.db.activate():
        team = await Association.create(
            name="Maraude Nord", slug="maraude-nord", status=AssociationStatus.APPROVED
        )
        for days in (1, 8):
            await Visit.create(
                cell=cell,
                visited_at=(clock.now() - timedelta(days=days)).replace(
                    second=0, microsecond=0, minute=0
                ),
                items="meal",
                association=team,
                association_name=team.name,
            )
    await partner(nord, nord_admin, sud, sud_admin, nord, sud, scopes=("outreach",))
    with sud.node.db.activate():
        received = await Visit.filter(origin="nord.test")
    assert len(received) == 1
    assert received[0].visited_at > clock.now() - timedelta(days=2)
    with nord.node.db.activate():
        assert await Action.filter(origin_domain="sud.test").count() == 0
    await settle(nord, sud)
