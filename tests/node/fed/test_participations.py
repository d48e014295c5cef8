"""A member of Lyon answers a need of Paris: the Join travels, the author sees and accepts it,
their chat travels as Create(Note) addressed only to the participants; leaving; auto-accept;
inbound checks (partners only, chat only from participants, never public)."""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from federation import build, objects
from node import iris
from node.fed.outbox import publish
from node.fed.remote import get_remote_actor
from node.http_state import EntraideApp
from node.models import InboxItem, Message, OutboxActivity
from tests.conftest import NodeFactory
from tests.factories import need_body
from tests.fedtools import federated_nodes, settle
from tests.node.fed_support import call, feed, member, ok, partner


async def _pair(node_factory: NodeFactory) -> tuple[EntraideApp, EntraideApp, EntraideApp]:
    paris, lyon, pfp = await federated_nodes(node_factory, "paris", "lyon", "pfp")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(lyon, lyon_admin, paris, paris_admin, paris, lyon, pfp)
    return paris, lyon, pfp


async def _remote_id(app: EntraideApp, title: str) -> str:
    return next(a["id"] for a in await feed(app) if a["origin"] and a["title"] == title)


async def test_lyon_member_answers_a_paris_need_and_they_chat(node_factory: NodeFactory) -> None:
    paris, lyon, pfp = await _pair(node_factory)
    apps = (paris, lyon, pfp)
    _, author = await member(paris, "Léa")
    posted = await ok(paris, "POST", "/api/v1/actions", author, json=need_body())
    await settle(*apps)
    remote_id = await _remote_id(lyon, "Un manteau chaud pour l'hiver")
    nadia, helper = await member(lyon, "Nadia")
    parts = f"/api/v1/actions/{remote_id}/participations"
    joined = await ok(lyon, "POST", parts, helper, json={"message": "J'ai un manteau L"})
    assert joined["status"] == "pending" and joined["member"]["id"] == str(nadia.id)
    assert (await call(lyon, "POST", parts, helper, json={}))[0] == 409  # once
    await settle(*apps)

    # The author on Paris sees the remote participant and accepts.
    paris_parts = f"/api/v1/actions/{posted['id']}/participations"
    rows = (await ok(paris, "GET", paris_parts, author))["items"]
    assert len(rows) == 1
    assert rows[0]["member"] == {"id": None, "pseudonym": "Nadia"}
    assert rows[0]["message"] == "J'ai un manteau L" and rows[0]["status"] == "pending"
    await ok(paris, "PATCH", f"{paris_parts}/{rows[0]['id']}", author, json={"status": "accepted"})
    await settle(*apps)
    mine = (await ok(lyon, "GET", parts, helper))["items"]
    assert [p["status"] for p in mine] == ["accepted"]

    # Chat both ways, addressed only to the participants.
    chat_paris = f"/api/v1/actions/{posted['id']}/messages"
    chat_lyon = f"/api/v1/actions/{remote_id}/messages"
    await ok(paris, "POST", chat_paris, author, json={"body": "Merci ! Rendez-vous samedi ?"})
    await settle(*apps)
    got = (await ok(lyon, "GET", chat_lyon, helper))["items"]
    assert [(m["author"]["pseudonym"], m["body"]) for m in got] == [
        ("Léa", "Merci ! Rendez-vous samedi ?")
    ]
    await ok(lyon, "POST", chat_lyon, helper, json={"body": "Samedi 10 h, parfait."})
    await settle(*apps)
    got = (await ok(paris, "GET", chat_paris, author))["items"]
    assert [(m["author"], m["body"]) for m in reversed(got)] == [
        ({"id": str(_member_id(got, "Léa")), "pseudonym": "Léa"}, "Merci ! Rendez-vous samedi ?"),
        ({"id": None, "pseudonym": "Nadia"}, "Samedi 10 h, parfait."),
    ]
    for app in (paris, lyon):
        with app.node.db.activate():
            notes = [o.body for o in await OutboxActivity.filter(type="Create")]
            for body in notes:
                if body["object"]["type"] == "Note":
                    assert body["object"]["to"] and "as#Public" not in str(body)
                    assert body["to"] == body["object"]["to"]
    with pfp.node.db.activate():  # the third node saw nothing of the chat
        assert not await InboxItem.filter(type="Create", object_type="Note").exists()

    # Nadia leaves.
    status, _ = await call(lyon, "DELETE", f"{parts}/me", helper)
    assert status == 204
    await settle(*apps)
    rows = (await ok(paris, "GET", paris_parts, author))["items"]
    assert rows[0]["status"] == "left"


