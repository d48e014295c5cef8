"""Members follow an association of a partner node: their node follows its actor once (one
``Follow`` of the instance actor for all of them), the partner accepts, the association's new
calls reach every follower (wherever their area is), and the last one to leave undoes the
``Follow``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote
from uuid import uuid4

from federation import build
from node import clock, iris
from node.http_state import EntraideApp
from node.models import (
    Follower,
    InboxItem,
    InboxStatus,
    Member,
    Notification,
    OutboxActivity,
    RemoteAssociationFollow,
    RemoteFollowState,
)
from node.services.members.accounts import erase_member
from tests.conftest import NodeFactory
from tests.factories import PARIS, call_body, make_association, set_area
from tests.fedtools import federated_nodes, settle
from tests.node.fed.test_call_decisions import _inject
from tests.node.fed_support import call, member, ok, partner


async def _network(node_factory: NodeFactory) -> tuple[EntraideApp, EntraideApp]:
    paris, lyon = apps = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, *apps, scopes=("calls",))
    return paris, lyon


def _path(actor: str) -> str:
    return f"/api/v1/partner-associations/follow?actor={quote(actor, safe='')}"


async def _outbox(app: EntraideApp, kind: str) -> list[OutboxActivity]:
    with app.node.db.activate():
        return await OutboxActivity.filter(type=kind).order_by("id")


async def _told(app: EntraideApp, who: Member, title: str) -> int:
    with app.node.db.activate():
        rows = await Notification.filter(member_id=who.id, kind="call_followed")
        return sum(1 for row in rows if row.payload.get("title") == title)


async def _setup(
    node_factory: NodeFactory,
) -> tuple[EntraideApp, EntraideApp, dict[str, str], dict[str, Any], str]:
    """Paris' association posted one call, which Lyon holds; returns its actor IRI."""
    paris, lyon = await _network(node_factory)
    coordinator, coord_h = await member(paris, "Coord")
    association = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")
    body = call_body("volunteers", association=association, people=5)
    await ok(paris, "POST", "/api/v1/calls", coord_h, json=body)
    await settle(paris, lyon)
    actor = iris.association_actor_iri(paris.node.settings, association.id)
    return paris, lyon, coord_h, body, actor


async def test_two_followers_one_follow_calls_reach_both_one_undo(
    node_factory: NodeFactory,
) -> None:
    paris, lyon, coord_h, body, actor = await _setup(node_factory)
    nadia, nadia_h = await member(lyon, "Nadia")
    await set_area(lyon.test_client(), nadia_h, PARIS)
    leo, leo_h = await member(lyon, "Léo")  # no area at all: following is enough
    near = await ok(lyon, "GET", "/api/v1/calls", nadia_h)
    assert near["items"][0]["association_actor"] == actor

    first = await ok(lyon, "POST", _path(actor), nadia_h)
    assert first == {
        "actor": actor,
        "name": "Chaleur",
        "following": True,
        "state": "pending",
        "followers": 1,
    }
    await ok(lyon, "POST", _path(actor), leo_h)
    again = await ok(lyon, "POST", _path(actor), leo_h)  # twice: nothing more
    assert again["followers"] == 2
    await settle(paris, lyon)

    follows = await _outbox(lyon, "Follow")
    assert len(follows) == 1
    assert follows[0].body["actor"] == iris.instance_actor_iri(lyon.node.settings)
    assert follows[0].body["object"] == actor
    with paris.node.db.activate():
        assert await InboxItem.filter(type="Follow").count() == 1
        rows = await Follower.filter(local_actor_iri=actor).prefetch_related("remote_actor")
        assert [r.remote_actor.ap_id for r in rows] == [iris.instance_actor_iri(lyon.node.settings)]
    state = await ok(lyon, "GET", _path(actor), leo_h)
    assert state["state"] == "accepted" and state["following"] is True

    # A new call of the association reaches both followers, Léo too (outside any area).
    body2 = {**body, "title": "Maraude de jeudi"}
    await ok(paris, "POST", "/api/v1/calls", coord_h, json=body2)
    await settle(paris, lyon)
    assert await _told(lyon, nadia, "Maraude de jeudi") == 1
    assert await _told(lyon, leo, "Maraude de jeudi") == 1

    left = await ok(lyon, "DELETE", _path(actor), nadia_h)
    assert left["following"] is False and left["followers"] == 1
    await settle(paris, lyon)
    assert await _outbox(lyon, "Undo") == []
    gone = await ok(lyon, "DELETE", _path(actor), leo_h)
    assert gone == {**gone, "following": False, "followers": 0, "state": None}
    await ok(lyon, "DELETE", _path(actor), leo_h)  # not following: nothing more
    await settle(paris, lyon)
    undos = await _outbox(lyon, "Undo")
    assert len(undos) == 1
    assert undos[0].body["object"]["id"] == follows[0].body["id"]
    with paris.node.db.activate():
        assert await Follower.filter(local_actor_iri=actor).count() == 0

    # Nobody follows any more: a third call reaches Léo (no area) no more.
    await ok(paris, "POST", "/api/v1/calls", coord_h, json={**body, "title": "Troisième"})
    await settle(paris, lyon)
    assert await _told(lyon, leo, "Troisième") == 0


