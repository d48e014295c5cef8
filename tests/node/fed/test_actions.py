"""Public actions across nodes: a need created/updated/closed/deleted on Paris seen on Lyon and
on the association node (PFP); what is not public does not travel; inbound checks (partners
only, owner-only updates and deletes); a fediverse follower gets a readable post."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from tortoise.transactions import in_transaction

from federation import build, objects
from federation.vocab import ActionCategory, ActionKind
from node import clock, iris
from node.fed.outbox import publish
from node.fed.remote import get_remote_actor
from node.http_state import EntraideApp
from node.models import Action, InboxItem
from tests.conftest import NodeFactory
from tests.factories import need_body
from tests.fedtools import federated_nodes, mastodon_follower, settle
from tests.node.fed_support import call, feed, member, ok, partner


async def _three(node_factory: NodeFactory) -> tuple[EntraideApp, ...]:
    paris, lyon, pfp = await federated_nodes(node_factory, "paris", "lyon", "pfp")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    _, pfp_admin = await member(pfp, "Admin PFP", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, paris, lyon, pfp)
    await partner(pfp, pfp_admin, paris, paris_admin, paris, lyon, pfp)
    return paris, lyon, pfp


def _remote(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {a["title"]: a for a in items if a["origin"]}


async def test_need_lifecycle_seen_on_partners(node_factory: NodeFactory) -> None:
    paris, lyon, pfp = await _three(node_factory)
    apps = (paris, lyon, pfp)
    author, headers = await member(paris, "Léa")
    posted = await ok(paris, "POST", "/api/v1/actions", headers, json=need_body())
    await ok(
        paris,
        "POST",
        "/api/v1/actions",
        headers,
        json=need_body("Réservé au nœud", visibility="node"),
    )
    start = clock.now() + timedelta(days=2)
    outing = need_body(
        "Maraude du jeudi",
        kind="outing",
        category="social",
        starts_at=start.isoformat(),
        ends_at=(start + timedelta(hours=3)).isoformat(),
        place_name="Gare de Lyon",
        capacity=5,
    )
    await ok(paris, "POST", "/api/v1/actions", headers, json=outing)
    await settle(*apps)
    iri = f"http://paris.test/actions/{posted['id']}"
    for app in (lyon, pfp):
        seen = _remote(await feed(app))
        assert set(seen) == {"Un manteau chaud pour l'hiver", "Maraude du jeudi"}
        remote = seen["Un manteau chaud pour l'hiver"]
        assert remote["origin"] == {"domain": "paris.test", "url": iri}
        assert remote["author"] == {"id": None, "pseudonym": "Léa"}
        assert remote["description"] == "Taille L, pour Karim.\nMerci !"
        assert remote["kind"] == "need" and remote["category"] == "clothes"
        assert abs(remote["lat"] - posted["lat"]) < 1e-3 and remote["exact_lat"] is None
        event = seen["Maraude du jeudi"]
        assert event["kind"] == "outing" and event["place_name"] == "Gare de Lyon"
        assert event["starts_at"] is not None
    with lyon.node.db.activate():
        row = await Action.get(ap_id=iri)
        assert row.author_id is None and row.origin_domain == "paris.test"  # type: ignore[attr-defined]
        assert row.lat == row.public_lat  # no exact point exists for a remote action
        remote_id = str(row.id)

    # Viewing works, editing a remote action locally does not.
    _, lyon_member = await member(lyon, "Nadia")
    _, lyon_admin = await member(lyon, "Admin 2", admin=True)
    detail = await ok(lyon, "GET", f"/api/v1/actions/{remote_id}", lyon_member)
    assert detail["origin"]["domain"] == "paris.test" and detail["is_mine"] is False
    patch = {"title": "Piraté"}
    assert (await call(lyon, "PATCH", f"/api/v1/actions/{remote_id}", lyon_admin, json=patch))[
        0
    ] == 403
    assert (await call(lyon, "DELETE", f"/api/v1/actions/{remote_id}", lyon_member))[0] == 403

    # Updated, then closed, on Paris.
    await ok(
        paris,
        "PATCH",
        f"/api/v1/actions/{posted['id']}",
        headers,
        json={"title": "Un manteau, taille L"},
    )
    await settle(*apps)
    for app in (lyon, pfp):
        assert "Un manteau, taille L" in _remote(await feed(app))
    await ok(paris, "PATCH", f"/api/v1/actions/{posted['id']}", headers, json={"status": "closed"})
    await settle(*apps)
    for app in (lyon, pfp):
        assert "Un manteau, taille L" not in _remote(await feed(app))
    closed = await ok(lyon, "GET", f"/api/v1/actions/{remote_id}", lyon_member)
    assert closed["status"] == "closed"

    # Deleted on Paris: gone everywhere.
    await ok(paris, "DELETE", f"/api/v1/actions/{posted['id']}", headers)
    await settle(*apps)
    assert (await call(lyon, "GET", f"/api/v1/actions/{remote_id}", lyon_member))[0] == 404
    with pfp.node.db.activate():
        assert not await Action.filter(ap_id=iri).exists()
    assert author.id is not None


async def test_inbound_checks(node_factory: NodeFactory) -> None:
    """Partners only; only the owner updates or deletes; the object lives on the sender."""
    paris, lyon, pfp = await federated_nodes(node_factory, "paris", "lyon", "pfp")
    apps = (paris, lyon, pfp)
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, *apps)
    _, headers = await member(paris, "Léa")
    posted = await ok(paris, "POST", "/api/v1/actions", headers, json=need_body())
    await settle(*apps)
    iri = f"http://paris.test/actions/{posted['id']}"

    async def send(
        app: EntraideApp, activity: dict[str, Any], to: str = "http://lyon.test/actor"
    ) -> str:
        with app.node.db.activate():
            target = await get_remote_actor(app.node, to)
            async with in_transaction():
                await publish(app.node, activity, to=[target])
        await settle(*apps)
        with lyon.node.db.activate():
            item = await InboxItem.get(activity_id=activity["id"])
            return f"{item.status.value}: {item.last_error}"

    paris_actor = iris.instance_actor_iri(paris.node.settings)
    # The instance actor is not the owner (the author's actor is): Delete ignored.
    tomb = objects.tombstone(id=iri)
    verdict = await send(
        paris,
        build.delete(id=iris.new_activity_iri(paris.node.settings), actor=paris_actor, object=tomb),
    )
    assert verdict.startswith("ignored") and "owner" in verdict
    with lyon.node.db.activate():
        assert await Action.filter(ap_id=iri).exists()
    # A non-partner's Proposal is ignored.
    pfp_actor = iris.instance_actor_iri(pfp.node.settings)
    foreign = objects.proposal(
        id="http://pfp.test/actions/x",
        attributed_to=pfp_actor,
        kind=ActionKind.NEED,
        name="Spam",
        content="<p>spam</p>",
        category=ActionCategory.FOOD,
        location=objects.place(latitude=48.85, longitude=2.35),
    )
    verdict = await send(
        pfp,
        build.create(id=iris.new_activity_iri(pfp.node.settings), actor=pfp_actor, object=foreign),
    )
    assert verdict.startswith("ignored") and "not a partner" in verdict
    # A partner cannot publish an object of another domain, nor without a location.
    spoof = {**foreign, "id": "http://pfp.test/actions/y", "attributedTo": paris_actor}
    verdict = await send(
        paris,
        build.create(
            id=iris.new_activity_iri(paris.node.settings), actor=paris_actor, object=spoof
        ),
    )
    assert verdict.startswith("ignored") and "domain" in verdict
    nowhere = {**foreign, "id": "http://paris.test/actions/z", "attributedTo": paris_actor}
    del nowhere["location"]
    verdict = await send(
        paris,
        build.create(
            id=iris.new_activity_iri(paris.node.settings), actor=paris_actor, object=nowhere
        ),
    )
    assert verdict.startswith("ignored") and "location" in verdict
    # Someone else's Update of a stored object is ignored.
    hijack = {**foreign, "id": iri, "attributedTo": paris_actor}
    verdict = await send(
        paris,
        build.update(
            id=iris.new_activity_iri(paris.node.settings), actor=paris_actor, object=hijack
        ),
    )
    assert verdict.startswith("ignored") and "owns" in verdict
    with lyon.node.db.activate():
        assert (await Action.get(ap_id=iri)).title == "Un manteau chaud pour l'hiver"


async def test_fediverse_follower_gets_a_readable_post(node_factory: NodeFactory) -> None:
    (paris,) = await federated_nodes(node_factory, "paris")
    paris_actor = iris.instance_actor_iri(paris.node.settings)
    fedi, alice = await mastodon_follower(paris, paris_actor)
    _, headers = await member(paris, "Léa")
    await ok(
        paris,
        "POST",
        "/api/v1/actions",
        headers,
        json=need_body(description="<b>Merci</b> & bravo"),
    )
    await settle(paris)
    creates = [
        a
        for a in fedi.deliveries_to(alice.shared_inbox) + fedi.deliveries_to(alice.inbox)
        if a["type"] == "Create"
    ]
    assert len(creates) == 1
    post = creates[0]
    assert post["to"] == ["https://www.w3.org/ns/activitystreams#Public"]
    obj = post["object"]
    # Mastodon keeps an object whose type equals or includes Note (Activity::Create,
    # JsonLdHelper#equals_or_includes_any?); Misskey reads the first type of an array.
    assert obj["type"] == ["Note", "Proposal"] and obj["purpose"] == "request"
    assert obj["name"] == "Un manteau chaud pour l'hiver"
    # Mastodon shows only content, and summary as a content warning: none here.
    assert "summary" not in obj
    content = obj["content"]
    assert content.startswith(
        '<p class="entraide-title"><strong>Un manteau chaud pour l&#x27;hiver</strong></p>'
        "<p>&lt;b&gt;Merci&lt;/b&gt; &amp; bravo</p>"
    )
    assert "Besoin · vêtements" in content and "Entraide paris" in content
    assert "https://www.openstreetmap.org/?mlat=" in content  # the approximate area
    assert f'<a href="{obj["id"]}">' in content  # the way back to answer it
    assert "updated" not in obj  # a new object does not look edited
    assert obj["to"] == ["https://www.w3.org/ns/activitystreams#Public"]
    assert obj["attributedTo"] == post["actor"]
    assert set(obj["location"]) == {"type", "latitude", "longitude"}
    assert obj["url"].startswith("http://paris.test/actions/")
    assert httpx is not None


async def test_remote_upsert_rules(node_factory: NodeFactory) -> None:
    """One statement stores or refreshes; another owner or an older version changes nothing."""
    from datetime import timezone

    import pytest

    from node.caches import actions_version
    from node.models import ActionCategory, ActionKind, ActionStatus, Visibility
    from node.services import remote_actions
    from node.services.remote_actions import RemoteFields

    (lyon,) = await federated_nodes(node_factory, "lyon")
    t0 = clock.now()

    def fields(title: str, updated: Any) -> RemoteFields:
        return RemoteFields(
            kind=ActionKind.NEED,
            category=ActionCategory.FOOD,
            title=title,
            description="d",
            status=ActionStatus.OPEN,
            lat=45.76,
            lon=4.83,
            starts_at=None,
            ends_at=None,
            place_name=None,
            expires_at=t0 + timedelta(days=7),
            url="http://paris.test/a/1",
            updated=updated,
        )

    owner = {"ap_id": "http://paris.test/a/1", "domain": "paris.test"}
    iri, name = "http://paris.test/u/lea", "Léa"
    with lyon.node.db.activate():
        version = actions_version()
        first = await remote_actions.upsert_remote_action(
            **owner, owner_iri=iri, owner_name=name, fields=fields("v1", t0)
        )
        assert first is not None and actions_version() == version + 1
        row = await Action.get(ap_id=owner["ap_id"])
        assert (row.id, row.visibility, row.origin_domain) == (
            first,
            Visibility.PUBLIC,
            "paris.test",
        )
        assert row.h3_cell and row.unit_z and row.remote_updated_at == t0
        # Newer (given in another offset): refreshed, same row.
        later = (t0 + timedelta(minutes=1)).astimezone(timezone(timedelta(hours=2)))
        again = await remote_actions.upsert_remote_action(
            **owner, owner_iri=iri, owner_name=name, fields=fields("v2", later)
        )
        assert again == first and (await Action.get(id=first)).title == "v2"
        # Older (30 s after t0 but before the stored minute, in yet another offset): ignored.
        older = (t0 + timedelta(seconds=30)).astimezone(timezone(timedelta(hours=-5)))
        with pytest.raises(remote_actions.Stale):
            await remote_actions.upsert_remote_action(
                **owner, owner_iri=iri, owner_name=name, fields=fields("old", older)
            )
        # Another actor, or the same actor from another domain: refused.
        with pytest.raises(remote_actions.NotOwner):
            await remote_actions.upsert_remote_action(
                **owner, owner_iri="http://paris.test/u/x", owner_name="X", fields=fields("x", None)
            )
        with pytest.raises(remote_actions.NotOwner):
            await remote_actions.upsert_remote_action(
                ap_id=owner["ap_id"],
                domain="evil.test",
                owner_iri=iri,
                owner_name=name,
                fields=fields("x", None),
            )
        assert (await Action.get(id=first)).title == "v2"
        assert await Action.filter(ap_id=owner["ap_id"]).count() == 1
        # No version sent: refreshed (as before); create=False stores nothing new.
        await remote_actions.upsert_remote_action(
            **owner, owner_iri=iri, owner_name=name, fields=fields("v3", None)
        )
        assert (await Action.get(id=first)).title == "v3"
        assert (
            await remote_actions.upsert_remote_action(
                ap_id="http://paris.test/a/2",
                domain="paris.test",
                owner_iri=iri,
                owner_name=name,
                fields=fields("n", None),
                create=False,
            )
            is None
        )
