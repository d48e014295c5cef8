"""Accounts of other servers that change or leave, through the real inbox with real signatures:
``Delete`` of an actor by itself shaped as Mastodon and GoToSocial send it (the actor and all its
content leave, nothing more is delivered to it), and ``Update`` of an actor (its name and key
replaced at once). Only the actor itself is heard."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from federation import build, objects
from federation.keys import generate_rsa_key
from federation.testing import FakeActor, FakeFediverse
from federation.vocab import PUBLIC, ActionCategory, ActionKind
from node import clock
from node.http_state import EntraideApp
from node.models import (
    Action,
    Delivery,
    DeliveryStatus,
    Follower,
    InboxItem,
    InboxStatus,
    Message,
    Participation,
    ParticipationStatus,
    RemoteActor,
)
from tests.conftest import NodeFactory
from tests.factories import need_body
from tests.fedtools import accepted_partner, deliver, facing_fediverse, signed_post
from tests.node.fed_support import member, ok

INSTANCE = "http://node.test/actor"


@pytest.fixture
async def node(node_factory: NodeFactory) -> EntraideApp:
    return await node_factory("node", base_url="http://node.test", federation_allow_private=True)


@pytest.fixture
def fedi(node: EntraideApp) -> FakeFediverse:
    return facing_fediverse(node)


def mastodon_delete(actor: FakeActor) -> dict[str, Any]:
    """As ``ActivityPub::DeleteActorSerializer`` writes it, with its Linked Data signature."""
    return {
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": f"{actor.id}#delete",
        "type": "Delete",
        "actor": actor.id,
        "to": [PUBLIC],
        "object": actor.id,
        "signature": {
            "type": "RsaSignature2017",
            "creator": actor.key_id,
            "created": "2026-12-02T10:00:00Z",
            "signatureValue": "c2lnbmVk",
        },
    }


def gotosocial_delete(actor: FakeActor) -> dict[str, Any]:
    """As GoToSocial's ``federate.DeleteAccount`` sends it: to the followers, cc public."""
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{actor.id}/outbox/01JDELETE0000000000000000",
        "type": "Delete",
        "actor": actor.id,
        "object": actor.id,
        "to": [f"{actor.id}/followers"],
        "cc": [PUBLIC],
    }


async def test_a_mastodon_account_deleted_stops_following_and_gets_nothing_more(
    node: EntraideApp, fedi: FakeFediverse
) -> None:
    bob = fedi.add_actor("mastodon.test", "bob")
    alice = fedi.add_actor("mastodon.test", "alice")
    for actor in (bob, alice):
        follow = build.follow(id=actor.new_id(), actor=actor.id, object=INSTANCE)
        assert (await deliver(node, fedi, actor, follow)).startswith("done")
    with node.node.db.activate():
        assert await Follower.all().count() == 2
        # The Accepts are still queued (the worker did not send yet): one each, shared inbox.
        queued = await Delivery.filter(status=DeliveryStatus.QUEUED).select_related("activity")
        assert sorted(d.activity.body["to"][0] for d in queued) == sorted([alice.id, bob.id])

    assert (await deliver(node, fedi, bob, mastodon_delete(bob))).startswith("done")
    with node.node.db.activate():
        assert not await RemoteActor.exists(ap_id=bob.id)
        assert [f.remote_actor_id for f in await Follower.all()] == [  # type: ignore[attr-defined]
            (await RemoteActor.get(ap_id=alice.id)).id
        ]
        rows = await Delivery.all().select_related("activity")
        by_recipient = {d.activity.body["to"][0]: d for d in rows}
        assert by_recipient[bob.id].status == DeliveryStatus.ABANDONED
        assert by_recipient[alice.id].status == DeliveryStatus.QUEUED  # the same shared inbox
    # The worker then sends alice's Accept only.
    from node.worker.federation import run_once

    with node.node.db.activate():
        await run_once(node.node)
    assert [a["object"]["actor"] for a in fedi.deliveries_to(bob.shared_inbox)] == [alice.id]