def _member_id(items: list[dict[str, Any]], pseudonym: str) -> str:
    return next(m["author"]["id"] for m in items if m["author"]["pseudonym"] == pseudonym)


async def test_auto_accept_and_decline(node_factory: NodeFactory) -> None:
    paris, lyon, pfp = await _pair(node_factory)
    apps = (paris, lyon, pfp)
    _, author = await member(paris, "Léa")
    auto = await ok(
        paris, "POST", "/api/v1/actions", author, json=need_body("Café", auto_accept=True)
    )
    manual = await ok(paris, "POST", "/api/v1/actions", author, json=need_body("Coupe de cheveux"))
    await settle(*apps)
    _, helper = await member(lyon, "Nadia")
    for title in ("Café", "Coupe de cheveux"):
        remote_id = await _remote_id(lyon, title)
        await ok(lyon, "POST", f"/api/v1/actions/{remote_id}/participations", helper, json={})
    await settle(*apps)
    cafe = await _remote_id(lyon, "Café")
    statuses = (await ok(lyon, "GET", f"/api/v1/actions/{cafe}/participations", helper))["items"]
    assert [p["status"] for p in statuses] == ["accepted"]
    rows = (await ok(paris, "GET", f"/api/v1/actions/{manual['id']}/participations", author))[
        "items"
    ]
    await ok(
        paris,
        "PATCH",
        f"/api/v1/actions/{manual['id']}/participations/{rows[0]['id']}",
        author,
        json={"status": "declined"},
    )
    await settle(*apps)
    cut = await _remote_id(lyon, "Coupe de cheveux")
    statuses = (await ok(lyon, "GET", f"/api/v1/actions/{cut}/participations", helper))["items"]
    assert [p["status"] for p in statuses] == ["declined"]
    # A declined member is not in the chat.
    assert (
        await call(lyon, "POST", f"/api/v1/actions/{cut}/messages", helper, json={"body": "?"})
    )[0] == 403
    assert auto["auto_accept"] is True


async def test_inbound_participation_checks(node_factory: NodeFactory) -> None:
    paris, lyon, pfp = await _pair(node_factory)
    apps = (paris, lyon, pfp)
    _, author = await member(paris, "Léa")
    posted = await ok(paris, "POST", "/api/v1/actions", author, json=need_body())
    await settle(*apps)
    action_iri = f"http://paris.test/actions/{posted['id']}"

    async def send(app: EntraideApp, activity: dict[str, Any]) -> str:
        with app.node.db.activate():
            target = await get_remote_actor(app.node, "http://paris.test/actor")
            async with in_transaction():
                await publish(app.node, activity, to=[target])
        await settle(*apps)
        with paris.node.db.activate():
            item = await InboxItem.get(activity_id=activity["id"])
            return f"{item.status.value}: {item.last_error}"

    pfp_actor = iris.instance_actor_iri(pfp.node.settings)
    lyon_actor = iris.instance_actor_iri(lyon.node.settings)
    join = build.join(
        id=iris.new_activity_iri(pfp.node.settings), actor=pfp_actor, object=action_iri
    )
    assert "not a partner" in await send(pfp, join)
    unknown = build.join(
        id=iris.new_activity_iri(lyon.node.settings),
        actor=lyon_actor,
        object="http://paris.test/actions/00000000-0000-4000-8000-000000000000",
    )
    assert (await send(lyon, unknown)).startswith("ignored")
    # A chat Note from someone who is not an accepted participant, and a public one.
    note = objects.note(
        id=f"{lyon_actor}/notes/1",
        attributed_to=lyon_actor,
        content="<p>Bonjour</p>",
        to=["http://paris.test/actor"],
        in_reply_to=action_iri,
    )
    create = build.create(
        id=iris.new_activity_iri(lyon.node.settings), actor=lyon_actor, object=note
    )
    assert "accepted participants" in await send(lyon, create)
    public = objects.note(
        id=f"{lyon_actor}/notes/2", attributed_to=lyon_actor, content="x", in_reply_to=action_iri
    )
    create = build.create(
        id=iris.new_activity_iri(lyon.node.settings), actor=lyon_actor, object=public
    )
    assert "private" in await send(lyon, create)
    with paris.node.db.activate():
        assert not await Message.exists()
