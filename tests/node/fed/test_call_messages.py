"""Words between a call's association and respondents on a partner node: the association's
message reaches Lyon's respondents as a private Note to Lyon's instance actor (all of them, or
the one its token names), a Lyon respondent's reply reaches the association; nobody else may
write into the conversation, and no body carries a phone, an email or a member id."""

from __future__ import annotations

from uuid import uuid4

from node import iris
from node.models import CallMessage, InboxItem, Member, OutboxActivity
from tests.conftest import NodeFactory
from tests.factories import call_body, make_association
from tests.fedtools import router_of, settle
from tests.node.fed.test_call_decisions import _inject, _mirror, _network, _resident, _told
from tests.node.fed.test_privacy import Capture
from tests.node.fed_support import member, ok


async def test_association_and_partner_respondents_talk_through_their_nodes(
    node_factory: NodeFactory,
) -> None:
    paris, lyon = apps = await _network(node_factory, "lyon")
    capture = Capture(router_of(paris))
    for app in apps:
        app.node.http_transport = capture
    coordinator, coord_h = await member(paris, "Coord")
    association = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")
    posted = await ok(
        paris,
        "POST",
        "/api/v1/calls",
        coord_h,
        json=call_body("volunteers", association=association),
    )
    nadia, nadia_h = await _resident(lyon, "Nadia")
    omar, omar_h = await _resident(lyon, "Omar")
    await settle(*apps)
    mirror = await _mirror(lyon, nadia_h)
    for headers in (nadia_h, omar_h):
        await ok(lyon, "POST", f"/api/v1/calls/{mirror['id']}/answers", headers, json={})
    await settle(*apps)
    url = f"/api/v1/calls/{posted['id']}/messages"
    answers = await ok(paris, "GET", f"/api/v1/calls/{posted['id']}/answers", coord_h)
    nadia_answer = next(r["answer_id"] for r in answers["items"] if r["pseudonym"] == "Nadia")

    # To all: one Note to Lyon, which shows it to both; to Nadia: only she gets it.
    await ok(paris, "POST", url, coord_h, json={"body": "Rendez-vous à 18 h."})
    await ok(
        paris, "POST", url, coord_h, json={"body": "Nadia, la marmite ?", "answer_id": nadia_answer}
    )
    await settle(*apps)
    with paris.node.db.activate():
        notes = await OutboxActivity.filter(type="Create", object_iri__contains="/messages/")
        assert len(notes) == 2
        for note in notes:
            assert note.body["to"] == [iris.instance_actor_iri(lyon.node.settings)]
            assert note.body["object"]["inReplyTo"] == iris.call_iri(
                paris.node.settings, posted["id"]
            )
    mirror_url = f"/api/v1/calls/{mirror['id']}/messages"
    hers = await ok(lyon, "GET", mirror_url, nadia_h)
    assert [m["body"] for m in hers["items"]] == ["Rendez-vous à 18 h.", "Nadia, la marmite ?"]
    assert all(m["author"] == "Chaleur" for m in hers["items"])
    his = await ok(lyon, "GET", mirror_url, omar_h)
    assert [m["body"] for m in his["items"]] == ["Rendez-vous à 18 h."]
    assert len(await _told(lyon, nadia, "call_message")) == 2
    assert len(await _told(lyon, omar, "call_message")) == 1

    # Nadia answers from Lyon: the association reads it, Omar does not, the coordinator is told.
    await ok(lyon, "POST", mirror_url, nadia_h, json={"body": "Oui, je l'apporte."})
    await settle(*apps)
    every = await ok(paris, "GET", url, coord_h)
    assert every["items"][-1]["author"] == "Nadia"
    assert every["items"][-1]["body"] == "Oui, je l'apporte."
    assert len(await _told(paris, coordinator, "call_reply")) == 1
    his = await ok(lyon, "GET", mirror_url, omar_h)
    assert len(his["items"]) == 1
    # The Note delivered again: once.
    with lyon.node.db.activate():
        reply = await OutboxActivity.get(type="Create", object_iri__contains="/messages/")
    with paris.node.db.activate():
        await InboxItem.filter(activity_id=reply.body["id"]).delete()
    await _inject(paris, reply.body["actor"], reply.body)
    with paris.node.db.activate():
        assert await CallMessage.filter(from_association=False).count() == 1

    # Nobody else writes into the conversation: another association of Paris to Lyon's
    # respondents, a token of nobody, a public Note.
    other = await make_association(paris, {coordinator: "coordinator"}, name="Autre")
    stranger = iris.association_actor_iri(paris.node.settings, other.id)
    call_iri = iris.call_iri(paris.node.settings, posted["id"])

    def note(actor: str, **extra: object) -> dict[str, object]:
        ident = f"{paris.node.settings.base_url}/notes/{uuid4()}"
        obj = {
            "id": ident,
            "type": "Note",
            "attributedTo": actor,
            "inReplyTo": call_iri,
            "content": "<p>Venez !</p>",
            "to": [iris.instance_actor_iri(lyon.node.settings)],
            **extra,
        }
        return {"id": f"{ident}/activity", "type": "Create", "actor": actor, "object": obj}

    item = await _inject(lyon, stranger, note(stranger))
    assert item.status == "ignored" and "No call of this association" in (item.last_error or "")
    owner = iris.association_actor_iri(paris.node.settings, association.id)
    item = await _inject(lyon, owner, note(owner, respondent="0" * 24))
    assert item.status == "ignored" and "token" in (item.last_error or "")
    public = note(owner)
    public["object"]["to"] = ["https://www.w3.org/ns/activitystreams#Public"]  # type: ignore[index]
    item = await _inject(lyon, owner, public)
    assert item.status == "ignored" and "private" in (item.last_error or "")
    # A reply naming a respondent Paris does not have from Lyon.
    lyon_actor = iris.instance_actor_iri(lyon.node.settings)
    fake = note(lyon_actor, respondent="abcdef0123456789")
    fake["id"] = f"{lyon.node.settings.base_url}/activities/{uuid4()}"
    fake["object"]["id"] = f"{lyon.node.settings.base_url}/notes/{uuid4()}"  # type: ignore[index]
    item = await _inject(paris, lyon_actor, fake)
    assert item.status == "ignored" and "token" in (item.last_error or "")
    assert len((await ok(lyon, "GET", mirror_url, omar_h))["items"]) == 1

    # Thanking everyone reaches the respondents on Lyon too.
    thanks = await ok(
        paris,
        "POST",
        f"/api/v1/calls/{posted['id']}/thanks",
        coord_h,
        json={"message": "Merci à tous !"},
    )
    assert thanks["thanked"] == 2
    await settle(*apps)
    for who in (nadia, omar):
        told = await _told(lyon, who, "call_message")
        assert told[-1].payload["message"] == "Merci à tous !"
    his = await ok(lyon, "GET", mirror_url, omar_h)
    assert [m["body"] for m in his["items"]][-1] == "Merci à tous !"

    # Nothing private in any body that left a node.
    secrets: list[str] = []
    for app in apps:
        with app.node.db.activate():
            for row in await Member.all():
                secrets += [s for s in (row.phone, row.email) if s]
    ids = [str(nadia.id), str(omar.id), nadia.id.hex, omar.id.hex]
    for where, text in capture.bodies:
        for secret in secrets + ids:
            assert secret not in text, (where, secret)