async def test_a_gotosocial_account_deleted_takes_its_content_and_frees_its_place(
    node: EntraideApp, fedi: FakeFediverse
) -> None:
    carol = fedi.add_actor("gts.test", "carol", software="gotosocial")
    dan = fedi.add_actor("gts.test", "dan", software="gotosocial")
    await accepted_partner(node, "gts.test", actor_iri="https://gts.test/users/gts.test")
    _, author = await member(node, "Léa")
    start = clock.now() + timedelta(days=2)
    outing = need_body(
        "Maraude du jeudi",
        kind="outing",
        category="social",
        starts_at=start.isoformat(),
        ends_at=(start + timedelta(hours=3)).isoformat(),
        place_name="Gare de Lyon",
        capacity=1,
        auto_accept=True,
    )
    posted = await ok(node, "POST", "/api/v1/actions", author, json=outing)
    action_iri = f"http://node.test/actions/{posted['id']}"

    # Carol takes the only place, writes in the chat, and publishes a need of her own.
    join = build.join(id=carol.new_id(), actor=carol.id, object=action_iri)
    assert (await deliver(node, fedi, carol, join)).startswith("done")
    note = objects.note(
        id=f"{carol.id}/statuses/1",
        attributed_to=carol.id,
        content="<p>J'arrive à 20 h</p>",
        to=[INSTANCE],
        in_reply_to=action_iri,
    )
    create = build.create(id=carol.new_id(), actor=carol.id, object=note)
    assert (await deliver(node, fedi, carol, create)).startswith("done")
    proposal = objects.proposal(
        id=f"{carol.id}/needs/1",
        attributed_to=carol.id,
        kind=ActionKind.NEED,
        name="Un duvet",
        content="Pour cette nuit",
        category=ActionCategory.CLOTHING,
        location=objects.place(latitude=48.85, longitude=2.35),
    )
    create = build.create(id=carol.new_id(), actor=carol.id, object=proposal)
    assert (await deliver(node, fedi, carol, create)).startswith("done")
    with node.node.db.activate():
        assert await Participation.filter(remote_actor_iri=carol.id).count() == 1
        assert await Message.filter(remote_actor_iri=carol.id).count() == 1
        assert await Action.filter(remote_actor_iri=carol.id).count() == 1
    # Dan cannot join: the outing is full.
    dan_join = build.join(id=dan.new_id(), actor=dan.id, object=action_iri)
    assert (await deliver(node, fedi, dan, dan_join)).startswith("done")
    with node.node.db.activate():
        dan_row = await Participation.get(remote_actor_iri=dan.id)
        assert dan_row.status == ParticipationStatus.DECLINED

    # Another account of her server cannot delete her; she can.
    assert "only an actor itself" in await deliver(
        node, fedi, dan, gotosocial_delete_of(dan, carol)
    )
    assert (await deliver(node, fedi, carol, gotosocial_delete(carol))).startswith("done")
    with node.node.db.activate():
        assert not await RemoteActor.exists(ap_id=carol.id)
        assert not await Participation.exists(remote_actor_iri=carol.id)
        assert not await Message.exists(remote_actor_iri=carol.id)
        assert not await Action.exists(remote_actor_iri=carol.id)
        assert await Action.exists(id=posted["id"])  # our outing stays
        # Every Accept/Reject to carol still waiting is dropped; dan's Reject still goes.
        for row in await Delivery.all().select_related("activity"):
            to = row.activity.body.get("to")
            expected = DeliveryStatus.ABANDONED if to == [carol.id] else DeliveryStatus.QUEUED
            assert row.status == expected, (to, row.status)
    # Her place is free again: dan joins.
    again = build.join(id=dan.new_id(), actor=dan.id, object=action_iri)
    assert (await deliver(node, fedi, dan, again)).startswith("done")
    with node.node.db.activate():
        assert (await Participation.get(remote_actor_iri=dan.id)).status == "accepted"


def gotosocial_delete_of(sender: FakeActor, victim: FakeActor) -> dict[str, Any]:
    forged = gotosocial_delete(victim)
    forged["id"] = f"{sender.id}/outbox/01JFORGED"
    forged["actor"] = sender.id
    return forged


