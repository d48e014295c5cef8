"""Moderators hide a chat line or a message of a call that went to a partner node: the partner
receives a ``Delete`` of its ``Tombstone`` from the actor that wrote it and its copy goes;
restored, the message is sent again and comes back there. A ``Delete`` of that message from
any other actor is ignored, and the message stays."""

from __future__ import annotations

from typing import Any

from node import iris
from node.http_state import EntraideApp
from node.models import CallMessage, Member, Message, OutboxActivity
from tests.conftest import NodeFactory
from tests.factories import call_body, make_association, need_body
from tests.fedtools import settle
from tests.node.fed.test_call_decisions import _inject, _mirror, _network, _resident, _told
from tests.node.fed.test_participations import _pair, _remote_id
from tests.node.fed_support import member, ok


async def _moderator(app: EntraideApp) -> dict[str, str]:
    moderator, headers = await member(app, "Modé")
    with app.node.db.activate():
        await Member.filter(id=moderator.id).update(is_moderator=True)
    return headers


async def _report(app: EntraideApp, reporter: dict[str, str], target: str) -> str:
    body = {"target": target, "category": "harassment", "text": "Insultant"}
    report = await ok(app, "POST", "/api/v1/reports", reporter, json=body)
    return f"/api/v1/moderation/reports/{report['id']}/actions"


async def _act(app: EntraideApp, mod: dict[str, str], url: str, verb: str) -> None:
    await ok(app, "POST", url, mod, json={"verb": verb, "reason": "Hors des règles"})


async def _bodies(app: EntraideApp, path: str, headers: dict[str, str]) -> list[str]:
    return [m["body"] for m in (await ok(app, "GET", path, headers))["items"]]


async def _deletes(app: EntraideApp, object_iri: str) -> list[dict[str, Any]]:
    with app.node.db.activate():
        rows = await OutboxActivity.filter(type="Delete", object_iri=object_iri)
        return [row.body for row in rows]


def _hostile_delete(actor: str, object_iri: str) -> dict[str, Any]:
    return {
        "id": f"{actor}#delete-{object_iri.rsplit('/', 1)[1]}",
        "type": "Delete",
        "actor": actor,
        "object": {"id": object_iri, "type": "Tombstone", "formerType": "as:Note"},
    }


async def test_a_hidden_chat_line_is_deleted_on_the_partner_until_restored(
    node_factory: NodeFactory,
) -> None:
    paris, lyon, pfp = apps = await _pair(node_factory)
    _, lea_h = await member(paris, "Léa")
    posted = await ok(paris, "POST", "/api/v1/actions", lea_h, json=need_body(auto_accept=True))
    await settle(*apps)
    remote_id = await _remote_id(lyon, "Un manteau chaud pour l'hiver")
    _, nadia_h = await member(lyon, "Nadia")
    await ok(lyon, "POST", f"/api/v1/actions/{remote_id}/participations", nadia_h, json={})
    _, sam_h = await member(paris, "Sam")
    await ok(paris, "POST", f"/api/v1/actions/{posted['id']}/participations", sam_h, json={})
    await settle(*apps)
    chat_paris = f"/api/v1/actions/{posted['id']}/messages"
    chat_lyon = f"/api/v1/actions/{remote_id}/messages"
    line = await ok(paris, "POST", chat_paris, lea_h, json={"body": "Vous êtes des nuls"})
    # Each line is delivered before the next is written: a partner lists a chat in the order
    # its lines arrive, and two deliveries in flight at once may arrive either way.
    await settle(*apps)
    await ok(paris, "POST", chat_paris, lea_h, json={"body": "Samedi 10 h ?"})
    await settle(*apps)
    assert await _bodies(lyon, chat_lyon, nadia_h) == ["Samedi 10 h ?", "Vous êtes des nuls"]
    note_iri = f"{iris.action_iri(paris.node.settings, posted['id'])}/messages/{line['id']}"

    mod = await _moderator(paris)
    url = await _report(paris, sam_h, f"message:{line['id']}")
    await _act(paris, mod, url, "hide")
    await settle(*apps)
    assert await _bodies(lyon, chat_lyon, nadia_h) == ["Samedi 10 h ?"]
    with lyon.node.db.activate():
        assert not await Message.exists(ap_id=note_iri)
    [delete] = await _deletes(paris, note_iri)
    # From the author, to the participant who had it (never public), as Mastodon's Delete.
    assert delete["actor"] == line_author(paris, delete)
    assert delete["object"]["type"] == "Tombstone" and delete["object"]["id"] == note_iri
    assert delete["object"]["formerType"] == "as:Note"
    assert len(delete["to"]) == 1 and delete["to"][0].startswith("http://lyon.test/")
    assert "Public" not in str(delete)
    with pfp.node.db.activate():  # the third node had nothing and hears nothing
        assert not await Message.exists(ap_id=note_iri)

    await _act(paris, mod, url, "restore")
    await settle(*apps)
    assert sorted(await _bodies(lyon, chat_lyon, nadia_h)) == [
        "Samedi 10 h ?",
        "Vous êtes des nuls",
    ]

    # Another server's actor cannot delete Léa's line on Lyon: ignored, the line stays.
    stranger = iris.instance_actor_iri(pfp.node.settings)
    item = await _inject(lyon, stranger, _hostile_delete(stranger, note_iri))
    assert item.status == "ignored"
    assert "only the server that sent a message may delete it" in (item.last_error or "")
    with lyon.node.db.activate():
        assert await Message.exists(ap_id=note_iri)


