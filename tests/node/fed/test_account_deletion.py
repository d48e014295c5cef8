"""Deleting an account reaches the partners (DESIGN §5): a member of Paris whose needs Lyon and
Marseille show, who also answered a need of Marseille, deletes the account through the API.
After the workers' steps, neither node shows anything of theirs: each public action left with a
``Delete{Tombstone}``, the member's ``Person`` left with a ``Delete`` of the actor itself (as
Mastodon sends it), and their answer on Marseille with it."""

from __future__ import annotations

from federation.vocab import PUBLIC
from node import iris
from node.http_state import EntraideApp
from node.models import Delivery, Member, OutboxActivity, Participation, RemoteActor
from tests.conftest import NodeFactory
from tests.factories import PASSWORDS
from tests.fedtools import federated_nodes, settle
from tests.node.fed_support import call, feed, member, need, ok, partner

PASSWORD = "un mot de passe assez long"


async def _with_password(app: EntraideApp, row: Member) -> None:
    with app.node.db.activate():
        await Member.filter(id=row.id).update(password_hash=await PASSWORDS.hash(PASSWORD))


def _titles(items: list[dict[str, object]]) -> set[object]:
    return {item["title"] for item in items}


async def test_a_deleted_account_leaves_every_partner(node_factory: NodeFactory) -> None:
    paris, lyon, marseille = await federated_nodes(node_factory, "paris", "lyon", "marseille")
    apps = (paris, lyon, marseille)
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    _, marseille_admin = await member(marseille, "Admin Marseille", admin=True)
    await partner(lyon, lyon_admin, paris, paris_admin, *apps)
    await partner(marseille, marseille_admin, paris, paris_admin, *apps)

    lea, lea_headers = await member(paris, "Léa")
    await _with_password(paris, lea)
    await ok(paris, "POST", "/api/v1/actions", lea_headers, json=need("Un manteau chaud"))
    await ok(paris, "POST", "/api/v1/actions", lea_headers, json=need("Des chaussures en 43"))
    _, karim = await member(paris, "Karim")
    await ok(paris, "POST", "/api/v1/actions", karim, json=need("Un sac de couchage"))
    _, sara = await member(marseille, "Sara")
    await ok(marseille, "POST", "/api/v1/actions", sara, json=need("Une soupe chaude"))
    await settle(*apps)
    mine = {"Un manteau chaud", "Des chaussures en 43"}
    for app in (lyon, marseille):
        assert mine <= _titles(await feed(app))

    # Léa answers Marseille's need: Marseille now knows her Person actor too.
    soup = next(a for a in await feed(paris) if a["title"] == "Une soupe chaude")
    await ok(paris, "POST", f"/api/v1/actions/{soup['id']}/participations", lea_headers, json={})
    await settle(*apps)
    actor_iri = iris.member_actor_iri(paris.node.settings, lea.id)
    with marseille.node.db.activate():
        assert await Participation.exists(remote_actor_iri=actor_iri)
        assert await RemoteActor.exists(ap_id=actor_iri)

    # A wrong password deletes nothing and sends nothing.
    wrong = {"password": "pas le bon mot de passe"}
    assert (await call(paris, "DELETE", "/api/v1/me", lea_headers, json=wrong))[0] == 403
    with paris.node.db.activate():
        assert not await OutboxActivity.filter(type="Delete").exists()

    status, _ = await call(paris, "DELETE", "/api/v1/me", lea_headers, json={"password": PASSWORD})
    assert status == 204

    # What Paris queued, in the transaction of the deletion.
    with paris.node.db.activate():
        deletes = await OutboxActivity.filter(type="Delete").order_by("id")
        tombstones = [d.body for d in deletes if isinstance(d.body["object"], dict)]
        assert {t["object"]["type"] for t in tombstones} == {"Tombstone"}
        assert len(tombstones) == 2 and all(t["actor"] == actor_iri for t in tombstones)
        (farewell,) = [d for d in deletes if d.body["object"] == actor_iri]
        assert farewell.body["actor"] == actor_iri and PUBLIC in farewell.body["to"]
        hosts = set(await Delivery.filter(activity_id=farewell.id).values_list("host", flat=True))
        assert hosts == {"lyon.test", "marseille.test"}
    await settle(*apps)

    for app in (lyon, marseille):
        titles = _titles(await feed(app))
        assert not mine & titles, app.node.settings.domain
        assert "Un sac de couchage" in titles  # Karim's need stays: only Léa left
        with app.node.db.activate():
            assert not await RemoteActor.exists(ap_id=actor_iri)
    with marseille.node.db.activate():
        assert not await Participation.exists(remote_actor_iri=actor_iri)


async def test_a_member_nobody_elsewhere_knew_leaves_without_a_word(
    node_factory: NodeFactory,
) -> None:
    """No public action, no answer elsewhere: there is no Person actor to delete, nothing is
    sent (a need visible to the node's members only never left it)."""
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(lyon, lyon_admin, paris, paris_admin, paris, lyon)
    nour, headers = await member(paris, "Nour")
    await _with_password(paris, nour)
    await ok(paris, "POST", "/api/v1/actions", headers, json=need(visibility="node"))
    await settle(paris, lyon)
    status, _ = await call(paris, "DELETE", "/api/v1/me", headers, json={"password": PASSWORD})
    assert status == 204
    with paris.node.db.activate():
        assert not await OutboxActivity.filter(type="Delete").exists()
        assert not await Member.exists(id=nour.id)