async def test_the_farewell_of_an_account_never_seen_here_is_accepted_and_dropped(
    node: EntraideApp, fedi: FakeFediverse
) -> None:
    gone = fedi.add_actor("mastodon.test", "gone")
    del fedi.actors[gone.id]  # deleted: its actor document and key answer 404 now
    response = await signed_post(fedi, mastodon_delete(gone), actor=gone)
    assert response.status_code == 202
    # Anything else whose key cannot be fetched is still refused, with the reason.
    follow = build.follow(id=gone.new_id(), actor=gone.id, object=INSTANCE)
    response = await signed_post(fedi, follow, actor=gone)
    assert response.status_code == 401
    assert response.json()["reason"] == "key_unavailable"
    with node.node.db.activate():
        assert await InboxItem.all().count() == 0


def mastodon_update(actor: FakeActor, **changes: Any) -> dict[str, Any]:
    """As ``ActivityPub::UpdateSerializer`` sends a changed profile: the whole actor embedded."""
    document = actor.document()
    document.pop("@context", None)
    document.update(changes)
    return {
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": f"{actor.id}#updates/{len(str(changes))}",
        "type": "Update",
        "actor": actor.id,
        "to": [PUBLIC],
        "object": document,
    }


async def test_an_update_of_the_actor_replaces_its_name_and_key_at_once(
    node: EntraideApp, fedi: FakeFediverse
) -> None:
    bob = fedi.add_actor("mastodon.test", "bob")
    follow = build.follow(id=bob.new_id(), actor=bob.id, object=INSTANCE)
    assert (await deliver(node, fedi, bob, follow)).startswith("done")
    update = mastodon_update(bob, name="Bob (il/lui)")
    assert (await deliver(node, fedi, bob, update)).startswith("done")
    with node.node.db.activate():
        assert (await RemoteActor.get(ap_id=bob.id)).name == "Bob (il/lui)"

    # Key rotation: the Update (signed with the old key) carries the new one; the next request,
    # signed with the new key, is verified from the cache without fetching anything.
    old_key = bob.key
    bob.key = generate_rsa_key()
    rotated = mastodon_update(bob)
    new_key, bob.key = bob.key, old_key
    assert (await deliver(node, fedi, bob, rotated)).startswith("done")
    bob.key = new_key
    del fedi.actors[bob.id]  # nothing to fetch: the cached key must do
    like = build.activity("Like", id=bob.new_id(), actor=bob.id, object=INSTANCE)
    response = await signed_post(fedi, like, actor=bob)
    assert response.status_code == 202, response.text


async def test_an_update_of_another_actor_is_ignored(
    node: EntraideApp, fedi: FakeFediverse
) -> None:
    bob = fedi.add_actor("mastodon.test", "bob")
    eve = fedi.add_actor("mastodon.test", "eve")
    for actor in (bob, eve):
        follow = build.follow(id=actor.new_id(), actor=actor.id, object=INSTANCE)
        assert (await deliver(node, fedi, actor, follow)).startswith("done")
    forged = mastodon_update(bob, name="Pirate")
    forged["actor"] = eve.id
    forged["id"] = f"{eve.id}#updates/1"
    assert "only update itself" in await deliver(node, fedi, eve, forged)
    # Nor may an actor rename itself with a document of another origin.
    moved = mastodon_update(eve, id="https://elsewhere.test/users/eve")
    assert (await deliver(node, fedi, eve, moved)).startswith("ignored")
    with node.node.db.activate():
        assert (await RemoteActor.get(ap_id=bob.id)).name == "Bob"
        assert not await RemoteActor.exists(ap_id="https://elsewhere.test/users/eve")
        assert await InboxItem.filter(status=InboxStatus.FAILED).count() == 0


async def test_move_is_not_followed(node: EntraideApp, fedi: FakeFediverse) -> None:
    bob = fedi.add_actor("mastodon.test", "bob")
    follow = build.follow(id=bob.new_id(), actor=bob.id, object=INSTANCE)
    assert (await deliver(node, fedi, bob, follow)).startswith("done")
    new = fedi.add_actor("other.test", "bob")
    move = build.activity("Move", id=bob.new_id(), actor=bob.id, object=bob.id, target=new.id)
    assert (await deliver(node, fedi, bob, move)).startswith("ignored: no handler")
    with node.node.db.activate():
        assert await Follower.filter(remote_actor__ap_id=bob.id).exists()