async def test_follow_refusals(node_factory: NodeFactory) -> None:
    paris, lyon, _, _, actor = await _setup(node_factory)
    _, nadia_h = await member(lyon, "Nadia")

    status, _ = await call(lyon, "POST", _path(actor), None)
    assert status == 401
    # An actor no call here comes from (a local association of Paris unknown to Lyon, any IRI).
    for unknown in (
        f"{paris.node.settings.base_url}/associations/{uuid4()}",
        "https://x.example/a",
    ):
        status, problem = await call(lyon, "POST", _path(unknown), nadia_h)
        assert status == 404, problem
        status, _ = await call(lyon, "DELETE", _path(unknown), nadia_h)
        assert status == 404
    status, _ = await call(lyon, "POST", "/api/v1/partner-associations/follow", nadia_h)
    assert status == 422  # no actor
    # Nobody follows yet: the state is null.
    state = await ok(lyon, "GET", _path(actor), nadia_h)
    assert state["following"] is False and state["state"] is None


async def test_reject_only_from_the_followed_association(node_factory: NodeFactory) -> None:
    paris, lyon, _, _, actor = await _setup(node_factory)
    _, nadia_h = await member(lyon, "Nadia")
    # Only the followed association answers for itself: Paris' instance actor cannot.
    await ok(lyon, "POST", _path(actor), nadia_h)
    with lyon.node.db.activate():
        remote = await RemoteAssociationFollow.get(actor_iri=actor)
    follow = {
        "id": remote.follow_id,
        "type": "Follow",
        "actor": iris.instance_actor_iri(lyon.node.settings),
        "object": actor,
    }
    paris_instance = iris.instance_actor_iri(paris.node.settings)
    stranger = build.reject(
        id=f"{paris.node.settings.base_url}/activities/{uuid4()}",
        actor=paris_instance,
        object=follow,
    )
    item = await _inject(lyon, paris_instance, stranger)
    assert item.status == InboxStatus.IGNORED
    reject = build.reject(
        id=f"{paris.node.settings.base_url}/activities/{uuid4()}", actor=actor, object=follow
    )
    await _inject(lyon, actor, reject)
    with lyon.node.db.activate():
        remote = await RemoteAssociationFollow.get(actor_iri=actor)
    assert remote.state == RemoteFollowState.REJECTED
    state = await ok(lyon, "GET", _path(actor), nadia_h)
    assert state["state"] == "rejected"


async def test_a_repeating_slot_reaches_the_partner_with_its_rule(
    node_factory: NodeFactory,
) -> None:
    paris, lyon = await _network(node_factory)
    coordinator, coord_h = await member(paris, "Coord")
    association = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")
    first = (clock.now() + timedelta(days=1)).replace(hour=18, minute=0, second=0, microsecond=0)
    body = call_body(
        "volunteers",
        association=association,
        starts_at=first.isoformat(),
        ends_at=(first + timedelta(days=20)).isoformat(),
        recurrence="FREQ=WEEKLY;COUNT=3",
    )
    await ok(paris, "POST", "/api/v1/calls", coord_h, json=body)
    await settle(paris, lyon)
    _, nadia_h = await member(lyon, "Nadia")
    await set_area(lyon.test_client(), nadia_h, PARIS)
    mirror = (await ok(lyon, "GET", "/api/v1/calls", nadia_h))["items"][0]
    assert mirror["recurrence"] == "FREQ=WEEKLY;COUNT=3"
    assert datetime.fromisoformat(mirror["starts_at"]) == first
    assert [datetime.fromisoformat(d) for d in mirror["next_dates"]] == [
        first + timedelta(weeks=n) for n in range(3)
    ]


async def test_the_last_follower_deleting_their_account_ends_the_follow(
    node_factory: NodeFactory,
) -> None:
    paris, lyon, _, _, actor = await _setup(node_factory)
    nadia, nadia_h = await member(lyon, "Nadia")
    await ok(lyon, "POST", _path(actor), nadia_h)
    await settle(paris, lyon)
    with lyon.node.db.activate():
        await erase_member(nadia, lyon.node)
        assert await RemoteAssociationFollow.filter(actor_iri=actor).count() == 0
    await settle(paris, lyon)
    assert len(await _outbox(lyon, "Undo")) == 1
    with paris.node.db.activate():
        assert await Follower.filter(local_actor_iri=actor).count() == 0