def line_author(app: EntraideApp, delete: dict[str, Any]) -> str:
    author: str = delete["actor"]
    assert author.startswith(f"{app.node.settings.base_url}/members/")
    return author


async def test_a_hidden_message_of_a_call_is_deleted_on_the_partner_until_restored(
    node_factory: NodeFactory,
) -> None:
    paris, lyon = apps = await _network(node_factory, "lyon")
    coordinator, coord_h = await member(paris, "Coord")
    association = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")
    body = call_body("volunteers", association=association)
    posted = await ok(paris, "POST", "/api/v1/calls", coord_h, json=body)
    nadia, nadia_h = await _resident(lyon, "Nadia")
    sam, sam_h = await _resident(paris, "Sam")
    await settle(*apps)
    mirror = await _mirror(lyon, nadia_h)
    await ok(lyon, "POST", f"/api/v1/calls/{mirror['id']}/answers", nadia_h, json={})
    await ok(paris, "POST", f"/api/v1/calls/{posted['id']}/answers", sam_h, json={})
    await settle(*apps)
    url = f"/api/v1/calls/{posted['id']}/messages"
    mirror_url = f"/api/v1/calls/{mirror['id']}/messages"
    words = await ok(paris, "POST", url, coord_h, json={"body": "Bande de fainéants"})
    await settle(*apps)  # delivered in order (see the chat test above)
    await ok(paris, "POST", url, coord_h, json={"body": "Rendez-vous à 18 h."})
    await settle(*apps)
    assert await _bodies(lyon, mirror_url, nadia_h) == ["Bande de fainéants", "Rendez-vous à 18 h."]
    assert len(await _told(lyon, nadia, "call_message")) == 2
    note_iri = f"{iris.call_iri(paris.node.settings, posted['id'])}/messages/{words['id']}"

    mod = await _moderator(paris)
    report = await _report(paris, sam_h, f"call_message:{words['id']}")
    await _act(paris, mod, report, "hide")
    await settle(*apps)
    assert await _bodies(lyon, mirror_url, nadia_h) == ["Rendez-vous à 18 h."]
    # The notices that quoted it are gone on both nodes; the other one stays.
    for app, who in ((lyon, nadia), (paris, sam)):
        quoted = [n.payload["message"] for n in await _told(app, who, "call_message")]
        assert quoted == ["Rendez-vous à 18 h."], app.node.settings.domain
    [delete] = await _deletes(paris, note_iri)
    owner = iris.association_actor_iri(paris.node.settings, association.id)
    assert delete["actor"] == owner and delete["object"]["id"] == note_iri
    assert delete["to"] == [iris.instance_actor_iri(lyon.node.settings)]

    await _act(paris, mod, report, "restore")
    await settle(*apps)
    # Back in its place: it keeps the time it was written.
    assert await _bodies(lyon, mirror_url, nadia_h) == ["Bande de fainéants", "Rendez-vous à 18 h."]

    # Paris's instance actor is not the association: its Delete is ignored.
    stranger = iris.instance_actor_iri(paris.node.settings)
    item = await _inject(lyon, stranger, _hostile_delete(stranger, note_iri))
    assert item.status == "ignored"
    assert "only the server that sent a message may delete it" in (item.last_error or "")
    with lyon.node.db.activate():
        assert await CallMessage.exists(ap_id=note_iri)


async def test_a_line_written_on_the_partner_and_hidden_there_leaves_the_actions_node(
    node_factory: NodeFactory,
) -> None:
    paris, lyon, _pfp = apps = await _pair(node_factory)
    _, lea_h = await member(paris, "Léa")
    posted = await ok(paris, "POST", "/api/v1/actions", lea_h, json=need_body(auto_accept=True))
    await settle(*apps)
    remote_id = await _remote_id(lyon, "Un manteau chaud pour l'hiver")
    chat_lyon = f"/api/v1/actions/{remote_id}/messages"
    helpers = [await member(lyon, name) for name in ("Nadia", "Omar")]
    for _, headers in helpers:
        await ok(lyon, "POST", f"/api/v1/actions/{remote_id}/participations", headers, json={})
    await settle(*apps)
    (_, nadia_h), (_, omar_h) = helpers
    line = await ok(lyon, "POST", chat_lyon, nadia_h, json={"body": "Léa ment"})
    await settle(*apps)
    chat_paris = f"/api/v1/actions/{posted['id']}/messages"
    assert await _bodies(paris, chat_paris, lea_h) == ["Léa ment"]

    mod = await _moderator(lyon)
    await _act(lyon, mod, await _report(lyon, omar_h, f"message:{line['id']}"), "hide")
    await settle(*apps)
    assert await _bodies(paris, chat_paris, lea_h) == []
    assert await _bodies(lyon, chat_lyon, nadia_h) == ["Léa ment"]  # its author still reads it
    assert await _bodies(lyon, chat_lyon, omar_h) == []
